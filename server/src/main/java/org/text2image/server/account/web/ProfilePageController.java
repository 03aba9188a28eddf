package org.text2image.server.account.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.DeletionRequests;
import org.text2image.server.account.EmailVerifications;
import org.text2image.server.account.InvalidPasswordException;
import org.text2image.server.account.MatureContentOptIns;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.account.PasswordRules;
import org.text2image.server.account.Passwords;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.account.UserSessions;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.support.InvalidInputException;

/**
 * The account page ({@code /account}): email and its confirmation, balance, plan, signed-in
 * sessions, the password change form, "show mature models" (an opt-in confirmed with "I am 18 or
 * older", {@link MatureContentOptIns}), and "delete my account" as a request to support. Each form
 * posts, then redirects back here with a notice (or shows its messages beside the fields, 422).
 */
@Controller
class ProfilePageController {

    private final Passwords passwords;
    private final UserSessions sessions;
    private final EmailVerifications verifications;
    private final DeletionRequests deletions;
    private final CreditStatements statements;
    private final MatureContentOptIns matureContent;
    private final UserPlans plans;

    ProfilePageController(Passwords passwords, UserSessions sessions, EmailVerifications verifications,
                          DeletionRequests deletions, CreditStatements statements, MatureContentOptIns matureContent,
                          UserPlans plans) {
        this.matureContent = matureContent;
        this.plans = plans;
        this.passwords = passwords;
        this.sessions = sessions;
        this.verifications = verifications;
        this.deletions = deletions;
        this.statements = statements;
    }

    @GetMapping("/account")
    ModelAndView page(@AuthenticationPrincipal SignedInUser user, HttpServletRequest request) {
        return page(user, request, Map.of(), HttpStatus.OK);
    }

    @PostMapping("/account/password")
    ModelAndView changePassword(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String current,
                                @RequestParam(defaultValue = "") String password, HttpServletRequest request,
                                RedirectAttributes redirect) {
        try {
            passwords.change(user, current, password, request.getSession().getId());
        } catch (InvalidPasswordException e) {
            return page(user, request, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        request.changeSessionId();
        redirect.addFlashAttribute("notice", "Your password was changed. Your other sessions were signed out.");
        return new ModelAndView("redirect:/account");
    }

    @PostMapping("/account/sessions/end-others")
    String endOtherSessions(@AuthenticationPrincipal SignedInUser user, HttpServletRequest request,
                            RedirectAttributes redirect) {
        int ended = sessions.endAll(user, request.getSession().getId());
        redirect.addFlashAttribute("notice", ended == 1 ? "Signed out 1 other session." : "Signed out " + ended + " other sessions.");
        return "redirect:/account";
    }

    /**
     * Turns "show mature models" on (only with {@code adult} ticked: "I am 18 or older") or off.
     *
     * @param show whether to show mature models ({@code true} from the ticked checkbox; absent is off)
     * @param adult the age confirmation, needed to turn them on
     */
    @PostMapping("/account/mature-content")
    ModelAndView matureContent(@AuthenticationPrincipal SignedInUser user,
                               @RequestParam(defaultValue = "false") String show,
                               @RequestParam(defaultValue = "false") String adult, HttpServletRequest request,
                               RedirectAttributes redirect) {
        boolean on = "true".equals(show);
        if (on && !"true".equals(adult)) {
            return page(user, request, Map.of("adult", "Confirm that you are 18 or older to show mature models. "
                    + "Nothing was changed."), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        matureContent.set(user.id(), on);
        redirect.addFlashAttribute("notice", on
                ? "Mature models are shown to you now, where your plan allows them."
                : "Mature models are hidden from you now.");
        return new ModelAndView("redirect:/account");
    }

    @PostMapping("/account/deletion")
    ModelAndView requestDeletion(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String reason,
                                 HttpServletRequest request, RedirectAttributes redirect) {
        try {
            deletions.request(user, reason);
        } catch (InvalidInputException e) {
            return page(user, request, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        redirect.addFlashAttribute("notice", "Your request was sent to support. They will confirm by mail before "
                + "anything is deleted.");
        return new ModelAndView("redirect:/account");
    }

    private ModelAndView page(SignedInUser user, HttpServletRequest request, Map<String, String> errors, HttpStatus status) {
        ModelAndView page = new ModelAndView("account/profile", status);
        page.addObject("email", user.email());
        page.addObject("balance", statements.balance(user.id()));
        page.addObject("verificationPending", verifications.pending(user));
        page.addObject("sessions", sessions.of(user, request.getSession().getId()));
        page.addObject("deletionRequestedAt", deletions.requestedAt(user.id()).orElse(null));
        page.addObject("errors", errors);
        page.addObject("minPassword", PasswordRules.MIN_LENGTH);
        page.addObject("maxPassword", PasswordRules.MAX_LENGTH);
        page.addObject("maxReason", DeletionRequests.MAX_REASON);
        page.addObject("matureContentOptIn", matureContent.optedIn(user.id()));
        page.addObject("plan", plans.planOf(user.id()));
        return page;
    }
}
