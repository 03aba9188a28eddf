package org.text2image.server.payments.stripe;

import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.InvalidInputException;

/**
 * The Billing page's card actions (docs/PLANS.md, "Subscribing by card (Stripe)"), for signed-in
 * users, each a POST with the page's CSRF token, answered with a 303 (POST-redirect-GET):
 *
 * <ul>
 *   <li>{@code POST /billing/stripe/checkout} ({@code planId}, {@code period} weekly|yearly,
 *       {@code requestKey}) → Stripe Checkout, or {@code /billing} with an error;
 *   <li>{@code POST /billing/stripe/change} ({@code planId}, {@code period}, {@code requestKey}) →
 *       {@code /billing}: an upgrade now, a downgrade at the end of the paid period;
 *   <li>{@code POST /billing/stripe/cancel} and {@code POST /billing/stripe/resume} → {@code /billing};
 *   <li>{@code POST /billing/stripe/portal} → Stripe's customer portal, or {@code /billing} with an error.
 * </ul>
 *
 * What happened is told on {@code /billing} by a flash attribute: {@code notice} (done) or
 * {@code error} (refused input, or Stripe failed; nothing changed then).
 */
@Controller
@RequestMapping("/billing/stripe")
class StripeBillingController {

    private final StripeSubscriptions subscriptions;

    StripeBillingController(StripeSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @PostMapping("/checkout")
    ModelAndView checkout(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String planId,
                          @RequestParam(required = false) String period, @RequestParam(required = false) String requestKey,
                          RedirectAttributes redirect) {
        return act(redirect, () -> {
            try {
                return subscriptions.open(user, planId, period, requestKey);
            } catch (CheckoutUnavailableException e) {
                throw new StripeBillingException("Card payments are unavailable at the moment; nothing was charged. "
                        + "Try again in a few minutes.", e);
            }
        });
    }

    @PostMapping("/change")
    ModelAndView change(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String planId,
                        @RequestParam(required = false) String period, @RequestParam(required = false) String requestKey,
                        RedirectAttributes redirect) {
        return notice(redirect, () -> subscriptions.change(user, planId, period, requestKey));
    }

    @PostMapping("/cancel")
    ModelAndView cancel(@AuthenticationPrincipal SignedInUser user, RedirectAttributes redirect) {
        return notice(redirect, () -> subscriptions.cancel(user));
    }

    @PostMapping("/resume")
    ModelAndView resume(@AuthenticationPrincipal SignedInUser user, RedirectAttributes redirect) {
        return notice(redirect, () -> subscriptions.resume(user));
    }

    @PostMapping("/portal")
    ModelAndView portal(@AuthenticationPrincipal SignedInUser user, RedirectAttributes redirect) {
        return act(redirect, () -> subscriptions.portal(user));
    }

    /** Runs an action whose result is the notice; back to the Billing page. */
    private ModelAndView notice(RedirectAttributes redirect, Supplier<String> action) {
        return act(redirect, () -> {
            redirect.addFlashAttribute("notice", action.get());
            return "/billing";
        });
    }

    /** Runs an action whose result is where to go; the Billing page with an error when it is refused or fails. */
    private ModelAndView act(RedirectAttributes redirect, Supplier<String> action) {
        String target;
        try {
            target = action.get();
        } catch (InvalidInputException e) {
            redirect.addFlashAttribute("error", String.join(" ", e.fieldErrors().values()));
            target = "/billing";
        } catch (StripeBillingException e) {
            redirect.addFlashAttribute("error", e.getMessage());
            target = "/billing";
        }
        ModelAndView next = new ModelAndView("redirect:" + target);
        next.setStatus(HttpStatus.SEE_OTHER);
        return next;
    }
}
