package org.text2image.server.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.help.chat.ReplyMailTask;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.upi.UpiRequests;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * The support chat through its pages: a user writes (about their own job or payment only), an
 * admin answers from the inbox, closes and reopens (audited); bad messages change nothing; text is
 * shown escaped with only http(s) links; replies are mailed only to users who are away.
 */
@PageTest
class SupportChatPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired UpiRequests upi;
    @Autowired Packs packs;
    @Autowired SupportChat chat;
    @Autowired ReplyMailTask replyMails;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        db.jdbc().sql("TRUNCATE mail_outbox").update();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aUserWritesAboutTheirJobAndTheAdminSeesItUnreadInTheInboxThenAnswers() throws Exception {
        UUID job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse")).id();
        String form = page(get("/support").param("job", job.toString()), alice);
        assertThat(Html.attributeOf(form, "support-job", "value")).isEqualTo(job.toString());

        write(alice, "My job is slow", job.toString(), "", key(form)).andExpect(status().isSeeOther())
                .andExpect(redirectedUrl("/support"));

        String inbox = page(get("/admin/support"), admin);
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();
        assertThat(Html.textOf(inbox, "conversation-" + conversation)).contains("alice@example.com", "1", "Open");
        String thread = page(get("/admin/support/" + conversation), admin);
        assertThat(Html.textOf(thread, "support-messages")).contains("My job is slow", "about job", job.toString().substring(0, 8));
        assertThat(chat.conversationOf(alice.id()).orElseThrow().unreadByAdmin()).as("opened by an admin").isZero();

        reply(conversation, "It runs now.").andExpect(status().isSeeOther());
        assertThat(Html.textOf(page(get("/generate"), alice), "help-unread")).isEqualTo("1");
        assertThat(Html.textOf(page(get("/support"), alice), "support-messages")).contains("Support", "It runs now.");
        assertThat(Html.tagOf(page(get("/generate"), alice), "help-unread")).as("read once shown").isNull();
    }

    @Test
    void theHelpButtonOfAJobPageOpensSupportAboutThatJob() throws Exception {
        UUID job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse")).id();

        String jobPage = page(get("/jobs/" + job), alice);

        assertThat(Html.attributeOf(jobPage, "nav-help", "href")).isEqualTo("/support?job=" + job);
    }

    @Test
    void attachingAnotherUsersJobOrPaymentIsRefusedAndStoresNothing() throws Exception {
        UUID bobsJob = generation.submit(bob.id(), GenerationRequest.of("sd15", "bob's lighthouse")).id();
        String bobsPayment = upi.open(bob.id(), packs.all().getFirst(), "bob-1").reference();
        String form = page(get("/support").param("job", bobsJob.toString()).param("payment", bobsPayment), alice);
        assertThat(Html.attributeOf(form, "support-job", "value")).as("not offered").isEmpty();
        assertThat(Html.attributeOf(form, "support-payment", "value")).isEmpty();

        String job = write(alice, "Look at this", bobsJob.toString(), "", key(form))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        String payment = write(alice, "Look at this", "", bobsPayment, key(form))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(job, "job-error")).isEqualTo("You can attach only one of your own jobs.");
        assertThat(Html.textOf(payment, "payment-error")).isEqualTo("You can attach only one of your own payments.");
        assertThat(messages()).isZero();
        String own = upi.open(alice.id(), packs.all().getFirst(), "alice-1").reference();
        write(alice, "My payment", "", own, key(form)).andExpect(status().isSeeOther());
        assertThat(Html.textOf(page(get("/support"), alice), "support-messages")).contains("about payment", own);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n  ", "\u200B", "tab\u0007bell"})
    void anEmptyOrControlCharacterMessageIsRefusedBesideTheFieldAndStoresNothing(String body) throws Exception {
        String html = write(alice, body, "", "", UUID.randomUUID().toString())
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "body-error")).isNotBlank();
        assertThat(messages()).isZero();
        assertThat(chat.conversationOf(alice.id())).isEmpty();
    }

    @Test
    void aMessageOverFourThousandCharactersIsRefusedAndOneOfExactlyFourThousandIsKept() throws Exception {
        String html = write(alice, "x".repeat(4001), "", "", UUID.randomUUID().toString())
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "body-error")).isEqualTo("A message may be at most 4,000 characters; this one has 4,001.");
        assertThat(Html.textOf(html, "support-body")).as("the text is kept to shorten").hasSize(4001);
        assertThat(messages()).isZero();

        write(alice, "😀".repeat(4000), "", "", UUID.randomUUID().toString()).andExpect(status().isSeeOther());
        assertThat(messages()).isOne();
    }

    @Test
    void aNulCharacterIsRefusedWith400AndStoresNothing() throws Exception {
        write(alice, "hello\u0000world", "", "", UUID.randomUUID().toString()).andExpect(status().isBadRequest());
        assertThat(messages()).isZero();
    }

    @Test
    void aDoubleClickPostsOnce() throws Exception {
        String key = key(page(get("/support"), alice));
        write(alice, "Hello", "", "", key).andExpect(status().isSeeOther());
        write(alice, "Hello", "", "", key).andExpect(status().isSeeOther());
        assertThat(messages()).isOne();
    }

    @Test
    void htmlInAMessageIsShownEscapedAndOnlyHttpLinksBecomeLinks() throws Exception {
        write(alice, "<script>alert(1)</script> <b>bold</b> see https://example.com/a?b=1&c=<2>. "
                + "javascript:alert(2) and http://x.test/\"onmouseover=alert(3)", "", "", UUID.randomUUID().toString())
                .andExpect(status().isSeeOther());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();

        for (String html : new String[] {page(get("/support"), alice), page(get("/admin/support/" + conversation), admin)}) {
            String list = html.substring(html.indexOf("id=\"support-messages\""));
            assertThat(list).doesNotContain("<script>", "<b>", "href=\"javascript", "\"onmouseover")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;",
                            "<a href=\"https://example.com/a?b=1&amp;c=\" rel=\"nofollow noopener noreferrer\">",
                            "<a href=\"http://x.test/\" rel=\"nofollow noopener noreferrer\">");
        }
    }

    @Test
    void closingAndReopeningAreAudited() throws Exception {
        write(alice, "Hello", "", "", UUID.randomUUID().toString());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();

        mvc.perform(post("/admin/support/" + conversation + "/close").with(csrf()).with(user(admin)))
                .andExpect(status().isSeeOther());
        assertThat(Html.textOf(page(get("/admin/support").param("status", "closed"), admin), "inbox")).contains("alice@example.com");
        assertThat(Html.tagOf(page(get("/admin/support"), admin), "inbox")).as("not among the open ones").isNull();
        mvc.perform(post("/admin/support/" + conversation + "/reopen").with(csrf()).with(user(admin)))
                .andExpect(status().isSeeOther());

        assertThat(db.jdbc().sql("SELECT action || ':' || before_state || '>' || after_state FROM admin_audit "
                + "WHERE target_user_id = ? ORDER BY id").params(alice.id()).query(String.class).list())
                .containsExactly("SUPPORT_CLOSED:open>closed", "SUPPORT_REOPENED:closed>open");
    }

    @Test
    void theSupportInboxAndItsActionsAreRefusedToUsersAndAnonymous() throws Exception {
        write(alice, "Hello", "", "", UUID.randomUUID().toString());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();
        for (String path : new String[] {"/admin/support", "/admin/support/" + conversation,
                "/admin/support/" + conversation + "/messages", "/admin/pages/privacy", "/admin/pages/terms"}) {
            mvc.perform(get(path).with(user(bob))).andExpect(status().isNotFound());
            mvc.perform(get(path)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        }
        mvc.perform(post("/admin/support/" + conversation).with(csrf()).with(user(bob)).param("body", "hi")
                .param("key", UUID.randomUUID().toString())).andExpect(status().isNotFound());
        mvc.perform(post("/admin/support/" + conversation + "/close").with(csrf()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/support")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        assertThat(messages()).isOne();
        assertThat(chat.conversationOf(alice.id()).orElseThrow().status()).isEqualTo(ConversationStatus.OPEN);
    }

    @Test
    void aReplyIsMailedAtOnceToAUserWhoIsAway() throws Exception {
        write(alice, "Hello", "", "", UUID.randomUUID().toString());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();

        reply(conversation, "We fixed it: https://example.com/status").andExpect(status().isSeeOther());

        assertThat(mailsTo("alice@example.com")).singleElement().asString()
                .contains("Text2Image support answered you", "We fixed it: https://example.com/status", "/support");
    }

    @Test
    void aReplyToAUserOnTheSiteIsMailedOnlyIfTheyLeaveWithoutReadingIt() throws Exception {
        write(alice, "Hello", "", "", UUID.randomUUID().toString());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();
        chat.watching(alice.id()); // the support page is open

        reply(conversation, "First answer").andExpect(status().isSeeOther());
        assertThat(replyMails.mailWaitingReplies()).isZero();
        assertThat(mailsTo("alice@example.com")).as("on the site: no mail").isEmpty();

        page(get("/support/messages"), alice); // seen live
        clock.advance(Duration.ofMinutes(10));
        assertThat(replyMails.mailWaitingReplies()).as("read: never mailed").isZero();

        chat.watching(alice.id());
        reply(conversation, "Second answer").andExpect(status().isSeeOther());
        clock.advance(Duration.ofMinutes(10)); // left without reading it
        assertThat(replyMails.mailWaitingReplies()).isOne();
        assertThat(mailsTo("alice@example.com")).singleElement().asString().contains("Second answer").doesNotContain("First answer");
        assertThat(replyMails.mailWaitingReplies()).as("mailed once").isZero();
    }

    @Test
    void manyLongRepliesGoOutInOneMailThatFitsTheOutbox() throws Exception {
        write(alice, "Hello", "", "", UUID.randomUUID().toString());
        long conversation = chat.conversationOf(alice.id()).orElseThrow().id();
        chat.watching(alice.id());
        for (int i = 1; i <= 6; i++) {
            reply(conversation, ("Reply " + i + " ").repeat(500).strip()).andExpect(status().isSeeOther());
        }
        clock.advance(Duration.ofMinutes(10));

        assertThat(replyMails.mailWaitingReplies()).isOne();

        assertThat(mailsTo("alice@example.com")).singleElement().asString().hasSizeLessThan(20_000)
                .contains("Reply 6", "Reply 4", "3 earlier replies are on the site").doesNotContain("Reply 3");
    }

    private ResultActions write(SignedInUser author, String body, String job, String payment, String key) throws Exception {
        return mvc.perform(post("/support").with(csrf()).with(user(author)).param("body", body).param("job", job)
                .param("payment", payment).param("key", key));
    }

    private ResultActions reply(long conversation, String body) throws Exception {
        return mvc.perform(post("/admin/support/" + conversation).with(csrf()).with(user(admin)).param("body", body)
                .param("key", UUID.randomUUID().toString()));
    }

    private String page(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request,
                        SignedInUser viewer) throws Exception {
        return mvc.perform(request.with(user(viewer))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private static String key(String html) {
        return Html.attributeOf(html, "support-key", "value");
    }

    private long messages() {
        return db.jdbc().sql("SELECT count(*) FROM support_message").query(Long.class).single();
    }

    private java.util.List<String> mailsTo(String recipient) {
        return db.jdbc().sql("SELECT subject || '\n' || body FROM mail_outbox WHERE recipient = ? ORDER BY id")
                .params(recipient).query(String.class).list();
    }
}
