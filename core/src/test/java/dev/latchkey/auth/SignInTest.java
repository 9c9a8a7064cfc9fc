package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignInTest {
    private static final RequestContext FROM = new RequestContext("203.0.113.4", "Firefox");
    private final MutableClock clock = MutableClock.at("2026-06-01T09:00:00Z");
    private TestDatabase db;
    private Latchkey latchkey;
    private long alice;

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
        latchkey = Latchkey.builder(db.database())
                .clock(clock)
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .build();
        alice = latchkey.users()
                .create(NewUser.named("alice"), Optional.of("correct horse"))
                .id();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aSuccessfulSignInRotatesTheSessionRecordsLastLoginAndAudits() {
        var signedIn = latchkey.signIn().withSession(FROM, new Credentials.Password("alice", "correct horse"), null);
        assertThat(latchkey.sessions().find(signedIn.session().id())).isPresent();
        assertThat(latchkey.users().findById(alice).orElseThrow().lastLogin()).isEqualTo(clock.instant());
        var events = latchkey.audit().findRecentByUser(alice, SignIn.AUDIT_KIND, 10);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("success");
            assertThat(e.clientIp()).isEqualTo("203.0.113.4");
            assertThat(e.userAgent()).isEqualTo("Firefox");
            assertThat(e.at()).isEqualTo(clock.instant());
        });
    }

    @Test
    void failuresAreAuditedWithTheirReasonAndNeverTheirPassword() {
        assertThatThrownBy(() ->
                        latchkey.signIn().withSession(FROM, new Credentials.Password("alice", "wrong horse"), null))
                .isInstanceOf(AuthenticationDenied.class);
        latchkey.users().deactivate("alice");
        assertThatThrownBy(() ->
                        latchkey.signIn().withSession(FROM, new Credentials.Password("alice", "correct horse"), null))
                .isInstanceOf(AuthenticationDenied.class);
        var events = latchkey.audit().findRecentByUser(alice, SignIn.AUDIT_KIND, 10);
        assertThat(events).extracting(e -> e.reason()).containsExactlyInAnyOrder("bad_password", "inactive");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("failure");
            assertThat(e.toString()).doesNotContain("horse");
        });
        assertThat(latchkey.users().findById(alice).orElseThrow().lastLogin()).isNull();
    }

    @Test
    void anUnknownUsernameIsAuditedWithoutAUser() {
        assertThatThrownBy(() ->
                        latchkey.signIn().withSession(FROM, new Credentials.Password("mallory", "whatever"), null))
                .isInstanceOf(AuthenticationDenied.class);
        var count = db.database()
                .sql()
                .one(
                        "SELECT COUNT(*) FROM audit_events WHERE user_id IS NULL"
                                + " AND reason = 'unknown_user' AND username = 'mallory'",
                        s -> {},
                        r -> r.getInt(1));
        assertThat(count).hasValue(1);
    }
}
