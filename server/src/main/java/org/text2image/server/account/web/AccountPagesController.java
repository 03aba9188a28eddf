package org.text2image.server.account.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.EmailVerifications;
import org.text2image.server.account.PasswordRules;
import org.text2image.server.account.RegistrationException;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.Credits;

/**
 * {@code /register} (form and submit) and {@code /login} (the form; Spring Security handles its
 * POST). With email verification off, a new account is signed in at once. Otherwise, and for an
 * address that already has an account, the answer is the same redirect to "check your inbox"
 * ({@code /register?sent}), so the form does not tell which addresses have accounts.
 */
@Controller
class AccountPagesController {

    private final AccountService accounts;
    private final EmailVerifications verifications;
    private final CreditStatements statements;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    AccountPagesController(AccountService accounts, EmailVerifications verifications, CreditStatements statements) {
        this.accounts = accounts;
        this.verifications = verifications;
        this.statements = statements;
    }

    @GetMapping("/login")
    String login(@AuthenticationPrincipal SignedInUser user) {
        return user == null ? "account/login" : "redirect:/generate";
    }

    @GetMapping("/register")
    ModelAndView registerForm(@AuthenticationPrincipal SignedInUser user) {
        return user == null ? form("", Map.of(), HttpStatus.OK) : new ModelAndView("redirect:/generate");
    }

    /** "Check your inbox": the same page after any accepted registration form, whatever the address. */
    @GetMapping(value = "/register", params = "sent")
    String sent() {
        return "account/register-sent";
    }

    @PostMapping("/register")
    ModelAndView register(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                          HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        Optional<SignedInUser> created;
        try {
            created = accounts.signUp(email, password);
        } catch (RegistrationException e) {
            return form(email, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        if (created.isPresent() && !verifications.required()) {
            signIn(created.get(), request, response);
            long credits = statements.balance(created.get().id()).availableCredits();
            redirect.addFlashAttribute("notice", "Welcome — you have " + Credits.format(credits, "free") + ".");
            return new ModelAndView("redirect:/generate");
        }
        redirect.addFlashAttribute("sentTo", email.strip());
        return new ModelAndView("redirect:/register?sent");
    }

    private void signIn(SignedInUser user, HttpServletRequest request, HttpServletResponse response) {
        if (request.getSession(false) != null) {
            request.changeSessionId(); // the anonymous session (CSRF token) must not become the signed-in one
        }
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()));
        holder.setContext(context);
        contexts.saveContext(context, request, response);
    }

    private static ModelAndView form(String email, Map<String, String> errors, HttpStatus status) {
        ModelAndView page = new ModelAndView("account/register", status);
        page.addObject("email", email);
        page.addObject("errors", errors);
        page.addObject("minPassword", PasswordRules.MIN_LENGTH);
        page.addObject("maxPassword", PasswordRules.MAX_LENGTH);
        return page;
    }
}
