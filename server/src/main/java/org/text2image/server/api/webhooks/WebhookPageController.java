package org.text2image.server.api.webhooks;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKey;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.support.PageNotFoundException;

/**
 * A key's webhook page ({@code /developers/keys/{id}/webhook}, signed-in users, the key's owner
 * only: another user's key is a 404 like an unknown one): set or replace the callback URL, see the
 * new signing secret once, rotate it, remove the webhook, and the delivery log with a Resend button
 * per delivery. Each form posts, then redirects back here with a notice (or shows its message
 * beside the URL field, 422).
 */
@Controller
class WebhookPageController {

    private final ApiKeys keys;
    private final Webhooks webhooks;
    private final WebhookProperties properties;

    WebhookPageController(ApiKeys keys, Webhooks webhooks, WebhookProperties properties) {
        this.keys = keys;
        this.webhooks = webhooks;
        this.properties = properties;
    }

    @GetMapping("/developers/keys/{id}/webhook")
    ModelAndView page(@AuthenticationPrincipal SignedInUser user, @PathVariable long id) {
        return page(user, id, null, Map.of(), HttpStatus.OK);
    }

    @PostMapping("/developers/keys/{id}/webhook")
    ModelAndView set(@AuthenticationPrincipal SignedInUser user, @PathVariable long id,
                     @RequestParam(defaultValue = "") String url, RedirectAttributes redirect) {
        key(user, id);
        Optional<String> secret;
        try {
            secret = webhooks.set(user.id(), id, url);
        } catch (InvalidWebhookException e) {
            return page(user, id, url, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        secret.ifPresent(s -> redirect.addFlashAttribute("secret", s));
        redirect.addFlashAttribute("notice", secret.isPresent()
                ? "Webhook set. Copy the signing secret below now: it is not shown again."
                : "Callback URL changed. The signing secret is the same.");
        return redirect(id);
    }

    @PostMapping("/developers/keys/{id}/webhook/secret")
    ModelAndView rotate(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, RedirectAttributes redirect) {
        key(user, id);
        try {
            redirect.addFlashAttribute("secret", webhooks.rotateSecret(user.id(), id));
        } catch (InvalidWebhookException e) {
            redirect.addFlashAttribute("alert", e.fieldErrors().get("url"));
            return redirect(id);
        }
        redirect.addFlashAttribute("notice", "New signing secret made; the old one no longer signs anything. "
                + "Copy it below now: it is not shown again.");
        return redirect(id);
    }

    @PostMapping("/developers/keys/{id}/webhook/remove")
    ModelAndView remove(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, RedirectAttributes redirect) {
        key(user, id);
        redirect.addFlashAttribute("notice", webhooks.remove(user.id(), id)
                ? "Webhook removed: this key's jobs send no events now." : "This key has no webhook.");
        return redirect(id);
    }

    @PostMapping("/developers/keys/{id}/webhook/deliveries/{deliveryId}/resend")
    ModelAndView resend(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, @PathVariable long deliveryId,
                        RedirectAttributes redirect) {
        key(user, id);
        try {
            WebhookDelivery resent = webhooks.resend(user.id(), id, deliveryId);
            redirect.addFlashAttribute("notice", "The " + resent.eventType() + " event of job " + resent.jobId()
                    + " is queued again as " + resent.msgId() + ".");
        } catch (InvalidWebhookException e) {
            redirect.addFlashAttribute("alert", e.fieldErrors().get("url"));
        }
        return redirect(id);
    }

    /** Another user's (or an unknown) delivery: the site's 404 page, as for {@link PageNotFoundException}. */
    @ExceptionHandler(WebhookNotFoundException.class)
    ModelAndView notFound(WebhookNotFoundException e, HttpServletRequest request) {
        ModelAndView page = new ModelAndView("error/404", HttpStatus.NOT_FOUND);
        page.addObject("status", HttpStatus.NOT_FOUND.value());
        page.addObject("path", request.getRequestURI());
        return page;
    }

    private ApiKey key(SignedInUser user, long id) {
        return keys.find(user.id(), id)
                .orElseThrow(() -> new PageNotFoundException("No API key " + id + " of user " + user.id()));
    }

    private ModelAndView page(SignedInUser user, long id, String enteredUrl, Map<String, String> errors,
                              HttpStatus status) {
        ApiKey key = key(user, id);
        ModelAndView page = new ModelAndView("developers/webhook", status);
        page.addObject("key", key);
        page.addObject("url", enteredUrl != null ? enteredUrl : key.callbackUrl());
        page.addObject("errors", errors);
        page.addObject("deliveries", webhooks.deliveries(user.id(), id));
        page.addObject("logSize", Webhooks.LOG_SIZE);
        page.addObject("maxUrl", CallbackUrls.MAX_LENGTH);
        page.addObject("allowHttp", properties.allowHttp());
        return page;
    }

    private static ModelAndView redirect(long id) {
        return new ModelAndView("redirect:/developers/keys/" + id + "/webhook");
    }
}
