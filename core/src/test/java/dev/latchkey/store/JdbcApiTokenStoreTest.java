package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.StoreFailure;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.token.ApiToken;
import dev.latchkey.token.ApiTokens.Origin;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcApiTokenStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00.123Z");
    private JdbcApiTokenStore store;
    private long alice;
    private long bob;

    JdbcApiTokenStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcApiTokenStore(db.database());
        var users = new JdbcUserStore(db.database());
        alice = users.insert(NewUser.named("alice"), "!", T0).id();
        bob = users.insert(NewUser.named("bob"), "!", T0).id();
    }

    private static String hash(int n) {
        return String.format("%064x", n);
    }

    private ApiToken insert(long userId, int n, Instant created, Instant expires, Origin origin) {
        return store.insert(userId, "token " + n, hash(n), "lk_" + n, created, expires, origin);
    }

    @Test
    void anInsertedTokenIsFoundByItsKeyHashOnly() {
        var token = insert(alice, 1, T0, T0.plus(Duration.ofDays(90)), Origin.OPERATOR);
        assertThat(token.id()).isPositive();
        assertThat(token.userId()).isEqualTo(alice);
        assertThat(token.name()).isEqualTo("token 1");
        assertThat(token.prefix()).isEqualTo("lk_1");
        assertThat(token.created()).isEqualTo(T0);
        assertThat(token.expires()).isEqualTo(T0.plus(Duration.ofDays(90)));
        assertThat(token.lastUsed()).isNull();
        assertThat(token.createdBy()).isEqualTo(Origin.OPERATOR);
        assertThat(store.findByKeyHash(hash(1))).contains(token);
        assertThat(store.findByKeyHash(hash(2))).isEmpty();
        assertThat(insert(alice, 3, T0, null, Origin.USER).expires())
                .as("a token that never expires")
                .isNull();
    }

    @Test
    void aKeyHashIsStoredOnce() {
        insert(alice, 1, T0, null, Origin.USER);
        assertThatThrownBy(() -> insert(bob, 1, T0, null, Origin.USER)).isInstanceOf(StoreFailure.class);
    }

    @Test
    void findByUserAnswersTheUsersTokensNewestFirst() {
        var older = insert(alice, 1, T0, null, Origin.USER);
        var newer = insert(alice, 2, T0.plusSeconds(60), null, Origin.USER);
        var sameTime = insert(alice, 3, T0.plusSeconds(60), null, Origin.USER);
        insert(bob, 4, T0.plusSeconds(120), null, Origin.USER);
        assertThat(store.findByUser(alice))
                .extracting(ApiToken::id)
                .containsExactly(sameTime.id(), newer.id(), older.id());
        assertThat(store.findByUser(bob + 1000)).isEmpty();
    }

    @Test
    void updateLastUsedWritesOnlyThatToken() {
        var used = insert(alice, 1, T0, null, Origin.USER);
        var other = insert(alice, 2, T0, null, Origin.USER);
        store.updateLastUsed(used.id(), T0.plusSeconds(90));
        assertThat(store.findByKeyHash(hash(1)).orElseThrow().lastUsed()).isEqualTo(T0.plusSeconds(90));
        assertThat(store.findByKeyHash(hash(2)).orElseThrow().lastUsed()).isNull();
        assertThat(other.lastUsed()).isNull();
    }

    @Test
    void aTokenIsDeletedOnlyByItsOwner() {
        var token = insert(alice, 1, T0, null, Origin.USER);
        assertThat(store.delete(bob, token.id())).isFalse();
        assertThat(store.findByKeyHash(hash(1))).isPresent();
        assertThat(store.delete(alice, token.id())).isTrue();
        assertThat(store.delete(alice, token.id())).isFalse();
        assertThat(store.findByKeyHash(hash(1))).isEmpty();
    }

    @Test
    void deleteCreatedByLeavesTheOperatorsTokensAndOtherUsers() {
        insert(alice, 1, T0, null, Origin.USER);
        insert(alice, 2, T0, null, Origin.USER);
        var operators = insert(alice, 3, T0, null, Origin.OPERATOR);
        var bobs = insert(bob, 4, T0, null, Origin.USER);
        assertThat(store.deleteCreatedBy(alice, Origin.USER)).isEqualTo(2);
        assertThat(store.findByUser(alice)).containsExactly(operators);
        assertThat(store.findByUser(bob)).containsExactly(bobs);
    }

    @Test
    void deleteExpiredTakesTokensExpiredAtOrBeforeNowAndNeverOnesWithoutExpiry() {
        insert(alice, 1, T0, T0.plusSeconds(10), Origin.USER);
        insert(alice, 2, T0, T0.plusSeconds(20), Origin.USER);
        var later = insert(alice, 3, T0, T0.plusSeconds(21), Origin.USER);
        var forever = insert(alice, 4, T0, null, Origin.OPERATOR);
        assertThat(store.deleteExpired(T0.plusSeconds(20))).isEqualTo(2);
        assertThat(store.findByUser(alice)).containsExactlyInAnyOrder(later, forever);
        assertThat(store.deleteExpired(T0.plusSeconds(20))).isZero();
    }

    @Test
    void aDeletedUsersTokensGoWithThem() {
        insert(alice, 1, T0, null, Origin.USER);
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, alice));
        assertThat(store.findByKeyHash(hash(1))).isEmpty();
    }
}
