package org.text2image.server.api.developers;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
import org.text2image.server.api.ApiKey;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.api.InvalidApiKeyRequestException;
import org.text2image.server.api.NewApiKey;
import org.text2image.server.support.PageNotFoundException;
import org.text2image.server.support.SiteProperties;

/**
 * The Developers page ({@code /developers}, signed-in users; docs/API.md, "API keys"): the user's
 * API keys with their scopes and last use, revoked ones apart; the create form (name, scopes, the
 * limit of {@value ApiKeys#MAX_ACTIVE_KEYS}) with a one-time key ({@link OneTimeFormKeys}) so a
 * double click creates one key; revoke with a confirmation; and a quick start with the site's own
 * address. Every form posts and redirects back (303) with a notice, or shows its messages beside
 * the fields (422). A new key's secret travels to the page once, in a flash attribute, and is shown
 * once.
 */
@Controller
@RequestMapping("/developers")
class DevelopersPageController {

    private static final String NEW_KEY_ID = "newKeyId";
    private static final String NEW_KEY_SECRET = "newKeySecret";
    private static final String NEW_KEY_FORM = "newKeyForm";

    private final ApiKeys keys;
    private final OneTimeFormKeys formKeys;
    private final SiteProperties site;

    DevelopersPageController(ApiKeys keys, OneTimeFormKeys formKeys, SiteProperties site) {
        this.keys = keys;
        this.formKeys = formKeys;
        this.site = site;
    }

    @GetMapping
    ModelAndView page(@AuthenticationPrincipal SignedInUser user, HttpServletRequest request, Model flash) {
        ModelAndView page = page(user, request, "", EnumSet.allOf(ApiScope.class), Map.of(), HttpStatus.OK);
        if (flash.getAttribute(NEW_KEY_ID) instanceof Long id && flash.getAttribute(NEW_KEY_SECRET) instanceof String secret
                && flash.getAttribute(NEW_KEY_FORM) instanceof String formKey && formKeys.reveal(user.id(), formKey)) {
            keys.find(user.id(), id).ifPresent(key -> page.addObject("newKey", new NewApiKey(key, secret)));
        }
        return page;
    }

    /**
     * Creates a key.
     *
     * @param scopes the ticked boxes: {@code generate}, {@code read}
     * @param formKey the form's one-time key
     */
    @PostMapping("/keys")
    ModelAndView create(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String name,
                        @RequestParam(name = "scopes", required = false) List<String> scopes,
                        @RequestParam(defaultValue = "") String formKey, HttpServletRequest request,
                        RedirectAttributes redirect) {
        Set<ApiScope> chosen = EnumSet.noneOf(ApiScope.class);
        for (String scope : scopes == null ? List.<String>of() : scopes) {
            if (ApiScope.parse(scope).map(chosen::add).isEmpty()) {
                return page(user, request, name, chosen, Map.of("scopes", "Pick generate, read, or both."),
                        HttpStatus.UNPROCESSABLE_CONTENT);
            }
        }
        OneTimeFormKeys.Outcome<NewApiKey> outcome;
        try {
            outcome = formKeys.once(request.getSession(), user.id(), formKey, () -> keys.create(user.id(), name, chosen));
        } catch (InvalidApiKeyRequestException e) {
            return page(user, request, name, chosen, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        NewApiKey created = outcome.result();
        if (created == null) {
            redirect.addFlashAttribute("alert", "This form was already sent, so nothing was created this time. "
                    + "Your keys are listed below; fill in the form again to create another.");
        } else if (outcome.first() || !formKeys.revealed(user.id(), formKey)) {
            redirect.addFlashAttribute(NEW_KEY_ID, created.key().id());
            redirect.addFlashAttribute(NEW_KEY_SECRET, created.secret());
            redirect.addFlashAttribute(NEW_KEY_FORM, formKey);
            redirect.addFlashAttribute("notice", "Key “" + created.key().name() + "” created. Copy it now: "
                    + "it is not shown again.");
        } else {
            redirect.addFlashAttribute("notice", "This form was already sent: the key “" + created.key().name()
                    + "” was created once, and its secret was shown then.");
        }
        return seeOther();
    }

    /** Revokes one of the user's keys; another user's key or an unknown id is the 404 page, and nothing changes. */
    @PostMapping("/keys/{id}/revoke")
    ModelAndView revoke(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, RedirectAttributes redirect) {
        ApiKey key = keys.find(user.id(), id).orElseThrow(() -> new PageNotFoundException("API key " + id));
        redirect.addFlashAttribute("notice", keys.revoke(user.id(), id)
                ? "Key “" + key.name() + "” revoked: requests with it are refused from now on."
                : "Key “" + key.name() + "” was already revoked.");
        return seeOther();
    }

    private ModelAndView page(SignedInUser user, HttpServletRequest request, String name, Set<ApiScope> scopes,
                              Map<String, String> errors, HttpStatus status) {
        List<ApiKey> active = new ArrayList<>();
        List<ApiKey> revoked = new ArrayList<>();
        for (ApiKey key : keys.list(user.id())) {
            (key.active() ? active : revoked).add(key);
        }
        boolean atLimit = active.size() >= ApiKeys.MAX_ACTIVE_KEYS;
        ModelAndView page = new ModelAndView("api/developers", status);
        page.addObject("activeKeys", active);
        page.addObject("revokedKeys", revoked);
        page.addObject("maxKeys", ApiKeys.MAX_ACTIVE_KEYS);
        page.addObject("maxName", ApiKeys.MAX_NAME_LENGTH);
        page.addObject("atLimit", atLimit);
        page.addObject("formKey", formKeys.issue(request.getSession()));
        page.addObject("name", name);
        page.addObject("scopes", scopes.stream().map(ApiScope::key).toList());
        page.addObject("errors", errors);
        page.addObject("curlBalance", "curl -sS " + site.link("/api/v1/balance") + " -H \"Authorization: Bearer $T2I_KEY\"");
        page.addObject("curlSubmit", String.join("\n",
                "curl -sS " + site.link("/api/v1/jobs") + " \\",
                "  -H \"Authorization: Bearer $T2I_KEY\" \\",
                "  -H \"Idempotency-Key: $(uuidgen)\" \\",
                "  -H \"Content-Type: application/json\" \\",
                "  -d '{\"prompt\": \"a lighthouse at dusk, oil painting\"}'",
                "",
                "curl -sS " + site.link("/api/v1/jobs/") + "JOB_ID -H \"Authorization: Bearer $T2I_KEY\""));
        page.addObject("openAiBase", site.link("/v1"));
        page.addObject("openAiPython", String.join("\n",
                "from openai import OpenAI  # pip install openai",
                "import os",
                "",
                "client = OpenAI(base_url=\"" + site.link("/v1") + "\", api_key=os.environ[\"T2I_KEY\"])",
                "result = client.images.generate(prompt=\"a lighthouse at dusk\", size=\"512x512\")  # the default model",
                "print(result.data[0].url)"));
        if (!errors.isEmpty()) {
            page.addObject("alert", atLimit ? errors.values().iterator().next()
                    : "No key was created: correct the fields marked below.");
        }
        return page;
    }

    private static ModelAndView seeOther() {
        ModelAndView next = new ModelAndView("redirect:/developers");
        next.setStatus(HttpStatus.SEE_OTHER);
        return next;
    }
}
