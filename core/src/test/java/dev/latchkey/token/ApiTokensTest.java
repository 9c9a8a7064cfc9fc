package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** API tokens on SQLite and PostgreSQL, with a settable clock. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class ApiTokensTest extends DatabaseTest {
    private final MutableClock clock = MutableClock.at("2026-02-01T10:00:00Z");
    private Latchkey latchkey;
    private long alice;

    ApiTokensTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = Latchkey.builder(db.database())
                .clock(clock)
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .build();
        alice = latchkey.users()
                .create(NewUser.named("alice"), Optional.of("correct horse"))
                .id();
    }

    @Test
    void aKeyIsLkAnd256BitsShownOnceAndOnlyItsHashIsStored() {
        var issued = latchkey.apiTokens().create(alice, "ci", Optional.empty());
        assertThat(issued.key()).matches("lk_[A-Za-z0-9_-]{43}");
        assertThat(issued.toString()).doesNotContain(issued.key());
        assertThat(issued.token().prefix()).isEqualTo(issued.key().substring(0, 9));
        var stored = db.database().sql().list("SELECT key_hash FROM api_tokens", s -> {}, r -> r.getString(1));
        assertThat(stored).containsExactly(Secrets.sha256Hex(issued.key()));
        assertThat(latchkey.apiTokens().find(issued.key()))
                .hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("ci"));
    }

    @Test
    void theChainAuthenticatesAKeyAndRefusesAnInactiveOwner() {
        var key = latchkey.apiTokens().create(alice, "ci", Optional.empty()).key();
        var result = latchkey.authenticator().authenticate(RequestContext.NONE, new Credentials.ApiToken(key));
        assertThat(result.user().username()).isEqualTo("alice");
        assertThat(result.backend()).isEqualTo("api_token");

        latchkey.users().deactivate("alice");
        assertThatThrownBy(
                        () -> latchkey.authenticator().authenticate(RequestContext.NONE, new Credentials.ApiToken(key)))
                .isInstanceOf(AuthenticationDenied.class);
    }

    @Test
    void anExpiredRevokedOrMalformedKeyNamesNobody() {
        var expiring = latchkey.apiTokens().create(alice, "short", Optional.of(Duration.ofDays(1)));
        clock.advance(Duration.ofDays(1).minusSeconds(1));
        assertThat(latchkey.apiTokens().find(expiring.key())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(latchkey.apiTokens().find(expiring.key())).isEmpty();

        var revoked = latchkey.apiTokens().create(alice, "gone", Optional.empty());
        assertThat(latchkey.apiTokens().find(revoked.key())).isPresent();
        assertThat(latchkey.apiTokens().revoke(alice, revoked.token().id())).isTrue();
        assertThat(latchkey.apiTokens().find(revoked.key()))
                .as("revocation is immediate")
                .isEmpty();
        assertThat(latchkey.apiTokens().revoke(alice, revoked.token().id())).isFalse();

        var key = latchkey.apiTokens().create(alice, "ok", Optional.empty()).key();
        for (var bad : new String[] {
            null,
            "",
            key.substring(0, key.length() - 1),
            key + "A",
            "xx" + key.substring(2),
            key.replace('_', '+'),
            "lk_" + "A".repeat(43)
        }) {
            assertThat(latchkey.apiTokens().find(bad)).isEmpty();
        }
    }

    @Test
    void anotherUsersTokenCannotBeRevoked() {
        var bob = latchkey.users()
                .create(NewUser.named("bob"), Optional.of("battery staple"))
                .id();
        var bobs = latchkey.apiTokens().create(bob, "bob's", Optional.empty());
        assertThat(latchkey.apiTokens().revoke(alice, bobs.token().id())).isFalse();
        assertThat(latchkey.apiTokens().find(bobs.key())).isPresent();
    }

    @Test
    void lastUseIsWrittenAtMostOncePerMinute() {
        var issued = latchkey.apiTokens().create(alice, "ci", Optional.empty());
        latchkey.apiTokens().find(issued.key());
        var first = latchkey.apiTokens().forUser(alice).get(0).lastUsed();
        assertThat(first).isEqualTo(clock.instant());
        clock.advance(Duration.ofSeconds(30));
        latchkey.apiTokens().find(issued.key());
        assertThat(latchkey.apiTokens().forUser(alice).get(0).lastUsed()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(31));
        latchkey.apiTokens().find(issued.key());
        assertThat(latchkey.apiTokens().forUser(alice).get(0).lastUsed()).isEqualTo(clock.instant());
    }

    @Test
    void namesAndLifetimesAreChecked() {
        assertThatThrownBy(() -> latchkey.apiTokens().create(alice, "x".repeat(101), Optional.empty()))
                .isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> latchkey.apiTokens().create(alice, "x", Optional.of(Duration.ofSeconds(-1))))
                .isInstanceOf(InvalidInput.class);
        assertThat(latchkey.apiTokens()
                        .create(alice, "  ", Optional.empty())
                        .token()
                        .name())
                .isEqualTo("token");
    }

    @Test
    void purgeDeletesOnlyExpiredTokens() {
        latchkey.apiTokens().create(alice, "short", Optional.of(Duration.ofHours(1)));
        var keep = latchkey.apiTokens().create(alice, "long", Optional.empty());
        clock.advance(Duration.ofHours(2));
        assertThat(latchkey.apiTokens().purgeExpired()).isEqualTo(1);
        assertThat(latchkey.apiTokens().forUser(alice))
                .extracting(ApiToken::id)
                .containsExactly(keep.token().id());
    }
}
