package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.Conflict;
import dev.latchkey.social.SocialAccount;
import dev.latchkey.social.SocialIdentity;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The same cases on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcSocialAccountStoreTest extends DatabaseTest {
    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00.750Z");
    private JdbcSocialAccountStore store;
    private long alice;
    private long bob;

    JdbcSocialAccountStoreTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        store = new JdbcSocialAccountStore(db.database());
        var users = new JdbcUserStore(db.database());
        alice = users.insert(NewUser.named("alice"), "!", T0).id();
        bob = users.insert(NewUser.named("bob"), "!", T0).id();
    }

    private static SocialIdentity identity(String provider, String subject, String email, boolean verified) {
        return new SocialIdentity(provider, subject, email, verified, "Some One", Map.of("sub", subject));
    }

    private String profileOf(long id) {
        return db.database()
                .sql()
                .one("SELECT profile FROM social_accounts WHERE id = ?", s -> s.setLong(1, id), r -> r.getString(1))
                .orElseThrow();
    }

    @Test
    void anInsertedAccountIsFoundByItsProviderAndSubject() {
        var account = store.insert(identity("github", "42", "a@example.com", true), alice, "{\"sub\":\"42\"}", T0);
        assertThat(account.id()).isPositive();
        assertThat(account)
                .isEqualTo(new SocialAccount(account.id(), "github", "42", alice, "a@example.com", true, T0, T0));
        assertThat(store.findByIdentity("github", "42")).contains(account);
        assertThat(store.findByIdentity("github", "43")).isEmpty();
        assertThat(store.findByIdentity("gitlab", "42"))
                .as("a subject means something only at its provider")
                .isEmpty();
        assertThat(profileOf(account.id())).isEqualTo("{\"sub\":\"42\"}");
    }

    @Test
    void anIdentityIsTiedToOneUserOnly() {
        store.insert(identity("github", "42", "", false), alice, "{}", T0);
        assertThatThrownBy(() -> store.insert(identity("github", "42", "", false), bob, "{}", T0))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.code()).isEqualTo("social_account_taken"));
        assertThat(store.findByIdentity("github", "42").orElseThrow().userId()).isEqualTo(alice);
        assertThat(store.insert(identity("google", "42", "", false), bob, "{}", T0)
                        .userId())
                .as("the same subject at another provider")
                .isEqualTo(bob);
    }

    @Test
    void findByUserAnswersTheUsersAccountsOldestFirst() {
        var first = store.insert(identity("github", "1", "", false), alice, "{}", T0);
        var second = store.insert(identity("google", "2", "", false), alice, "{}", T0.plusSeconds(1));
        store.insert(identity("github", "3", "", false), bob, "{}", T0);
        assertThat(store.findByUser(alice)).containsExactly(first, second);
        assertThat(store.findByUser(bob + 1000)).isEmpty();
    }

    @Test
    void updateProfileRecordsTheSignInAsTheProviderNowSaysIt() {
        var account = store.insert(identity("github", "42", "old@example.com", false), alice, "{\"v\":1}", T0);
        store.updateProfile(
                account.id(), identity("github", "42", "new@example.com", true), "{\"v\":2}", T0.plusSeconds(60));
        var updated = store.findByIdentity("github", "42").orElseThrow();
        assertThat(updated.email()).isEqualTo("new@example.com");
        assertThat(updated.emailVerified()).isTrue();
        assertThat(updated.lastLogin()).isEqualTo(T0.plusSeconds(60));
        assertThat(updated.created()).isEqualTo(T0);
        assertThat(profileOf(account.id())).isEqualTo("{\"v\":2}");
    }

    @Test
    void anAccountIsDeletedOnlyByItsOwner() {
        var account = store.insert(identity("github", "42", "", false), alice, "{}", T0);
        assertThat(store.delete(bob, account.id())).isFalse();
        assertThat(store.findByIdentity("github", "42")).isPresent();
        assertThat(store.delete(alice, account.id())).isTrue();
        assertThat(store.delete(alice, account.id())).isFalse();
        assertThat(store.findByIdentity("github", "42")).isEmpty();
    }

    @Test
    void sealedTokensAreKeptPerAccountAndReplaced() {
        var account = store.insert(identity("github", "42", "", false), alice, "{}", T0);
        var other = store.insert(identity("github", "43", "", false), bob, "{}", T0);
        assertThat(store.findTokens(account.id()))
                .as("an account without tokens")
                .isEmpty();
        store.updateTokens(account.id(), "sealed-1");
        store.updateTokens(account.id(), "sealed-2");
        assertThat(store.findTokens(account.id())).contains("sealed-2");
        assertThat(store.findTokens(other.id())).isEmpty();
        assertThat(store.findTokens(other.id() + 1000)).isEmpty();
    }

    @Test
    void aDeletedUsersAccountsGoWithThem() {
        store.insert(identity("github", "42", "", false), alice, "{}", T0);
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, alice));
        assertThat(store.findByIdentity("github", "42")).isEmpty();
    }
}
