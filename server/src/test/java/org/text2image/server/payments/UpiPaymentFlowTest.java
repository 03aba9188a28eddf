package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLot;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.notifications.OutboxDelivery;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.support.TestSmtp;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * A UPI purchase from end to end, mails delivered over real SMTP (GreenMail): the user chooses a
 * pack, gets a QR code of the exact UPI link, enters the UTR; an admin approves (credits granted
 * once, linked to the payment, mailed) or rejects (with a reason, mailed and shown, nothing
 * granted). Two admins deciding at once decide once. The books balance after every test.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.mail.delivery-interval=1h",
        "text2image.public-url=https://t2i.example.com/"
})
class UpiPaymentFlowTest {

    private static final int SMTP_PORT = TestSmtp.freePort();
    private static final String UTR = "412345678901";

    @RegisterExtension
    static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);

    @DynamicPropertySource
    static void smtpServer(DynamicPropertyRegistry registry) {
        TestSmtp.use(registry, SMTP_PORT);
    }

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired OutboxDelivery delivery;
    @Autowired PaymentRows payments;
    @Autowired TestDatabase db;

    UpiTestSupport upi;
    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        SMTP.purgeEmailFromAllMailboxes();
        upi = new UpiTestSupport(mvc);
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aUpiPurchaseShowsTheExactLinkAsAQrCodeAndAnApprovalAddsTheCreditsOnceAndMailsTheUser() throws Exception {
        String buyPage = upi.page(alice, "/buy");
        assertThat(Html.textOf(buyPage, "pack-creator-price")).isEqualTo("₹499.00");
        assertThat(Html.textOf(buyPage, "pack-dollars-price")).isEqualTo("$4.99");
        assertThat(Html.tagOf(buyPage, "pay-creator-upi")).isNotNull();
        assertThat(Html.tagOf(buyPage, "pay-dollars-upi")).as("UPI takes rupees only").isNull();

        String reference = upi.openCreator(alice);
        String expectedLink = "upi://pay?pa=text2image@okaxis&pn=Text2Image%20Studio%20%26%20Co&am=499.00&cu=INR&tr="
                + reference + "&tn=Text2Image%20600%20credits%20" + reference;
        String page = upi.page(alice, "/payments/" + reference);
        assertThat(Html.attributeOf(page, "upi-link", "href")).isEqualTo(expectedLink);
        assertThat(Html.textOf(page, "upi-amount")).isEqualTo("₹499.00");
        assertThat(Html.textOf(page, "upi-payee")).isEqualTo("Text2Image Studio & Co");
        assertThat(Html.textOf(page, "payment-state")).isEqualTo("Waiting for your UTR");
        MvcResult qr = mvc.perform(get("/payments/" + reference + "/qr.png").with(user(alice)))
                .andExpect(status().isOk()).andReturn();
        assertThat(qr.getResponse().getContentType()).isEqualTo("image/png");
        assertThat(UpiTestSupport.decodeQr(qr.getResponse().getContentAsByteArray())).isEqualTo(expectedLink);

        upi.submitUtr(alice, reference, " " + UTR + " ").andExpect(status().isSeeOther())
                .andExpect(redirectedUrl("/payments/" + reference));
        assertThat(Html.textOf(upi.page(alice, "/payments/" + reference), "payment-state")).isEqualTo("Pending review");
        String queue = upi.page(admin, "/admin/payments");
        Payment pending = payments.findByReference(reference).orElseThrow();
        assertThat(Html.textOf(queue, "queue")).contains(
                "alice@example.com", "Creator (600 credits)", "₹499.00", reference, UTR);

        upi.approve(admin, pending.id()).andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/payments"));

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(620, 0));
        CreditLot lot = statements.lots(alice.id()).stream().filter(l -> l.source() == LotSource.PURCHASE)
                .findFirst().orElseThrow();
        assertThat(lot.grantedCredits()).isEqualTo(600);
        assertThat(lot.expiresAt()).as("bought credits never expire").isNull();
        Payment approved = payments.findByReference(reference).orElseThrow();
        assertThat(approved.state()).isEqualTo(PaymentState.APPROVED);
        assertThat(approved.grantKey()).isEqualTo("upi:" + UTR);
        assertThat(statements.entries(alice.id(), 1)).singleElement()
                .satisfies(entry -> assertThat(entry.idempotencyKey()).isEqualTo("upi:" + UTR));
        String credits = upi.page(alice, "/credits");
        long grantEntry = statements.entries(alice.id(), 1).getFirst().id();
        assertThat(Html.attributeOf(credits, "entry-link-" + grantEntry, "href")).isEqualTo("/payments/" + reference);
        assertThat(Html.attributeOf(upi.page(alice, "/payments/" + reference), "payment-credits-link", "href"))
                .isEqualTo("/credits");
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");

        assertThat(delivery.deliverDue()).isEqualTo(2);
        MimeMessage[] mails = SMTP.getReceivedMessages();
        assertThat(mails).extracting(MimeMessage::getSubject).containsExactly(
                "We received your payment details (" + reference + ")",
                "Credits added: your payment " + reference + " is approved");
        Map<String, String> approvedMail = UpiTestSupport.parts(mails[1]);
        assertThat(approvedMail.get("text/plain")).contains("we added 600 credits", "You now have 620 credits available.",
                "https://t2i.example.com/payments/" + reference);
        assertThat(approvedMail.get("text/html")).contains("we added 600 credits", "620 credits available",
                "href=\"https://t2i.example.com/payments/" + reference + "\"");
        assertThat(UpiTestSupport.parts(mails[0]).get("text/plain")).contains(UTR, "the Creator pack (600 credits, ₹499.00)");
    }

    @Test
    void aRejectionTellsTheReasonByMailAndOnTheHistoryAndAddsNoCredits() throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        Payment pending = payments.findByReference(reference).orElseThrow();

        upi.reject(admin, pending.id(), "No payment with this UTR reached our account <b>").andExpect(status().isSeeOther());

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.REJECTED);
        assertThat(Html.textOf(upi.page(alice, "/payments"), "payment-" + reference))
                .contains("Rejected", "No payment with this UTR reached our account", "₹499.00");
        assertThat(Html.textOf(upi.page(alice, "/payments/" + reference), "payment-reject-reason"))
                .isEqualTo("No payment with this UTR reached our account <b>");
        assertThat(auditActions()).containsExactly("PAYMENT_REJECTED");
        assertThat(Html.textOf(upi.page(admin, "/admin/credits"), "audit"))
                .contains("alice@example.com", "Rejected UPI payment " + reference, "No payment with this UTR reached our account");
        delivery.deliverDue();
        MimeMessage rejected = SMTP.getReceivedMessages()[1];
        assertThat(rejected.getSubject()).isEqualTo("Your payment " + reference + " could not be confirmed");
        Map<String, String> parts = UpiTestSupport.parts(rejected);
        assertThat(parts.get("text/plain")).contains("Reason: No payment with this UTR reached our account",
                "No credits were added", "What to do next");
        assertThat(parts.get("text/html")).contains("Reason: No payment with this UTR reached our account &lt;b&gt;")
                .doesNotContain("<b>");
    }

    @Test
    void anSmtpOutageDelaysTheMailAndNeverUndoesTheApproval() throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        SMTP.stop();
        try {
            upi.approve(admin, payments.findByReference(reference).orElseThrow().id()).andExpect(status().isSeeOther());
            assertThat(delivery.deliverDue()).isZero();
        } finally {
            SMTP.start();
        }

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.APPROVED);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(620, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM mail_outbox WHERE status = 'PENDING' AND attempts = 1")
                .query(Long.class).single()).as("both mails wait for their retry").isEqualTo(2);
    }

    @Test
    void twoAdminsApprovingAtOnceGrantTheCreditsOnce() throws Exception {
        SignedInUser second = TestAccounts.admin(accounts, db, "second-admin@example.com");
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        long id = payments.findByReference(reference).orElseThrow().id();

        List<MvcResult> decisions = Races.race(List.of(() -> upi.approve(admin, id).andReturn(),
                () -> upi.approve(second, id).andReturn(), () -> upi.approve(admin, id).andReturn()));

        assertThat(decisions).extracting(d -> d.getResponse().getStatus()).containsOnly(303);
        assertThat(decisions).extracting(d -> (String) d.getFlashMap().get("notice")).filteredOn(n -> n.startsWith("Approved"))
                .hasSize(1);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(620, 0));
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");
        assertThat(outboxSubjects()).filteredOn(s -> s.startsWith("Credits added")).hasSize(1);
    }

    @Test
    void aRejectionAfterAnApprovalIsRefusedAndChangesNothing() throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        long id = payments.findByReference(reference).orElseThrow().id();
        upi.approve(admin, id).andExpect(status().isSeeOther());

        MvcResult reject = upi.reject(admin, id, "Changed my mind").andExpect(status().isSeeOther()).andReturn();
        MvcResult approveAgain = upi.approve(admin, id).andExpect(status().isSeeOther()).andReturn();

        assertThat(reject.getFlashMap().get("notice")).isEqualTo(reference + " is approved already (another decision came first); nothing changed.");
        assertThat(approveAgain.getFlashMap().get("notice")).asString().contains("nothing changed");
        Payment payment = payments.findByReference(reference).orElseThrow();
        assertThat(payment.state()).isEqualTo(PaymentState.APPROVED);
        assertThat(payment.rejectReason()).isNull();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(620, 0));
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");
    }

    @Test
    void adminsFindPaymentsByUtrEmailOrReference() throws Exception {
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        String alices = upi.openCreator(alice);
        upi.submitUtr(alice, alices, UTR);
        String bobs = upi.openCreator(bob);

        assertThat(Html.textOf(upi.page(admin, "/admin/payments?q=" + UTR), "search-results")).contains(alices).doesNotContain(bobs);
        assertThat(Html.textOf(upi.page(admin, "/admin/payments?q=BOB@example.com"), "search-results")).contains(bobs)
                .doesNotContain(alices);
        assertThat(Html.textOf(upi.page(admin, "/admin/payments?q=" + bobs.toLowerCase()), "search-results")).contains(bobs);
        assertThat(Html.textOf(upi.page(admin, "/admin/payments?q=999999999999"), "search-none")).contains("Nothing found");
    }

    private List<String> auditActions() {
        return db.jdbc().sql("SELECT action FROM admin_audit ORDER BY id").query(String.class).list();
    }

    private List<String> outboxSubjects() {
        return db.jdbc().sql("SELECT subject FROM mail_outbox ORDER BY id").query(String.class).list();
    }

}
