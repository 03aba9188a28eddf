package org.text2image.server.help.web;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.help.pages.SiteDocument;
import org.text2image.server.help.pages.SiteDocuments;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code /privacy} and {@code /terms} for everyone, and their Markdown editors for admins on
 * {@code /admin/pages/privacy} and {@code /admin/pages/terms} (save, or back to the default text;
 * both audited, both POST-redirect-GET).
 */
@Controller
class SitePagesController {

    private final SiteDocuments documents;

    SitePagesController(SiteDocuments documents) {
        this.documents = documents;
    }

    @GetMapping("/privacy")
    String privacy(Model model) {
        return show(model, SiteDocument.PRIVACY);
    }

    @GetMapping("/terms")
    String terms(Model model) {
        return show(model, SiteDocument.TERMS);
    }

    @GetMapping("/admin/pages/{slug}")
    String editor(@PathVariable String slug, Model model) {
        SiteDocument document = document(slug);
        return editor(model, document, documents.markdown(document), Map.of());
    }

    @PostMapping("/admin/pages/{slug}")
    ModelAndView save(@AuthenticationPrincipal SignedInUser admin, @PathVariable String slug,
                      @RequestParam(required = false) String markdown, RedirectAttributes redirect, Model model) {
        SiteDocument document = document(slug);
        try {
            documents.save(admin, document, markdown);
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(editor(model, document, markdown == null ? "" : markdown, e.fieldErrors()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
        redirect.addFlashAttribute("notice", document.title() + " page saved.");
        return seeOther("/admin/pages/" + document.slug());
    }

    @PostMapping("/admin/pages/{slug}/reset")
    ModelAndView reset(@AuthenticationPrincipal SignedInUser admin, @PathVariable String slug, RedirectAttributes redirect) {
        SiteDocument document = document(slug);
        redirect.addFlashAttribute("notice", documents.reset(admin, document)
                ? document.title() + " page back to the default text." : "The page already shows the default text.");
        return seeOther("/admin/pages/" + document.slug());
    }

    private String show(Model model, SiteDocument document) {
        model.addAttribute("document", document);
        model.addAttribute("html", documents.html(document));
        return "help/document";
    }

    private String editor(Model model, SiteDocument document, String markdown, Map<String, String> errors) {
        model.addAttribute("document", document);
        model.addAttribute("markdown", markdown);
        model.addAttribute("customised", documents.edited(document).isPresent());
        model.addAttribute("preview", documents.html(document));
        model.addAttribute("errors", errors);
        return "help/admin-document";
    }

    private static SiteDocument document(String slug) {
        return SiteDocument.of(slug).orElseThrow(() -> new PageNotFoundException("No site page " + slug));
    }

    private static ModelAndView seeOther(String path) {
        ModelAndView next = new ModelAndView("redirect:" + path);
        next.setStatus(HttpStatus.SEE_OTHER);
        return next;
    }
}
