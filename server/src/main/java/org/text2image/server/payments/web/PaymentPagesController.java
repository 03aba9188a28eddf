package org.text2image.server.payments.web;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentDescriptions;
import org.text2image.server.payments.PaymentProvider;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.PaymentState;
import org.text2image.server.payments.upi.UpiPayee;
import org.text2image.server.payments.upi.UpiLink;
import org.text2image.server.payments.upi.UpiRequests;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;
import org.text2image.server.support.QrCodes;

/**
 * The user's payments: {@code /payments} lists them all (pack or plan, amount, state, dates, a rejection's
 * reason); {@code /payments/{reference}} shows one, and while a UPI request waits for its UTR, how
 * to pay it: the QR code ({@code qr.png}, served here), the same link as a button for phones, the
 * amount and payee, numbered steps and the UTR form. The UTR form follows POST-redirect-GET; a
 * refused UTR is shown beside the field and changes nothing. While a payment waits for a decision
 * its page polls {@code /payments/{reference}/status}, which also updates the header balance.
 * Another user's payment does not exist (404).
 */
@Controller
class PaymentPagesController {

    private static final Pattern REFERENCE = Pattern.compile("[A-Z0-9]{6,20}");
    private static final int LISTED = 200;
    /** The UPI QR code's width and height, in pixels. */
    static final int UPI_QR_SIZE = 320;

    private final PaymentRows rows;
    private final Packs packs;
    private final UpiRequests upi;
    private final UpiPayee payee;
    private final PaymentDescriptions descriptions;

    PaymentPagesController(PaymentRows rows, Packs packs, UpiRequests upi, UpiPayee payee,
                           PaymentDescriptions descriptions) {
        this.descriptions = descriptions;
        this.rows = rows;
        this.packs = packs;
        this.upi = upi;
        this.payee = payee;
    }

    @GetMapping("/payments")
    String history(@AuthenticationPrincipal SignedInUser user, Model model) {
        java.util.List<Payment> payments = rows.forUser(user.id(), LISTED);
        model.addAttribute("payments", payments);
        model.addAttribute("items", payments.stream().collect(java.util.stream.Collectors.toMap(Payment::id,
                descriptions::summary)));
        return "payments/history";
    }

    @GetMapping("/payments/{reference}")
    String payment(@AuthenticationPrincipal SignedInUser user, @PathVariable String reference, Model model) {
        return show(model, own(user, reference), "", Map.of());
    }

    /** The live part of the payment page (htmx polls it while the payment waits for a decision). */
    @GetMapping("/payments/{reference}/status")
    String status(@AuthenticationPrincipal SignedInUser user, @PathVariable String reference, Model model) {
        show(model, own(user, reference), "", Map.of());
        return "payments/payment :: response";
    }

    @GetMapping("/payments/{reference}/qr.png")
    ResponseEntity<byte[]> qrCode(@AuthenticationPrincipal SignedInUser user, @PathVariable String reference) {
        Payment payment = own(user, reference);
        String link = upiLink(payment);
        if (link == null) {
            throw new PageNotFoundException("No QR code for payment " + reference + " in state " + payment.state());
        }
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG)
                .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePrivate())
                .body(QrCodes.png(link, UPI_QR_SIZE));
    }

    @PostMapping("/payments/{reference}/utr")
    ModelAndView submitUtr(@AuthenticationPrincipal SignedInUser user, @PathVariable String reference,
                           @RequestParam(required = false) String utr, RedirectAttributes redirect, Model model) {
        Payment payment = own(user, reference);
        try {
            upi.submitUtr(user.id(), payment, utr);
            redirect.addFlashAttribute("notice", "Thank you: we received your UTR. An admin checks the payment, "
                    + "usually within a day; we mail you when the credits are added.");
            ModelAndView next = new ModelAndView("redirect:/payments/" + payment.reference());
            next.setStatus(HttpStatus.SEE_OTHER);
            return next;
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(show(model, rows.find(payment.id()).orElse(payment),
                    utr == null ? "" : utr, e.fieldErrors()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    private String show(Model model, Payment payment, String typedUtr, Map<String, String> errors) {
        model.addAttribute("payment", payment);
        model.addAttribute("packName", descriptions.item(payment));
        model.addAttribute("upiLink", upiLink(payment));
        model.addAttribute("upi", payee.current());
        model.addAttribute("utr", typedUtr.length() > 40 ? typedUtr.substring(0, 40) : typedUtr);
        model.addAttribute("errors", errors);
        return "payments/payment";
    }

    /** The UPI link while the request waits for its UTR (and UPI is still configured), else null. */
    private String upiLink(Payment payment) {
        if (payment.provider() != PaymentProvider.UPI || payment.state() != PaymentState.AWAITING_UTR
                || !payee.current().enabled()) {
            return null;
        }
        return UpiLink.of(payee.current(), payment, payment.forPlan() ? descriptions.item(payment)
                : packs.find(payment.packId()).map(Pack::name).orElse(Credits.format(payment.credits())));
    }

    private Payment own(SignedInUser user, String reference) {
        if (!REFERENCE.matcher(reference).matches()) {
            throw new PageNotFoundException("No payment " + reference);
        }
        return rows.findByReference(reference).filter(payment -> payment.userId() == user.id())
                .orElseThrow(() -> new PageNotFoundException("No payment " + reference + " of user " + user.id()));
    }
}
