package org.text2image.server.help.web;

import java.util.UUID;

/**
 * The message form as typed; absent fields are empty.
 *
 * @param key the one-time key the form was rendered with (hidden field)
 * @param job the id of the job the message is about (hidden, user side), or empty
 * @param payment the reference of the payment it is about (hidden, user side), or empty
 */
record MessageForm(String body, String key, String job, String payment) {

    MessageForm {
        body = body == null ? "" : body;
        key = key == null ? "" : key;
        job = job == null ? "" : job;
        payment = payment == null ? "" : payment;
    }

    /** An empty form with a fresh key, about {@code job} or {@code payment} (either may be empty). */
    static MessageForm blank(String job, String payment) {
        return new MessageForm("", UUID.randomUUID().toString(), job, payment);
    }

    MessageForm withKey(String newKey) {
        return new MessageForm(body, newKey, job, payment);
    }
}
