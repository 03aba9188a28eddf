package org.text2image.server.help.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.ConversationStatus;
import org.text2image.server.help.SupportChat;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * The operator's side of the support chat, admin-only ({@code web/PageSecurity}):
 * {@code /admin/support} is the inbox (newest message first, unread counts, open/closed/all,
 * search by email, 50 a page); {@code /admin/support/{id}} one conversation with the reply form
 * (POST-redirect-GET, one-time key), live like the user's page; close and reopen are audited.
 */
@Controller
@RequestMapping("/admin/support")
class AdminSupportController {

    private static final int PAGE_SIZE = 50;

    private final SupportChat chat;
    private final SupportPageModel pages;
    private final AccountService accounts;
    private final AccountDirectory directory;

    AdminSupportController(SupportChat chat, SupportPageModel pages, AccountService accounts, AccountDirectory directory) {
        this.chat = chat;
        this.pages = pages;
        this.accounts = accounts;
        this.directory = directory;
    }

    @GetMapping
    String inbox(@RequestParam(defaultValue = "open") String status, @RequestParam(required = false) String q,
                 @RequestParam(defaultValue = "0") int page, Model model) {
        ConversationStatus only = switch (status) {
            case "closed" -> ConversationStatus.CLOSED;
            case "all" -> null;
            default -> ConversationStatus.OPEN;
        };
        String query = q == null ? "" : q.strip();
        if (query.length() > AccountDirectory.MAX_QUERY) {
            query = query.substring(0, AccountDirectory.MAX_QUERY);
        }
        List<Long> users = query.isEmpty() ? null : directory.idsMatching(query);
        SupportChat.InboxPage inbox = chat.inbox(only, users, page, PAGE_SIZE);
        Set<Long> ids = inbox.conversations().stream().map(Conversation::userId).collect(Collectors.toSet());
        model.addAttribute("inbox", inbox);
        model.addAttribute("emails", accounts.emails(ids));
        model.addAttribute("status", only == null ? "all" : only.name().toLowerCase());
        model.addAttribute("q", query);
        return "help/admin-inbox";
    }

    @GetMapping("/{id}")
    String conversation(@PathVariable long id, Model model) {
        return show(model, existing(id), MessageForm.blank("", ""), Map.of());
    }

    @PostMapping("/{id}")
    ModelAndView reply(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id, @ModelAttribute MessageForm form,
                       RedirectAttributes redirect, Model model) {
        Conversation conversation = existing(id);
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            boolean added = chat.reply(admin, id, form.body(), form.key());
            redirect.addFlashAttribute("notice", added ? "Reply sent." : "This reply was already sent.");
            return seeOther("/admin/support/" + id);
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
        }
        MessageForm shown = errors.containsKey("key") ? form.withKey(UUID.randomUUID().toString()) : form;
        ModelAndView page = new ModelAndView(show(model, conversation, shown, errors));
        page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
        return page;
    }

    @PostMapping("/{id}/close")
    ModelAndView close(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id, RedirectAttributes redirect) {
        return status(admin, id, ConversationStatus.CLOSED, redirect);
    }

    @PostMapping("/{id}/reopen")
    ModelAndView reopen(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id, RedirectAttributes redirect) {
        return status(admin, id, ConversationStatus.OPEN, redirect);
    }

    @GetMapping("/{id}/messages")
    String messages(@PathVariable long id, Model model) {
        Conversation conversation = existing(id);
        pages.messages(model, conversation, true);
        chat.readByAdmin(conversation);
        return "help/messages :: messages";
    }

    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter events(@PathVariable long id) {
        Conversation conversation = existing(id);
        return pages.streams().open(conversation.id(), () -> { }).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Too many live support streams are open."));
    }

    private ModelAndView status(SignedInUser admin, long id, ConversationStatus to, RedirectAttributes redirect) {
        existing(id);
        boolean changed = chat.setStatus(admin, id, to);
        String done = to == ConversationStatus.OPEN ? "reopened" : "closed";
        redirect.addFlashAttribute("notice", changed ? "Conversation " + done + "." : "The conversation was already " + done + ".");
        return seeOther("/admin/support/" + id);
    }

    private String show(Model model, Conversation conversation, MessageForm form, Map<String, String> errors) {
        pages.messages(model, conversation, true);
        chat.readByAdmin(conversation);
        model.addAttribute("conversation", conversation);
        model.addAttribute("email", accounts.emails(Set.of(conversation.userId())).get(conversation.userId()));
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "help/admin-conversation";
    }

    private Conversation existing(long id) {
        return chat.find(id).orElseThrow(() -> new PageNotFoundException("No support conversation " + id));
    }

    private static ModelAndView seeOther(String path) {
        ModelAndView next = new ModelAndView("redirect:" + path);
        next.setStatus(HttpStatus.SEE_OTHER);
        return next;
    }
}
