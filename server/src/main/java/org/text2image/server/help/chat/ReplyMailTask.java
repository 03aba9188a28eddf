package org.text2image.server.help.chat;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.help.HelpProperties;

/**
 * The {@code support-reply-mails} task (db-scheduler, every {@code text2image.help.mail-check-interval},
 * on one instance at a time): mails the replies that came while their user was on the site, are
 * still unread, and whose user is away now ({@link ReplyMails}). Each conversation in its own transaction.
 */
@Configuration(proxyBeanMethods = false)
public class ReplyMailTask {

    /** Conversations looked at per run at most. */
    static final int BATCH = 200;
    private static final Logger log = LoggerFactory.getLogger(ReplyMailTask.class);

    private final SupportRows rows;
    private final ReplyMails mails;
    private final HelpProperties properties;
    private final TransactionTemplate transactions;

    ReplyMailTask(SupportRows rows, ReplyMails mails, HelpProperties properties, TransactionTemplate transactions) {
        this.rows = rows;
        this.mails = mails;
        this.properties = properties;
        this.transactions = transactions;
    }

    @Bean
    RecurringTask<Void> supportReplyMailsTask() {
        return Tasks.recurring("support-reply-mails", FixedDelay.of(properties.mailCheckInterval()))
                .execute((instance, context) -> mailWaitingReplies());
    }

    /**
     * Mails the waiting replies of every conversation whose user is away.
     *
     * @return how many mails were written
     */
    public int mailWaitingReplies() {
        int mailed = 0;
        for (long conversationId : rows.withWaitingMail(BATCH)) {
            Boolean sent = transactions.execute(status -> rows.find(conversationId).map(mails::mailIfAway).orElse(false));
            mailed += Boolean.TRUE.equals(sent) ? 1 : 0;
        }
        if (mailed > 0) {
            log.info("Mailed support replies to {} away user(s)", mailed);
        }
        return mailed;
    }
}
