package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Hasher;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.password.Pbkdf2Hasher;
import dev.latchkey.request.RequestContext;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.testing.CountingHasher;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PasswordBackendTest {
    private static final Secrets SECRETS = Secrets.create();
    private static final Argon2Settings FAST = new Argon2Settings(1024, 2, 1, 32);

    private TestDatabase db;
    private UserStore users;
    private CountingHasher preferred;
    private PasswordHashing hashing;
    private PasswordBackend backend;

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
        users = new JdbcUserStore(db.database());
        preferred = new CountingHasher(new Argon2Hasher(FAST, SECRETS));
        hashing = new PasswordHashing(preferred, List.of(Pbkdf2Hasher.sha256(1000, SECRETS)), SECRETS, 2);
        backend = new PasswordBackend(users, hashing);
        users.insert(NewUser.named("alice"), hashing.hash("correct horse"), Instant.EPOCH);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void theRightPasswordAnswersTheUser() {
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("alice", "correct horse")))
                .hasValueSatisfying(u -> assertThat(u.username()).isEqualTo("alice"));
    }

    @Test
    void aWrongPasswordIsNotMine() {
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("alice", "wrong horse")))
                .isEmpty();
    }

    @Test
    void anUnknownUserCostsOneFullHashOfThePreferredHasher() {
        preferred.hashes.set(0);
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("nobody", "whatever")))
                .isEmpty();
        assertThat(preferred.hashes.get()).isEqualTo(1);

        preferred.hashes.set(0);
        backend.authenticate(RequestContext.NONE, new Credentials.Password("alice", "wrong horse"));
        assertThat(preferred.hashes.get()).isEqualTo(1);
    }

    @Test
    void anImpossibleUsernameAlsoCostsOneFullHash() {
        preferred.hashes.set(0);
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("no such/user!", "x")))
                .isEmpty();
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("u".repeat(100_000), "x")))
                .isEmpty();
        assertThat(preferred.hashes.get()).isEqualTo(2);
    }

    @Test
    void aCorrectPasswordUnderAnOldAlgorithmIsReHashedWithTheDefault() {
        var pbkdf2 = Pbkdf2Hasher.sha256(1000, SECRETS);
        var old = pbkdf2.encode("bob's password".getBytes(StandardCharsets.UTF_8), pbkdf2.salt());
        var bob = users.insert(NewUser.named("bob"), old, Instant.EPOCH);

        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("bob", "bob's password")))
                .isPresent();

        var stored = users.findCredentials("bob").orElseThrow().passwordHash();
        assertThat(stored).startsWith("argon2$argon2id$");
        assertThat(hashing.verify("bob's password", stored)).isTrue();
        assertThat(users.findById(bob.id())).isPresent();
    }

    @Test
    void aWrongPasswordLeavesAnOldHashAlone() {
        var pbkdf2 = Pbkdf2Hasher.sha256(1000, SECRETS);
        var old = pbkdf2.encode("bob's password".getBytes(StandardCharsets.UTF_8), pbkdf2.salt());
        users.insert(NewUser.named("bob"), old, Instant.EPOCH);
        backend.authenticate(RequestContext.NONE, new Credentials.Password("bob", "not bob's password"));
        assertThat(users.findCredentials("bob").orElseThrow().passwordHash()).isEqualTo(old);
    }

    @Test
    void usernamesAreNormalisedLikeDjangosNfkc() {
        // U+FF41 FULLWIDTH LATIN SMALL LETTER A normalises to "a" under NFKC.
        assertThat(backend.authenticate(RequestContext.NONE, new Credentials.Password("\uff41lice", "correct horse")))
                .isPresent();
    }

    @Test
    void emptyAndOversizedPasswordsAreRefusedAsInputBeforeAnyHash() {
        assertThatThrownBy(() -> new Credentials.Password("alice", "")).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> new Credentials.Password("", "pw")).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> new Credentials.Password("alice", "x".repeat(4097)))
                .isInstanceOf(InvalidInput.class);
    }

    @Test
    void anInactiveUserWithTheRightPasswordIsRefusedByTheChain() {
        var chain = new Authenticator(
                List.of(backend),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                java.time.Clock.systemUTC());
        users.updateActive(users.findByUsername("alice").orElseThrow().id(), false);
        assertThatThrownBy(() ->
                        chain.authenticate(RequestContext.NONE, new Credentials.Password("alice", "correct horse")))
                .isInstanceOfSatisfying(
                        AuthenticationDenied.class,
                        d -> assertThat(d.reason()).isEqualTo(AuthenticationDenied.Reason.INACTIVE));
    }
}
