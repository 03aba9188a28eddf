package org.text2image.server.notifications;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.AccountMail;

/**
 * Puts the account module's mails (verification and reset links, notices) in the outbox, inside
 * the transaction that published them: a change that rolls back sends nothing.
 */
@Component
class AccountMailOutbox {

    private final MailOutbox outbox;

    AccountMailOutbox(MailOutbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onAccountMail(AccountMail mail) {
        outbox.enqueue(mail.userId(), mail.recipient(), mail.subject(), mail.body());
    }
}
