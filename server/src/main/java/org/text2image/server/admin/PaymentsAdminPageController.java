package org.text2image.server.admin;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentDescriptions;
import org.text2image.server.payments.PaymentReversals;
import org.text2image.server.payments.PaymentReview;
import org.text2image.server.payments.PaymentStatistics;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code /admin/payments}: the UPI requests pending review, oldest first, each with its user,
 * pack, amount, reference, UTR, submission time and the user's earlier payments; a search by UTR,
 * email or reference ({@code ?q=}); and Approve / Reject (with a mandatory reason) per request.
 * Both decisions are POST-redirect-GET and decide once however often they are sent
 * ({@link PaymentReview}): a second click, or a second admin, is told it was already decided.
 * Card payments that Stripe reported refunded or disputed are listed at the top, with the credits
 * removed and those owed ({@link PaymentReversals}). For anyone but an admin the page does not exist (404).
 */
@Controller
@RequestMapping("/admin/payments")
class PaymentsAdminPageController {

    private static final int EARLIER = 10;
    private static final int MAX_QUERY = 254;

    private final PaymentReview review;
    private final PaymentReversals reversals;
    private final PaymentStatistics statistics;
    private final java.time.Clock clock;
    private final PaymentDescriptions descriptions;

    PaymentsAdminPageController(PaymentReview review, PaymentReversals reversals,
                                PaymentStatistics statistics, java.time.Clock clock, PaymentDescriptions descriptions) {
        this.descriptions = descriptions;
        this.review = review;
        this.reversals = reversals;
        this.statistics = statistics;
        this.clock = clock;
    }

    /**
     * The review queue, and with {@code state} (a payment state, or {@code SOLD} for the payments
     * that granted credits and kept them) the payments in that state, created (sold: approved or
     * paid) on the days {@code from} … {@code to}, newest first, 50 a page. A bad filter is a 400
     * with its message.
     */
    @GetMapping
    ModelAndView page(@RequestParam(required = false) String q, @RequestParam(defaultValue = "") String state,
                      @RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "") String to,
                      @RequestParam(defaultValue = "") String page, Model model) {
        Map<String, String> filterErrors = new java.util.LinkedHashMap<>();
        if (!state.isBlank()) {
            PaymentFilter filter = PaymentFilter.parse(state, from, to, page, clock, filterErrors);
            if (filter != null) {
                PaymentStatistics.PaymentList listed = statistics.list(filter.state(), filter.from(), filter.to(),
                        filter.page(), PaymentFilter.PAGE_SIZE);
                model.addAttribute("listed", listed);
                model.addAttribute("listedEmails", review.emails(listed.payments().stream().map(Payment::userId)
                        .collect(java.util.stream.Collectors.toSet())));
                model.addAttribute("listedNewer", listed.page() > 0 ? filter.link(listed.page() - 1) : null);
                model.addAttribute("listedOlder", listed.hasNext() ? filter.link(listed.page() + 1) : null);
                model.addAttribute("listedTitle", filter.title());
            }
        }
        model.addAttribute("filterErrors", filterErrors);
        ModelAndView view = new ModelAndView(show(model, q, null, Map.of(), ""));
        view.setStatus(filterErrors.isEmpty() ? HttpStatus.OK : HttpStatus.BAD_REQUEST);
        return view;
    }

    @PostMapping("/{id}/approve")
    ModelAndView approve(@AuthenticationPrincipal SignedInUser admin, @PathVariable String id,
                         RedirectAttributes redirect) {
        PaymentReview.Decision decision;
        try {
            decision = decide(() -> review.approve(admin.id(), parse(id)));
        } catch (InvalidInputException e) { // a plan payment whose plan left the plans file: nothing changed
            redirect.addFlashAttribute("alert", String.join(" ", e.fieldErrors().values()));
            return backToQueue();
        }
        Payment decided = decision.payment();
        redirect.addFlashAttribute("notice", !decision.decided() ? alreadyDecided(decided)
                : decided.forPlan() ? "Approved " + decided.reference() + ": " + email(decided) + " paid for the "
                        + descriptions.item(decided) + "; their plan is updated."
                : "Approved " + decided.reference() + ": " + Credits.format(decided.credits()) + " added for "
                        + email(decided) + ".");
        return backToQueue();
    }

    @PostMapping("/{id}/reject")
    ModelAndView reject(@AuthenticationPrincipal SignedInUser admin, @PathVariable String id,
                        @RequestParam(required = false) String reason, RedirectAttributes redirect, Model model) {
        long paymentId = parse(id);
        try {
            PaymentReview.Decision decision = decide(() -> review.reject(admin.id(), paymentId, reason));
            redirect.addFlashAttribute("notice", decision.decided()
                    ? "Rejected " + decision.payment().reference() + "; " + email(decision.payment())
                            + " was told why."
                    : alreadyDecided(decision.payment()));
            return backToQueue();
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(show(model, null, paymentId, e.fieldErrors(),
                    reason == null ? "" : reason));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    /** Runs a decision; an unknown id is the 404 page. */
    private static PaymentReview.Decision decide(java.util.function.Supplier<PaymentReview.Decision> decision) {
        try {
            return decision.get();
        } catch (InvalidInputException e) {
            if (e.fieldErrors().containsKey("payment")) {
                throw new PageNotFoundException("No payment to decide");
            }
            throw e;
        }
    }

    private String show(Model model, String query, Long refusedId, Map<String, String> errors, String typedReason) {
        String q = query == null ? "" : query.strip();
        if (q.length() > MAX_QUERY) {
            q = q.substring(0, MAX_QUERY);
        }
        List<Payment> queue = review.queue();
        List<Payment> found = q.isEmpty() ? List.of() : review.search(q);
        Set<Long> users = new HashSet<>();
        queue.forEach(p -> users.add(p.userId()));
        found.forEach(p -> users.add(p.userId()));
        Map<Long, String> emails = review.emails(users);
        model.addAttribute("queue", queue.stream().map(p -> new Row(p, emails.get(p.userId()), packName(p),
                review.ofUser(p.userId()).stream().filter(other -> other.id() != p.id()).limit(EARLIER).toList())).toList());
        model.addAttribute("found", found.stream().map(p -> new Row(p, emails.get(p.userId()), packName(p), List.of())).toList());
        List<PaymentReversals.Reversed> reversed = reversals.recent();
        model.addAttribute("reversals", reversed);
        model.addAttribute("reversalEmails", review.emails(reversed.stream().map(r -> r.payment().userId())
                .collect(java.util.stream.Collectors.toSet())));
        model.addAttribute("q", q);
        model.addAttribute("refusedId", refusedId);
        model.addAttribute("errors", errors);
        model.addAttribute("typedReason", typedReason.length() > 600 ? typedReason.substring(0, 600) : typedReason);
        return "admin/payments";
    }

    /** The pack's name, or the plan and period ("Pro plan, 1 week"). */
    private String packName(Payment p) {
        return descriptions.item(p);
    }

    private String email(Payment p) {
        return review.emails(Set.of(p.userId())).getOrDefault(p.userId(), "user " + p.userId());
    }

    private static String alreadyDecided(Payment p) {
        return p.reference() + " is " + p.state().label().toLowerCase(Locale.ROOT)
                + " already (another decision came first); nothing changed.";
    }

    private static ModelAndView backToQueue() {
        ModelAndView next = new ModelAndView("redirect:/admin/payments");
        next.setStatus(HttpStatus.SEE_OTHER);
        return next;
    }

    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new PageNotFoundException("No payment " + id);
        }
    }

    /**
     * One request as the page shows it.
     *
     * @param earlier the user's other payments, newest first (only in the queue)
     */
    record Row(Payment payment, String email, String packName, List<Payment> earlier) {
    }
}
