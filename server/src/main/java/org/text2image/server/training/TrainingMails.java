package org.text2image.server.training;

import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.support.SiteProperties;

/**
 * The mail that tells a user their LoRA is ready, written to the mail outbox in the transaction
 * that stores it: a completion that rolls back sends nothing.
 */
@Component
class TrainingMails {

    private final MailOutbox outbox;
    private final AccountService accounts;
    private final SiteProperties site;

    TrainingMails(MailOutbox outbox, AccountService accounts, SiteProperties site) {
        this.outbox = outbox;
        this.accounts = accounts;
        this.site = site;
    }

    /** "Your model … is ready", with its trigger word and a link to My models; nothing for an unknown user. */
    void ready(Training training) {
        SignedInUser user = accounts.find(training.userId()).orElse(null);
        if (user == null) {
            return;
        }
        String link = site.link("/my-models");
        String subject = "Your model \"" + training.name() + "\" is ready";
        String first = "Your model \"" + training.name() + "\" has finished training. Choose it under My models on the "
                + "Generate page and use the trigger word \"" + training.triggerWord() + "\" in your prompts.";
        String text = first + "\n\nMy models: " + link + "\n\n— Text2Image\n";
        String html = "<!DOCTYPE html><html><body style=\"font-family: sans-serif\"><p>" + HtmlUtils.htmlEscape(first)
                + "</p><p><a href=\"" + HtmlUtils.htmlEscape(link) + "\">Open My models</a></p><p>— Text2Image</p></body></html>";
        outbox.enqueue(user.id(), user.email(), subject, text, html);
    }
}
