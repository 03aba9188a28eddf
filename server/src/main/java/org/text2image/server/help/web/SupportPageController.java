package org.text2image.server.help.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.SupportChat;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * The user's side of the support chat: {@code /support} shows the conversation with the operator
 * and the message form (about the job or payment given as {@code ?job=} / {@code ?payment=} when
 * it is the user's own; the Help button passes the one on screen), {@code /support/messages} is the
 * message list alone (fetched by {@code support-live.js}; reading it marks the replies read) and
 * {@code /support/events} its Server-Sent Events. The form follows POST-redirect-GET with a
 * one-time key; a refused message is shown beside the field (422) and nothing is stored.
 */
@Controller
@RequestMapping("/support")
class SupportPageController {

    private final SupportChat chat;
    private final SupportPageModel pages;

    SupportPageController(SupportChat chat, SupportPageModel pages) {
        this.chat = chat;
        this.pages = pages;
    }

    @GetMapping
    String page(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String job,
                @RequestParam(required = false) String payment, Model model) {
        return show(model, user, pages.blankForm(user.id(), job, payment), Map.of());
    }

    @PostMapping
    ModelAndView write(@AuthenticationPrincipal SignedInUser user, @ModelAttribute MessageForm form,
                       RedirectAttributes redirect, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            boolean added = chat.write(user.id(), form.body(), form.job(), form.payment(), form.key());
            redirect.addFlashAttribute("notice", added ? "Message sent. We answer here, and by email if you are away."
                    : "This message was already sent.");
            ModelAndView done = new ModelAndView("redirect:/support");
            done.setStatus(HttpStatus.SEE_OTHER);
            return done;
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
        }
        MessageForm shown = errors.containsKey("key") ? form.withKey(UUID.randomUUID().toString()) : form;
        ModelAndView page = new ModelAndView(show(model, user, shown, errors));
        page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
        return page;
    }

    @GetMapping("/messages")
    String messages(@AuthenticationPrincipal SignedInUser user, Model model) {
        Conversation conversation = chat.conversationOf(user.id()).orElse(null);
        pages.messages(model, conversation, false);
        if (conversation != null) {
            chat.readByUser(conversation);
        }
        return "help/messages :: messages";
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter events(@AuthenticationPrincipal SignedInUser user) {
        Conversation conversation = chat.conversationOf(user.id())
                .orElseThrow(() -> new PageNotFoundException("User " + user.id() + " has no support conversation"));
        return pages.streams().open(conversation.id(), () -> chat.watching(user.id())).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Too many live support streams are open."));
    }

    private String show(Model model, SignedInUser user, MessageForm form, Map<String, String> errors) {
        Conversation conversation = chat.conversationOf(user.id()).orElse(null);
        pages.messages(model, conversation, false);
        if (conversation != null) {
            chat.readByUser(conversation);
        }
        model.addAttribute("conversation", conversation);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "help/support";
    }
}
