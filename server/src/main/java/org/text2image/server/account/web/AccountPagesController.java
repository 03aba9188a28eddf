package org.text2image.server.account.web;

import org.text2image.server.account.AccountService;
import org.text2image.server.account.RegistrationException;
import org.text2image.server.account.SignedInUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
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
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.Credits;

/**
 * {@code /register} (form and submit) and {@code /login} (the form; Spring Security handles its
 * POST). A successful registration signs the user in at once.
 */
@Controller
class AccountPagesController {

    private final AccountService accounts;
    private final CreditStatements statements;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    AccountPagesController(AccountService accounts, CreditStatements statements) {
        this.accounts = accounts;
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

    @PostMapping("/register")
    ModelAndView register(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                          HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        SignedInUser user;
        try {
            user = accounts.register(email, password);
        } catch (RegistrationException e) {
            return form(email, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        signIn(user, request, response);
        long credits = statements.balance(user.id()).availableCredits();
        redirect.addFlashAttribute("notice", "Welcome — you have " + Credits.format(credits, "free") + ".");
        return new ModelAndView("redirect:/generate");
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
        page.addObject("minPassword", AccountService.MIN_PASSWORD);
        page.addObject("maxPassword", AccountService.MAX_PASSWORD);
        return page;
    }
}
