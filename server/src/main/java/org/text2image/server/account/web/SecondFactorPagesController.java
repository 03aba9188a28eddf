package org.text2image.server.account.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.AdminSecondFactor;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;
import org.text2image.server.support.QrCodes;

/**
 * The admins' second-factor pages ({@link AdminSecondFactor}): {@code /account/2fa/setup} shows the
 * QR code ({@code /account/2fa/qr.png}) and the secret to type, and takes the first code; its
 * answer shows the 10 recovery codes once (not stored in the session, {@code no-store}), as the
 * worker-token page shows a new token. {@code /account/2fa/verify} takes a code (or a recovery
 * code) after sign-in; after {@value #MAX_FAILURES} wrong codes the session ends. For anyone but an
 * admin these pages do not exist (404).
 */
@Controller
@RequestMapping("/account/2fa")
class SecondFactorPagesController {

    static final int MAX_FAILURES = 10;
    private static final String FAILURES = "text2image.admin-second-factor.failures";

    private final AdminSecondFactor secondFactor;

    SecondFactorPagesController(AdminSecondFactor secondFactor) {
        this.secondFactor = secondFactor;
    }

    @GetMapping("/setup")
    String setupPage(@AuthenticationPrincipal SignedInUser user, Model model) {
        SignedInUser admin = admin(user);
        if (secondFactor.enrolled(admin.id())) {
            return "redirect:/account/2fa/verify";
        }
        return setup(admin, model, Map.of());
    }

    @GetMapping("/qr.png")
    ResponseEntity<byte[]> qr(@AuthenticationPrincipal SignedInUser user) {
        SignedInUser admin = admin(user);
        if (secondFactor.enrolled(admin.id())) {
            throw new PageNotFoundException("No enrolment under way");
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.IMAGE_PNG)
                .body(QrCodes.png(secondFactor.pendingUri(admin), 256));
    }

    @PostMapping("/setup")
    ModelAndView confirm(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String code,
                         HttpServletRequest request, HttpServletResponse response, Model model) {
        SignedInUser admin = admin(user);
        if (secondFactor.enrolled(admin.id())) {
            return new ModelAndView("redirect:/account/2fa/verify");
        }
        try {
            model.addAttribute("codes", secondFactor.confirm(admin, code));
            passed(request, admin);
            response.setHeader("Cache-Control", "no-store");
            return new ModelAndView("account/2fa-codes");
        } catch (InvalidInputException e) {
            return new ModelAndView(setup(admin, model, e.fieldErrors()), HttpStatus.UNPROCESSABLE_CONTENT);
        }
    }

    @GetMapping("/verify")
    String verifyPage(@AuthenticationPrincipal SignedInUser user, Model model) {
        SignedInUser admin = admin(user);
        if (!secondFactor.enrolled(admin.id())) {
            return "redirect:/account/2fa/setup";
        }
        model.addAttribute("errors", Map.of());
        return "account/2fa-verify";
    }

    @PostMapping("/verify")
    ModelAndView verify(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String code,
                        HttpServletRequest request, Model model) {
        SignedInUser admin = admin(user);
        if (secondFactor.verify(admin.id(), code)) {
            passed(request, admin);
            ModelAndView done = new ModelAndView("redirect:/admin/users");
            done.setStatus(HttpStatus.SEE_OTHER);
            return done;
        }
        HttpSession session = request.getSession();
        int failures = session.getAttribute(FAILURES) instanceof Integer n ? n + 1 : 1;
        if (failures >= MAX_FAILURES) {
            session.invalidate();
            ModelAndView out = new ModelAndView("redirect:/login?error");
            out.setStatus(HttpStatus.SEE_OTHER);
            return out;
        }
        session.setAttribute(FAILURES, failures);
        model.addAttribute("errors", Map.of("code", "That code is not valid. Enter the current code of the app, "
                + "or one of your recovery codes."));
        return new ModelAndView("account/2fa-verify", HttpStatus.UNPROCESSABLE_CONTENT);
    }

    private String setup(SignedInUser admin, Model model, Map<String, String> errors) {
        String uri = secondFactor.pendingUri(admin);
        model.addAttribute("secret", uri.substring(uri.indexOf("secret=") + 7, uri.indexOf('&', uri.indexOf("secret="))));
        model.addAttribute("errors", errors);
        return "account/2fa-setup";
    }

    /** Marks the session as past the second factor, under a new id (the privilege changed). */
    private static void passed(HttpServletRequest request, SignedInUser admin) {
        request.changeSessionId();
        request.getSession().setAttribute(AdminSecondFactorFilter.PASSED, admin.id());
        request.getSession().removeAttribute(FAILURES);
    }

    private static SignedInUser admin(SignedInUser user) {
        if (user == null || !user.admin()) {
            throw new PageNotFoundException("Second-factor pages are for admins");
        }
        return user;
    }
}
