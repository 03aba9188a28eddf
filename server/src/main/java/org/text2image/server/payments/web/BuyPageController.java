package org.text2image.server.payments.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentMethod;
import org.text2image.server.payments.stripe.CheckoutUnavailableException;
import org.text2image.server.payments.stripe.StripeCheckout;
import org.text2image.server.payments.upi.UpiRequests;
import org.text2image.server.support.InvalidInputException;

/**
 * {@code /buy}: the credit packs, and for each the ways to pay that take it ({@link PaymentMethod}
 * beans). Each button is a small form carrying the pack, the price it showed and a fresh one-time
 * key. {@code POST /payments/upi} opens a UPI request from it (POST-redirect-GET: 303 to the
 * request's page; the same key again leads to the same request, so a reload or double click opens
 * one). {@code POST /payments/stripe} opens a Stripe Checkout Session the same way and sends the
 * browser to Stripe's page (303). A pack that is unknown, or a price or currency that is not the pack's (a forged form, or a
 * price changed since the page was shown) is refused on the Buy page, and nothing is written.
 */
@Controller
class BuyPageController {

    private final Packs packs;
    private final List<PaymentMethod> methods;
    private final UpiRequests upi;
    private final StripeCheckout stripe;

    BuyPageController(Packs packs, List<PaymentMethod> methods, UpiRequests upi, StripeCheckout stripe) {
        this.packs = packs;
        this.methods = methods.stream().sorted(Comparator.comparingInt(PaymentMethod::order)).toList();
        this.upi = upi;
        this.stripe = stripe;
    }

    @GetMapping("/buy")
    String buy(Model model) {
        return show(model, null, Map.of());
    }

    @PostMapping("/payments/upi")
    ModelAndView payWithUpi(@AuthenticationPrincipal SignedInUser user, @ModelAttribute BuyForm form, Model model) {
        Pack pack = packs.find(form.packId()).orElse(null);
        try {
            requireShownPrice(pack, form);
            Payment request = upi.open(user.id(), pack, form.requestKey());
            ModelAndView next = new ModelAndView("redirect:/payments/" + request.reference());
            next.setStatus(HttpStatus.SEE_OTHER);
            return next;
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(show(model, pack, e.fieldErrors()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    /**
     * Opens a Stripe Checkout Session for the form's pack and sends the browser to Stripe's page
     * (303); the same key again leads to the same Session. When Stripe cannot be reached the Buy
     * page says so (503) and nothing is charged.
     */
    @PostMapping("/payments/stripe")
    ModelAndView payWithStripe(@AuthenticationPrincipal SignedInUser user, @ModelAttribute BuyForm form, Model model) {
        Pack pack = packs.find(form.packId()).orElse(null);
        try {
            requireShownPrice(pack, form);
            ModelAndView next = new ModelAndView("redirect:" + stripe.open(user, pack, form.requestKey()).redirectUrl());
            next.setStatus(HttpStatus.SEE_OTHER);
            return next;
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(show(model, pack, e.fieldErrors()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        } catch (CheckoutUnavailableException e) {
            ModelAndView page = new ModelAndView(show(model, pack, Map.of("pack",
                    "Card payments are unavailable at the moment; nothing was charged. Try again in a few minutes.")));
            page.setStatus(HttpStatus.SERVICE_UNAVAILABLE);
            return page;
        }
    }

    /** The form's pack must exist and its price and currency be the pack's, to the minor unit. */
    private static void requireShownPrice(Pack pack, BuyForm form) {
        if (pack == null) {
            throw new InvalidInputException(Map.of("pack", "There is no such pack on sale. Choose one of the packs below."));
        }
        if (!Long.toString(pack.priceMinor()).equals(form.amountMinor().strip())
                || !pack.currency().equals(form.currency().strip())) {
            throw new InvalidInputException(Map.of("pack", "The price sent is not the price of the " + pack.name()
                    + " pack, which is " + pack.price() + ". Check the pack below and choose again."));
        }
    }

    private String show(Model model, Pack refused, Map<String, String> errors) {
        model.addAttribute("offers", packs.all().stream().map(pack -> new Offer(pack, methods.stream()
                .filter(method -> method.offers(pack)).map(method -> new Button(method, UUID.randomUUID().toString()))
                .toList())).toList());
        model.addAttribute("refusedPack", refused == null ? null : refused.id());
        model.addAttribute("errors", errors);
        return "payments/buy";
    }

    /** A pack with the buttons of the ways to pay it, each with its own one-time key. */
    record Offer(Pack pack, List<Button> buttons) {
    }

    /** One way to pay one pack. */
    record Button(PaymentMethod method, String requestKey) {
    }

    /**
     * A Buy button's form; absent fields are empty.
     *
     * @param amountMinor the price the page showed, in minor units
     * @param requestKey the one-time key the button was rendered with
     */
    record BuyForm(String packId, String amountMinor, String currency, String requestKey) {

        BuyForm {
            packId = packId == null ? "" : packId;
            amountMinor = amountMinor == null ? "" : amountMinor;
            currency = currency == null ? "" : currency;
            requestKey = requestKey == null ? "" : requestKey;
        }
    }
}
