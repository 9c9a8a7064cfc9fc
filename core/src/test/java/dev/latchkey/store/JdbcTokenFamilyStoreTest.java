package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.jwt.StoredRefreshToken;
import dev.latchkey.jwt.TokenFamily;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcTokenFamilyStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00.125Z");
    private static final Duration DAY = Duration.ofDays(1);
    private static final String SESSION = "5".repeat(64);
    private JdbcTokenFamilyStore store;
    private long alice;
    private long bob;

    JdbcTokenFamilyStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcTokenFamilyStore(db.database());
        var users = new JdbcUserStore(db.database());
        alice = users.insert(NewUser.named("alice"), "!", T0).id();
        bob = users.insert(NewUser.named("bob"), "!", T0).id();
    }

    private static String hash(int n) {
        return String.format("%064x", n);
    }

    /** A family started at T0 that lives 30 days, with its first token {@code hash(firstToken)} living a day. */
    private TokenFamily family(String id, long userId, String sessionHash, int firstToken) {
        var family = new TokenFamily(id, userId, sessionHash, T0, T0.plus(Duration.ofDays(30)), null);
        store.insert(family, hash(firstToken), T0.plus(DAY));
        return family;
    }

    @Test
    void aFamilyAndItsFirstTokenAreFoundByTheTokensHash() {
        var family = family("f1", alice, SESSION, 1);
        var found = store.findRefreshByHash(hash(1)).orElseThrow();
        assertThat(found).isEqualTo(new StoredRefreshToken(hash(1), family, T0, T0.plus(DAY), null));
        assertThat(found.family().sessionHash()).isEqualTo(SESSION);
        assertThat(store.findRefreshByHash(hash(2))).isEmpty();
        assertThat(family("f2", alice, null, 2).sessionHash()).isNull();
        assertThat(store.findRefreshByHash(hash(2)).orElseThrow().family().sessionHash())
                .isNull();
    }

    @Test
    void anExchangeSpendsTheTokenAndStoresItsSuccessorOnce() {
        family("f1", alice, null, 1);
        var now = T0.plusSeconds(60);
        assertThat(store.exchange(hash(1), "f1", now, hash(2), now.plus(DAY))).isTrue();
        assertThat(store.findRefreshByHash(hash(1)).orElseThrow().spent()).isEqualTo(now);
        var next = store.findRefreshByHash(hash(2)).orElseThrow();
        assertThat(next.issued()).isEqualTo(now);
        assertThat(next.expires()).isEqualTo(now.plus(DAY));
        assertThat(next.spent()).isNull();

        assertThat(store.exchange(hash(1), "f1", now, hash(3), now.plus(DAY)))
                .as("spent already")
                .isFalse();
        assertThat(store.findRefreshByHash(hash(3)))
                .as("no successor for a loser")
                .isEmpty();
        assertThat(store.exchange(hash(2), "f2", now, hash(4), now.plus(DAY)))
                .as("the wrong family")
                .isFalse();
    }

    @Test
    void anExpiredTokenOrOneOfARevokedFamilyIsNotExchanged() {
        family("f1", alice, null, 1);
        assertThat(store.exchange(
                        hash(1), "f1", T0.plus(DAY), hash(2), T0.plus(DAY).plus(DAY)))
                .as("expired at that instant")
                .isFalse();
        family("f2", alice, null, 3);
        assertThat(store.revoke("f2", T0.plusSeconds(1), "test")).isTrue();
        assertThat(store.exchange(hash(3), "f2", T0.plusSeconds(2), hash(4), T0.plus(DAY)))
                .isFalse();
        assertThat(store.findRefreshByHash(hash(3)).orElseThrow().spent()).isNull();
    }

    @Test
    void aFamilyIsRevokedOnceAndKeepsItsFirstRevocationTime() {
        family("f1", alice, null, 1);
        assertThat(store.revoke("f1", T0.plusSeconds(5), "first")).isTrue();
        assertThat(store.revoke("f1", T0.plusSeconds(9), "second")).isFalse();
        assertThat(store.revoke("nope", T0.plusSeconds(9), "none")).isFalse();
        var family = store.findRefreshByHash(hash(1)).orElseThrow().family();
        assertThat(family.revoked()).isEqualTo(T0.plusSeconds(5));
        assertThat(family.isLiveAt(T0.plusSeconds(6))).isFalse();
        var reason = db.database()
                .sql()
                .one("SELECT revoked_reason FROM token_families WHERE id = 'f1'", s -> {}, r -> r.getString(1));
        assertThat(reason).contains("first");
    }

    @Test
    void revokeForUserAnswersOnlyTheFamiliesItRevoked() {
        family("a1", alice, null, 1);
        family("a2", alice, null, 2);
        family("b1", bob, null, 3);
        store.revoke("a2", T0, "earlier");
        assertThat(store.revokeForUser(alice, T0.plusSeconds(1), "user_revoked"))
                .containsExactly("a1");
        assertThat(store.revokeForUser(alice, T0.plusSeconds(2), "user_revoked"))
                .isEmpty();
        assertThat(store.findRefreshByHash(hash(3)).orElseThrow().family().revoked())
                .isNull();
    }

    @Test
    void revokeForSessionsTakesTheFamiliesThoseSessionsAskedFor() {
        var other = "6".repeat(64);
        family("s1", alice, SESSION, 1);
        family("s2", alice, other, 2);
        family("none", alice, null, 3);
        assertThat(store.revokeForSessions(List.of(), T0, "signed_out")).isEmpty();
        assertThat(store.revokeForSessions(List.of(SESSION, "7".repeat(64)), T0, "signed_out"))
                .containsExactly("s1");
        assertThat(store.findRefreshByHash(hash(2)).orElseThrow().family().revoked())
                .isNull();
        assertThat(store.findRefreshByHash(hash(3)).orElseThrow().family().revoked())
                .isNull();
    }

    @Test
    void findRevokedSinceAnswersRevocationsAtOrAfterThatInstant() {
        family("f1", alice, null, 1);
        family("f2", alice, null, 2);
        family("f3", alice, null, 3);
        store.revoke("f1", T0.plusSeconds(10), "test");
        store.revoke("f2", T0.plusSeconds(20), "test");
        assertThat(store.findRevokedSince(T0.plusSeconds(10)))
                .extracting(TokenFamily::id)
                .containsExactlyInAnyOrder("f1", "f2");
        assertThat(store.findRevokedSince(T0.plusSeconds(11))).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("f2");
            assertThat(f.revoked()).isEqualTo(T0.plusSeconds(20));
        });
        assertThat(store.findRevokedSince(T0.plusSeconds(21))).isEmpty();
    }

    @Test
    void deleteExpiredTakesWhatEndedLongerAgoThanRememberedAndKeepsTheRest() {
        family("revoked-long-ago", alice, null, 1);
        store.revoke("revoked-long-ago", T0, "test");
        family("revoked-lately", alice, null, 2);
        store.revoke("revoked-lately", T0.plus(Duration.ofDays(2)), "test");
        family("live", alice, null, 3);
        store.exchange(hash(3), "live", T0.plusSeconds(1), hash(4), T0.plus(Duration.ofDays(3)));

        var now = T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(12));
        // Three refresh tokens that expired a day after T0, and the family revoked at T0 (its token went first).
        assertThat(store.deleteExpired(now, DAY)).isEqualTo(4);
        assertThat(store.findRevokedSince(Instant.EPOCH))
                .as("its revocation must still load at a start")
                .extracting(TokenFamily::id)
                .containsExactly("revoked-lately");
        for (int token = 1; token <= 3; token++) {
            assertThat(store.findRefreshByHash(hash(token)))
                    .as("token " + token)
                    .isEmpty();
        }
        assertThat(store.findRefreshByHash(hash(4)).orElseThrow().family().id()).isEqualTo("live");
        assertThat(store.deleteExpired(now, DAY)).isZero();
    }

    @Test
    void aDeletedUsersFamiliesAndTokensGoWithThem() {
        family("f1", alice, null, 1);
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, alice));
        assertThat(store.findRefreshByHash(hash(1))).isEmpty();
        assertThat(store.findRevokedSince(Instant.EPOCH)).isEmpty();
    }
}
