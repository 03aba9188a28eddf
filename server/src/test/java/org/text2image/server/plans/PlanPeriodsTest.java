package org.text2image.server.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditExpiry;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditLot;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.SecondInstance;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;

/**
 * Plan periods and their credits: each week's credits come at its start and expire at its end, a
 * year's come upfront; each period is granted once, whatever runs the grant and however often.
 */
@IntegrationTest
class PlanPeriodsTest {

    private static final Duration WEEK = Duration.ofDays(7);

    @Autowired PlanTerms terms;
    @Autowired PlanGrants grants;
    @Autowired UserPlans userPlans;
    @Autowired Plans plans;
    @Autowired CreditLedger ledger;
    @Autowired CreditStatements statements;
    @Autowired CreditExpiry expiry;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;
    @Autowired DataSource dataSource;

    long admin;
    long user;
    Instant testStart;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        clock.freeze();
        clock.advance(Duration.ofNanos(-clock.instant().getNano())); // a whole second, as stored
        testStart = clock.instant();
        admin = TestAccounts.admin(accounts, db, "admin@example.com").id();
        user = accounts.register("subscriber@example.com", "correct horse battery").id(); // 20 signup credits, never expiring
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aUserWithoutATermIsOnTheFreePlan() {
        assertThat(userPlans.planOf(user).id()).isEqualTo("free");
        assertThat(userPlans.subscription(user)).isEmpty();
    }

    @Test
    void aWeeksCreditsExpireAtItsEndWhilePurchasedCreditsStayAndAreSpentLast() {
        ledger.grant(user, 100, LotSource.PURCHASE, null, "upi:123456789012", "Bought 100 credits");
        terms.assign(admin, user, plan("starter"), BillingPeriod.WEEKLY, 2, "team seat");
        assertThat(balance()).isEqualTo(20 + 100 + 500);

        long holdId = tx.execute(status -> ledger.hold(user, 50, UUID.randomUUID()));
        assertThat(holdId).isPositive();
        assertThat(lot(LotSource.PLAN).remainingCredits()).as("spent from the plan's lot first").isEqualTo(450);
        assertThat(lot(LotSource.PURCHASE).remainingCredits()).isEqualTo(100);
        assertThat(lot(LotSource.SIGNUP).remainingCredits()).isEqualTo(20);

        clock.advance(WEEK);
        assertThat(grants.grantAllDue()).as("the second week begins").isEqualTo(1);
        expiry.expireAllDue();

        assertThat(planLots()).as("granted, expired; no rollover").containsExactly("500 450", "500 0");
        assertThat(lot(LotSource.PURCHASE).remainingCredits()).as("purchased credits untouched").isEqualTo(100);
        assertThat(balance()).as("and the 50 held for the running job").isEqualTo(20 + 100 + 500 + 50);

        clock.advance(WEEK);
        assertThat(grants.grantAllDue()).as("the term has ended").isZero();
        expiry.expireAllDue();
        assertThat(balance()).isEqualTo(20 + 100 + 50);
        assertThat(userPlans.planOf(user).id()).isEqualTo("free");
    }

    @Test
    void aYearsCreditsComeUpfrontOnce() {
        terms.assign(admin, user, plan("pro"), BillingPeriod.YEARLY, 1, "annual deal");
        assertThat(balance()).isEqualTo(20 + 78_000);

        for (int day = 0; day < 360; day += 30) {
            clock.advance(Duration.ofDays(30));
            assertThat(grants.grantAllDue()).isZero();
        }
        assertThat(balance()).isEqualTo(20 + 78_000);
        assertThat(userPlans.planOf(user).id()).isEqualTo("pro");
        assertThat(lot(LotSource.PLAN).expiresAt()).isEqualTo(BillingPeriod.YEARLY.end(start()));

        clock.advance(Duration.ofDays(6)); // 366 days: past the year's end
        expiry.expireAllDue();
        assertThat(balance()).isEqualTo(20);
        assertThat(userPlans.planOf(user).id()).isEqualTo("free");
    }

    @Test
    void aWeekThatBeganWhileTheServerWasDownIsGrantedOnceWhenItReturns() {
        terms.assign(admin, user, plan("starter"), BillingPeriod.WEEKLY, 3, "three weeks");

        clock.advance(Duration.ofDays(9)); // down from day 6 to day 9: no task ran at day 7
        assertThat(grants.grantAllDue()).isEqualTo(1);
        assertThat(grants.grantAllDue()).isZero();
        assertThat(grants.grantAllDue()).isZero();

        clock.advance(Duration.ofDays(5)); // day 14: the third week
        assertThat(grants.grantAllDue()).isEqualTo(1);
        assertThat(userPlans.grantedPeriods(user, 10)).extracting(GrantedPeriod::start)
                .containsExactly(start().plus(WEEK.multipliedBy(2)), start().plus(WEEK), start());
        assertThat(planGrantKeys()).containsExactlyInAnyOrder("plan:" + user + ":" + start(),
                "plan:" + user + ":" + start().plus(WEEK), "plan:" + user + ":" + start().plus(WEEK.multipliedBy(2)));
    }

    @Test
    void twoWeeksMissedAreBothGrantedOnceAndTheEndedOneExpiresAtOnce() {
        terms.assign(admin, user, plan("starter"), BillingPeriod.WEEKLY, 3, "three weeks");
        clock.advance(Duration.ofDays(15)); // down over two boundaries

        assertThat(grants.grantAllDue()).isEqualTo(2);
        expiry.expireAllDue();

        assertThat(balance()).as("weeks 1 and 2 ended; week 3's credits remain").isEqualTo(20 + 500);
        assertThat(planLots()).containsExactly("500 500", "500 500", "500 0");
    }

    @Test
    void twoServerInstancesRunningTheGrantTaskAtOnceGrantEachPeriodOnce() throws Exception {
        clock.reset(); // the second instance runs on the real clock
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(accounts.register("team" + i + "@example.com", "correct horse battery").id());
        }
        clock.advance(Duration.ofDays(-8)); // terms that began 8 days ago: their second week is due now
        for (long member : users) {
            terms.assign(admin, member, plan("starter"), BillingPeriod.WEEKLY, 4, "team");
        }
        clock.reset();
        try (ConfigurableApplicationContext second = SecondInstance.start(dataSource)) {
            PlanGrants other = second.getBean(PlanGrants.class);
            List<Callable<Integer>> runs = List.of(grants::grantAllDue, other::grantAllDue, grants::grantAllDue,
                    other::grantAllDue);

            List<Integer> granted = Races.race(runs);

            assertThat(granted.stream().mapToInt(Integer::intValue).sum()).as("one second week per member")
                    .isEqualTo(users.size());
        }
        for (long member : users) {
            assertThat(statements.balance(member).availableCredits()).as("the first week has ended").isEqualTo(20 + 500);
            assertThat(userPlans.grantedPeriods(member, 10)).hasSize(2);
        }
    }

    @Test
    void aDearerPlanStartsNowWithItsCreditsTheSamePlanExtendsAndACheaperOneWaitsForTheTermsEnd() {
        assertThat(terms.apply(user, plan("starter"), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1))
                .isEqualTo(PlanTerms.Change.STARTED);
        assertThat(terms.apply(user, plan("starter"), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1))
                .isEqualTo(PlanTerms.Change.EXTENDED);
        assertThat(userPlans.subscription(user).orElseThrow().paidUntil()).isEqualTo(start().plus(WEEK.multipliedBy(2)));
        assertThat(balance()).as("the extension's week comes at its start").isEqualTo(20 + 500);

        clock.advance(Duration.ofDays(3));
        assertThat(terms.apply(user, plan("pro"), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1))
                .isEqualTo(PlanTerms.Change.UPGRADED);
        assertThat(userPlans.planOf(user).id()).isEqualTo("pro");
        assertThat(balance()).as("the upgrade's credits now").isEqualTo(20 + 500 + 1500);
        Instant upgraded = clock.instant();

        assertThat(terms.apply(user, plan("starter"), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1))
                .isEqualTo(PlanTerms.Change.SCHEDULED);
        assertThat(userPlans.planOf(user).id()).as("the paid week of Pro runs on").isEqualTo("pro");

        clock.advance(WEEK);
        assertThat(grants.grantAllDue()).isEqualTo(1);
        Subscription now = userPlans.subscription(user).orElseThrow();
        assertThat(now.planId()).isEqualTo("starter");
        assertThat(now.startedAt()).isEqualTo(upgraded.plus(WEEK));
        assertThat(now.next()).isNull();
        assertThat(userPlans.planOf(user).id()).isEqualTo("starter");
    }

    @Test
    void anAdminsAssignmentAndEndAreAudited() {
        terms.assign(admin, user, plan("ultra"), BillingPeriod.WEEKLY, 4, "design team");
        assertThat(terms.end(admin, user, "left the team")).isTrue();
        assertThat(terms.end(admin, user, "again")).isFalse();

        assertThat(userPlans.planOf(user).id()).isEqualTo("free");
        List<String> audit = db.jdbc().sql("SELECT action || ': ' || before_state || ' -> ' || after_state FROM admin_audit"
                + " WHERE target_user_id = ? ORDER BY id").params(user).query(String.class).list();
        assertThat(audit).containsExactly("PLAN_ASSIGNED: Free -> Ultra, weekly until " + day(start().plus(WEEK.multipliedBy(4))),
                "PLAN_ENDED: Ultra, weekly until " + day(start().plus(WEEK.multipliedBy(4))) + " -> Free");
        assertThat(balance()).as("granted credits stay until their week ends").isEqualTo(20 + 4000);
    }

    @Test
    void theFreePlanAndOutOfRangeCountsAreRefusedAndChangeNothing() {
        assertThatThrownBy(() -> terms.assign(admin, user, plan("free"), BillingPeriod.WEEKLY, 1, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> terms.apply(user, plan("pro"), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> terms.apply(user, plan("pro"), BillingPeriod.WEEKLY, SubscriptionSource.UPI,
                PlanTerms.MAX_PERIODS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(userPlans.subscription(user)).isEmpty();
        assertThat(balance()).isEqualTo(20);
    }

    @Test
    void aStripeInvoiceGrantsItsPeriodOnceAndAnEndedSubscriptionRunsToThePeriodsEnd() {
        Instant start = start();
        Instant end = start.plus(WEEK);
        assertThat(terms.stripePeriodPaid(user, plan("max"), BillingPeriod.WEEKLY, "sub_1", start, end, "in_1")).isTrue();
        assertThat(terms.stripePeriodPaid(user, plan("max"), BillingPeriod.WEEKLY, "sub_1", start, end, "in_1")).isFalse();
        assertThat(terms.stripePeriodPaid(user, plan("max"), BillingPeriod.WEEKLY, "sub_1", start, end, "in_other"))
                .as("another invoice for a period already granted").isFalse();
        assertThat(balance()).isEqualTo(20 + 10_000);
        assertThat(grants.grantAllDue()).as("the task never grants a Stripe term").isZero();

        assertThat(terms.stripeEnded("sub_1", end)).isTrue();
        clock.advance(Duration.ofDays(6));
        assertThat(userPlans.planOf(user).id()).isEqualTo("max");
        clock.advance(Duration.ofDays(1));
        assertThat(userPlans.planOf(user).id()).isEqualTo("free");
        assertThat(terms.stripeEnded("sub_unknown", end)).isFalse();
    }

    private Plan plan(String id) {
        return plans.find(id).orElseThrow();
    }

    /** The frozen clock's instant when the test began: terms assigned then start here. */
    private Instant start() {
        return testStart;
    }

    private long balance() {
        Balance balance = statements.balance(user);
        return balance.availableCredits() + balance.heldCredits();
    }

    private CreditLot lot(LotSource source) {
        return statements.lots(user).stream().filter(l -> l.source() == source).findFirst().orElseThrow();
    }

    /** The user's plan lots, oldest first, as "granted expired". */
    private List<String> planLots() {
        return db.jdbc().sql("SELECT granted_credits || ' ' || expired_credits FROM credit_lot WHERE user_id = ?"
                + " AND source = 'PLAN' ORDER BY id").params(user).query(String.class).list();
    }

    private List<String> planGrantKeys() {
        return db.jdbc().sql("SELECT idempotency_key FROM ledger_entry WHERE user_id = ? AND idempotency_key LIKE 'plan:%'")
                .params(user).query(String.class).list();
    }

    private static String day(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH)
                .withZone(java.time.ZoneOffset.UTC).format(instant);
    }
}
