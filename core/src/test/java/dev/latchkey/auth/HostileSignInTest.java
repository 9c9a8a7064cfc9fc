package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.error.Throttled;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sign-ins with usernames no real user has, on SQLite and PostgreSQL: refused like any failure, and counted. */
class HostileSignInTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void overlongAndOddUsernamesAreOrdinaryFailuresThatTheThrottleCounts(TestDatabase.Kind kind) {
        try (var db = TestDatabase.create(kind)) {
            var latchkey = Latchkey.builder(db.database())
                    .argon2(new Argon2Settings(1024, 2, 1, 32))
                    .build();
            latchkey.users().create(NewUser.named("alice"), Optional.of("correct horse"));
            var from = new RequestContext("203.0.113.9", "x".repeat(2_000));
            var names = new String[] {
                "a".repeat(151), "가".repeat(151), "😀".repeat(151), "a".repeat(4_000), "admin\u202e", "tab\there"
            };
            for (var name : names) {
                assertThatThrownBy(() -> latchkey.signIn().verify(from, new Credentials.Password(name, "guess")))
                        .as(name.substring(0, Math.min(10, name.length())))
                        .isInstanceOfAny(AuthenticationDenied.class, dev.latchkey.error.InvalidInput.class);
            }
            // However it fails, an attempt is counted before it is hashed: the address runs out of attempts.
            for (int i = 0; i < 10; i++) {
                try {
                    latchkey.signIn().verify(from, new Credentials.Password("z".repeat(151) + i, "guess"));
                } catch (AuthenticationDenied | Throttled expected) {
                    // either
                }
            }
            assertThatThrownBy(() -> latchkey.signIn().verify(from, new Credentials.Password("alice", "guess")))
                    .isInstanceOf(Throttled.class);
            assertThat(latchkey.audit()
                            .search(new dev.latchkey.audit.AuditQuery(null, "sign_in", null, null, null, 100)))
                    .isNotEmpty();
        }
    }
}
