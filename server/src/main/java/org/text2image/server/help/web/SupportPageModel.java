package org.text2image.server.help.web;

import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.SupportChat;
import org.text2image.server.help.SupportContext;
import org.text2image.server.help.chat.SupportStreams;

/** What the user's and the admins' support pages share: the message list and the streams. */
@Component
class SupportPageModel {

    private final SupportChat chat;
    private final SupportContext context;
    private final SupportStreams streams;

    SupportPageModel(SupportChat chat, SupportContext context, SupportStreams streams) {
        this.chat = chat;
        this.context = context;
        this.streams = streams;
    }

    /** Adds {@code messages} (oldest first) and {@code adminView} for the {@code help/messages} fragment. */
    void messages(Model model, Conversation conversation, boolean adminView) {
        model.addAttribute("messages", conversation == null ? List.of() : MessageView.of(chat.messages(conversation.id())));
        model.addAttribute("adminView", adminView);
    }

    /** An empty form about the job or payment given, when it is the user's own (else about nothing). */
    MessageForm blankForm(long userId, String job, String payment) {
        String ownJob = job == null ? "" : context.ownJob(userId, job.strip()).map(Object::toString).orElse("");
        String ownPayment = ownJob.isEmpty() && payment != null ? context.ownPayment(userId, payment.strip()).orElse("") : "";
        return MessageForm.blank(ownJob, ownPayment);
    }

    SupportStreams streams() {
        return streams;
    }
}
