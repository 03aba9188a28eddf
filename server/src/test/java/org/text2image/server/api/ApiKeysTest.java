package org.text2image.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/** API keys (docs/API.md, "API keys"): shown once, stored as a hash, at most ten, revocable. */
@IntegrationTest
class ApiKeysTest {

    @Autowired ApiKeys keys;
    @Autowired ApiSubmissions submissions;
    @Autowired AccountService accounts;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aNewKeyIsShownOnceAndOnlyItsHashIsStored() {
        NewApiKey created = keys.create(alice.id(), "  my script  ", EnumSet.of(ApiScope.GENERATE, ApiScope.READ));
        assertThat(created.secret()).matches("t2i_[A-Za-z0-9_-]{43}");
        assertThat(created.key().name()).isEqualTo("my script");
        assertThat(created.key().prefix()).isEqualTo(created.secret().substring(0, 12));
        byte[] stored = db.jdbc().sql("SELECT secret_hash FROM api_key WHERE id = ?").param(created.key().id())
                .query(byte[].class).single();
        assertThat(stored).isEqualTo(ApiKeys.sha256(created.secret()));
        String everything = db.jdbc().sql("SELECT row_to_json(k)::text FROM api_key k").query(String.class).single();
        assertThat(everything).doesNotContain(created.secret().substring(12));
        assertThat(keys.authenticate(created.secret(), "10.0.0.7")).hasValueSatisfying(caller -> {
            assertThat(caller.userId()).isEqualTo(alice.id());
            assertThat(caller.scopes()).containsExactlyInAnyOrder(ApiScope.GENERATE, ApiScope.READ);
        });
    }

    @Test
    void badNamesAndNoScopeAreRefusedAndNothingIsStored() {
        for (String name : List.of("", "   ", "x".repeat(61), "tab\tname", "\u202Ertl")) {
            assertThatThrownBy(() -> keys.create(alice.id(), name, Set.of(ApiScope.READ)))
                    .as(name).isInstanceOf(InvalidApiKeyRequestException.class)
                    .satisfies(e -> assertThat(((InvalidApiKeyRequestException) e).fieldErrors()).containsKey("name"));
        }
        assertThatThrownBy(() -> keys.create(alice.id(), "fine", Set.of()))
                .isInstanceOf(InvalidApiKeyRequestException.class)
                .satisfies(e -> assertThat(((InvalidApiKeyRequestException) e).fieldErrors()).containsKey("scopes"));
        assertThat(keys.list(alice.id())).isEmpty();
    }

    @Test
    void aUserHasAtMostTenActiveKeysEvenWhenCreatingThemAtOnce() throws Exception {
        List<Boolean> created = Races.race(14, () -> {
            try {
                keys.create(alice.id(), "racer", Set.of(ApiScope.READ));
                return true;
            } catch (InvalidApiKeyRequestException e) {
                return false;
            }
        });
        assertThat(created).filteredOn(ok -> ok).hasSize(ApiKeys.MAX_ACTIVE_KEYS);
        assertThat(keys.list(alice.id())).hasSize(ApiKeys.MAX_ACTIVE_KEYS);
        keys.revoke(alice.id(), keys.list(alice.id()).getFirst().id());
        keys.create(alice.id(), "the eleventh, after a revoke", Set.of(ApiScope.READ));
        assertThat(keys.list(alice.id())).hasSize(ApiKeys.MAX_ACTIVE_KEYS + 1);
    }

    @Test
    void aRevokedKeyAuthenticatesNothingAndAnotherUserCannotRevokeIt() {
        NewApiKey created = keys.create(alice.id(), "script", Set.of(ApiScope.READ));
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        assertThat(keys.revoke(bob.id(), created.key().id())).isFalse();
        assertThat(keys.authenticate(created.secret(), null)).isPresent();
        assertThat(keys.revoke(alice.id(), created.key().id())).isTrue();
        assertThat(keys.revoke(alice.id(), created.key().id())).isFalse();
        assertThat(keys.authenticate(created.secret(), null)).isEmpty();
        assertThat(keys.find(alice.id(), created.key().id()).orElseThrow().active()).isFalse();
    }

    @Test
    void theLastUseIsRecordedAtMostOnceAMinuteUnlessTheAddressChanges() {
        clock.freeze();
        NewApiKey created = keys.create(alice.id(), "script", Set.of(ApiScope.READ));
        keys.authenticate(created.secret(), "10.0.0.1");
        ApiKey first = keys.find(alice.id(), created.key().id()).orElseThrow();
        assertThat(first.lastUsedIp()).isEqualTo("10.0.0.1");
        clock.advance(Duration.ofSeconds(30));
        keys.authenticate(created.secret(), "10.0.0.1");
        assertThat(keys.find(alice.id(), created.key().id()).orElseThrow().lastUsedAt()).isEqualTo(first.lastUsedAt());
        keys.authenticate(created.secret(), "10.0.0.2");
        assertThat(keys.find(alice.id(), created.key().id()).orElseThrow().lastUsedIp()).isEqualTo("10.0.0.2");
        clock.advance(Duration.ofMinutes(2));
        keys.authenticate(created.secret(), "10.0.0.2");
        assertThat(keys.find(alice.id(), created.key().id()).orElseThrow().lastUsedAt()).isAfter(first.lastUsedAt());
    }

    @Test
    void malformedBearerTokensAreSimplyUnknown() {
        for (String token : new String[] {null, "", "t2i_", "t2i_" + "x".repeat(42), "Bearer t2i_abc", "t2i_" + "\0".repeat(43)}) {
            assertThat(keys.authenticate(token, "10.0.0.1")).isEmpty();
        }
    }

    @Test
    void idempotencyKeysAreForgottenAfterADayByTheCleanup() {
        NewApiKey created = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class));
        ApiCaller caller = keys.authenticate(created.secret(), null).orElseThrow();
        clock.freeze();
        submissions.submit(caller, GenerationRequest.ofPrompt("kept a day"), "key-1");
        clock.advance(Duration.ofHours(12));
        submissions.submit(caller, GenerationRequest.ofPrompt("kept a day too"), "key-2");
        clock.advance(Duration.ofHours(12));
        assertThat(submissions.forgetExpiredKeys()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT idempotency_key FROM api_idempotency").query(String.class).list())
                .containsExactly("key-2");
        assertThat(submissions.keyOf(db.jdbc().sql("SELECT id FROM generation_job WHERE prompt = 'kept a day'")
                .query(java.util.UUID.class).single())).hasValue(created.key().id());
    }
}
