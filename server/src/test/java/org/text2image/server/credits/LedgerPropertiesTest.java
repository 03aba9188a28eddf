package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.support.MutableClock;

/**
 * Property-based: random sequences of grant / submit / succeed / fail / cancel / expire / admin
 * adjustment run on real PostgreSQL (migrated as in production) through the real ledger code, in
 * real transactions, and after every step the database must agree with a small in-memory model of
 * lots and holds, and {@link LedgerInvariants} must find nothing. Each try uses a fresh user.
 */
class LedgerPropertiesTest {

    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;
    private static TransactionTemplate tx;
    private static MutableClock clock;
    private static CreditLedger ledger;
    private static CreditStatements statements;
    private static CreditExpiry expiry;
    private static CreditAdjustments adjustments;
    private static LedgerInvariants invariants;
    private static long admin;

    @BeforeContainer
    static void startDatabase() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-postgres", "ledger-properties-" + UUID.randomUUID()));
        // Its own copy of the binaries, under target/: zonky's start-up deletes a shared copy it finds
        // unfinished, which can pull it from under another test JVM unpacking it at the same moment.
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setOverrideWorkingDirectory(Path.of("target", "embedded-pg-ledger-properties").toFile()).start();
        DataSource ds = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        // One connection for the whole run (the tries run one after another): the plain data source
        // opens a new connection per statement, which cost more than the statements themselves.
        DataSource connection = new SingleConnectionDataSource(ds.getConnection(), true);
        jdbc = JdbcClient.create(connection);
        tx = new TransactionTemplate(new DataSourceTransactionManager(connection));
        clock = new MutableClock();
        LedgerRows rows = new LedgerRows(jdbc, clock, new CreditMetrics()); // unbound: counts nothing
        ledger = new CreditLedger(rows, new LotRows(jdbc, rows), event -> { });
        statements = new CreditStatements(jdbc);
        expiry = new CreditExpiry(jdbc, ledger, new CreditsProperties(Duration.ofMinutes(1), 5), clock);
        adjustments = new CreditAdjustments(ledger, jdbc, tx, clock);
        invariants = new LedgerInvariants(jdbc, List::of);
        admin = newUser("admin");
    }

    @AfterContainer
    static void stopDatabase() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Property(tries = 40)
    void theLedgerAgreesWithTheModelAndItsInvariantsAfterEveryStep(@ForAll("sequences") List<Op> ops) {
        clock.reset();
        long user = newUser("u");
        tx.executeWithoutResult(s -> ledger.openAccount(user, 20));
        Model model = new Model();
        model.grant(20, null);
        check(user, model, "open");
        for (Op op : ops) {
            apply(op, user, model);
            check(user, model, op.toString());
        }
    }

    private static void apply(Op op, long user, Model model) {
        switch (op) {
            case Grant g -> {
                Instant expiresAt = g.hours() == 0 ? null : clock.instant().plus(Duration.ofHours(g.hours()));
                tx.executeWithoutResult(s -> ledger.grant(user, g.amount(), LotSource.PURCHASE, expiresAt,
                        "prop:" + UUID.randomUUID(), "property grant"));
                model.grant(g.amount(), expiresAt);
                model.expireDue(clock.instant());
            }
            case Submit sub -> {
                model.expireDue(clock.instant());
                if (sub.price() > model.available()) {
                    assertThatThrownBy(() -> tx.execute(s -> ledger.hold(user, sub.price(), UUID.randomUUID())))
                            .isInstanceOf(InsufficientCreditsException.class);
                } else {
                    long hold = tx.execute(s -> ledger.hold(user, sub.price(), UUID.randomUUID()));
                    model.hold(hold, sub.price());
                }
            }
            case Resolve r -> {
                if (model.holds.isEmpty()) {
                    return;
                }
                Model.Hold hold = model.holds.get(r.pick() % model.holds.size());
                if (r.capture()) {
                    tx.executeWithoutResult(s -> ledger.capture(hold.id(), null));
                    model.capture(hold);
                } else {
                    tx.executeWithoutResult(s -> ledger.release(hold.id(), null, "Not charged: cancelled"));
                    model.release(hold, clock.instant());
                }
            }
            case Advance a -> {
                clock.advance(Duration.ofHours(a.hours()));
                expiry.expireAllDue();
                model.expireDue(clock.instant());
            }
            case Adjust adj -> {
                model.expireDue(clock.instant());
                if (adj.amount() < 0 && -adj.amount() > model.available()) {
                    assertThatThrownBy(() -> tx.executeWithoutResult(s ->
                            adjustments.adjust(admin, user, adj.amount(), "property removal", null,
                                    UUID.randomUUID().toString())))
                            .isInstanceOf(InvalidAdjustmentException.class);
                } else {
                    tx.executeWithoutResult(s -> adjustments.adjust(admin, user, adj.amount(), "property adjustment", null,
                            UUID.randomUUID().toString()));
                    if (adj.amount() > 0) {
                        model.grant(adj.amount(), null);
                    } else {
                        model.take(-adj.amount());
                    }
                }
            }
        }
    }

    private static void check(long user, Model model, String after) {
        assertThat(statements.balance(user)).as("balance after " + after)
                .isEqualTo(new Balance(model.available(), model.held()));
        assertThat(invariants.violations()).as("invariants after " + after).isEmpty();
        long expired = jdbc.sql("SELECT coalesce(sum(amount_credits), 0) FROM ledger_entry WHERE user_id = ? AND kind = 'EXPIRE'")
                .params(user).query(Long.class).single();
        assertThat(expired).as("expired after " + after).isEqualTo(model.expired);
    }

    private static long newUser(String prefix) {
        return jdbc.sql("INSERT INTO app_user (email, password_hash, created_at) VALUES (?, 'x', now()) RETURNING id")
                .params(prefix + "-" + UUID.randomUUID() + "@example.com").query(Long.class).single();
    }

    @Provide
    Arbitrary<List<Op>> sequences() {
        Arbitrary<Op> grant = Arbitraries.integers().between(1, 40).flatMap(amount ->
                Arbitraries.of(0, 1, 2, 6, 24, 72).map(hours -> (Op) new Grant(amount, hours)));
        Arbitrary<Op> submit = Arbitraries.integers().between(1, 25).map(price -> (Op) new Submit(price));
        Arbitrary<Op> resolve = Arbitraries.integers().between(0, 20).flatMap(pick ->
                Arbitraries.of(true, false).map(capture -> (Op) new Resolve(pick, capture)));
        Arbitrary<Op> advance = Arbitraries.of(1, 3, 12, 30).map(hours -> (Op) new Advance(hours));
        Arbitrary<Op> adjust = Arbitraries.integers().between(-30, 30).filter(amount -> amount != 0)
                .map(amount -> (Op) new Adjust(amount));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, grant), net.jqwik.api.Tuple.of(5, submit),
                        net.jqwik.api.Tuple.of(5, resolve), net.jqwik.api.Tuple.of(2, advance),
                        net.jqwik.api.Tuple.of(2, adjust))
                .list().ofMinSize(1).ofMaxSize(30);
    }

    /** One step: a grant, a submit (hold), a job's end (capture or release), time passing with the expiry task, an admin adjustment. */
    sealed interface Op permits Grant, Submit, Resolve, Advance, Adjust {
    }

    record Grant(int amount, int hours) implements Op {
    }

    record Submit(int price) implements Op {
    }

    record Resolve(int pick, boolean capture) implements Op {
    }

    record Advance(int hours) implements Op {
    }

    record Adjust(int amount) implements Op {
    }

    /**
     * The simple model: lots (remaining, expiry) spent soonest-expiring first, holds remembering
     * their portions, and expiry moving remainders out. The available balance may include lots past
     * their expiry until something expires them, as in the ledger.
     */
    static final class Model {
        final List<Lot> lots = new ArrayList<>();
        final List<Hold> holds = new ArrayList<>();
        long expired;
        private int order;

        void grant(long amount, Instant expiresAt) {
            lots.add(new Lot(order++, expiresAt, amount));
        }

        long available() {
            return lots.stream().mapToLong(lot -> lot.remaining).sum();
        }

        long held() {
            return holds.stream().mapToLong(Hold::amount).sum();
        }

        void expireDue(Instant now) {
            for (Lot lot : lots) {
                if (lot.expiresAt != null && !lot.expiresAt.isAfter(now) && lot.remaining > 0) {
                    expired += lot.remaining;
                    lot.remaining = 0;
                }
            }
        }

        void hold(long id, long amount) {
            holds.add(new Hold(id, amount, take(amount)));
        }

        /** Takes from the lots soonest-expiring first; returns the portions. */
        List<long[]> take(long amount) {
            List<long[]> portions = new ArrayList<>();
            List<Lot> order = lots.stream().filter(lot -> lot.remaining > 0)
                    .sorted(Comparator.comparing((Lot lot) -> lot.expiresAt == null ? Instant.MAX : lot.expiresAt)
                            .thenComparingInt(lot -> lot.order)).toList();
            long left = amount;
            for (Lot lot : order) {
                long part = Math.min(lot.remaining, left);
                if (part > 0) {
                    lot.remaining -= part;
                    portions.add(new long[] {lots.indexOf(lot), part});
                    left -= part;
                }
            }
            assertThat(left).as("the model's lots covered " + amount).isZero();
            return portions;
        }

        void capture(Hold hold) {
            holds.remove(hold);
        }

        void release(Hold hold, Instant now) {
            holds.remove(hold);
            for (long[] portion : hold.portions()) {
                lots.get((int) portion[0]).remaining += portion[1];
            }
            expireDue(now);
        }

        static final class Lot {
            final int order;
            final Instant expiresAt;
            long remaining;

            Lot(int order, Instant expiresAt, long remaining) {
                this.order = order;
                this.expiresAt = expiresAt;
                this.remaining = remaining;
            }
        }

        record Hold(long id, long amount, List<long[]> portions) {
        }
    }
}
