package org.text2image.server.help.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.text2image.server.help.SupportMessage;
import org.text2image.server.help.chat.MessageText;

/**
 * A message as the pages show it.
 *
 * @param html the text, escaped, with its http(s) addresses as links ({@link MessageText#toHtml})
 */
record MessageView(long id, boolean fromAdmin, String html, UUID jobId, String paymentReference, Instant createdAt) {

    static List<MessageView> of(List<SupportMessage> messages) {
        return messages.stream().map(m -> new MessageView(m.id(), m.fromAdmin(), MessageText.toHtml(m.body()), m.jobId(),
                m.paymentReference(), m.createdAt())).toList();
    }
}
