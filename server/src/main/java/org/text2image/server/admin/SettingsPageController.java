package org.text2image.server.admin;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.settings.Setting;
import org.text2image.server.settings.SettingsEditor;
import org.text2image.server.support.InvalidInputException;

/**
 * {@code /admin/settings}: the live settings ({@code settings/SettingsEditor}) with their values,
 * configured defaults and whether each is overridden; one form saves every change (all or nothing,
 * POST-redirect-GET with a notice), and a button beside an overridden setting resets it to its
 * default. An invalid form is shown again as typed, each message beside its field (422).
 */
@Controller
@RequestMapping("/admin/settings")
class SettingsPageController {

    private final SettingsEditor editor;

    SettingsPageController(SettingsEditor editor) {
        this.editor = editor;
    }

    @GetMapping
    String page(Model model) {
        model.addAttribute("settings", editor.view());
        model.addAttribute("typed", Map.of());
        model.addAttribute("errors", Map.of());
        return "admin/settings";
    }

    @PostMapping
    ModelAndView save(@AuthenticationPrincipal SignedInUser admin, @RequestParam Map<String, String> form,
                      RedirectAttributes redirect) {
        try {
            List<Setting> changed = editor.change(admin.id(), form);
            redirect.addFlashAttribute("notice", changed.isEmpty() ? "Nothing changed."
                    : "Saved: " + changed.stream().map(Setting::label).collect(Collectors.joining(", ")) + ".");
            return seeOther();
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView("admin/settings");
            page.addObject("settings", editor.view());
            page.addObject("typed", form);
            page.addObject("errors", e.fieldErrors());
            page.addObject("alert", "Nothing was saved: correct the fields marked below.");
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    @PostMapping("/reset")
    ModelAndView reset(@AuthenticationPrincipal SignedInUser admin, @RequestParam(required = false) String name,
                       RedirectAttributes redirect) {
        try {
            boolean reset = editor.reset(admin.id(), name);
            String label = Setting.byKey(name).map(Setting::label).orElse(name);
            redirect.addFlashAttribute("notice", reset ? label + " is back to its default."
                    : label + " already had its default; nothing changed.");
            return seeOther();
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView("admin/settings");
            page.addObject("settings", editor.view());
            page.addObject("typed", Map.of());
            page.addObject("errors", e.fieldErrors());
            page.addObject("alert", "Nothing was reset: " + String.join(" ", e.fieldErrors().values()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    private static ModelAndView seeOther() {
        ModelAndView done = new ModelAndView("redirect:/admin/settings");
        done.setStatus(HttpStatus.SEE_OTHER);
        return done;
    }
}
