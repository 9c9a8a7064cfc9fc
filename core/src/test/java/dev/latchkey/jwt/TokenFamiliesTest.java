package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.ManualScheduler;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.ImportedUser;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Token pairs, refresh, reuse detection, the refresh race and instant revocation, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class TokenFamiliesTest extends DatabaseTest {
    private static final RequestContext CLIENT = new RequestContext("203.0.113.9", "test-agent");
    private final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
    private final Secrets secrets = Secrets.create();
    private final ManualScheduler scheduler = new ManualScheduler();
    private Latchkey latchkey;
    private TokenFamilies jwt;
    private long alice;

    TokenFamiliesTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = open();
        jwt = latchkey.tokenFamilies();
        alice = latchkey.users()
                .create(NewUser.named("alice"), Optional.of("correct horse"))
                .id();
    }

    private Latchkey open() {
        return open(JwtSettings.DEFAULT);
    }

    private Latchkey open(JwtSettings settings) {
        return Latchkey.builder(db.database())
                .clock(clock)
                .secrets(secrets)
                .scheduler(scheduler)
                .jwt(settings)
                .instanceSecret(new byte[32])
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                // No bus between these instances: what is tested here is the poll that holds without one.
                .invalidations(new dev.latchkey.invalidation.MemoryInvalidationBus())
                .build();
    }

    @Test
    void aPairHoldsAnAccessTokenOfTheFamilyAndAnOpaqueRefreshTokenStoredOnlyAsAHash() throws Exception {
        var pair = jwt.obtain(alice, null);
        assertThat(pair.refresh()).matches("lkr_[A-Za-z0-9_-]{43}");
        assertThat(pair.accessLifetime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(pair.refreshExpires()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
        assertThat(pair.toString()).doesNotContain(pair.access()).doesNotContain(pair.refresh());
        var access = jwt.verify(pair.access());
        assertThat(access.userId()).isEqualTo(alice);
        assertThat(access.family()).isEqualTo(pair.family());
        var stored = db.database().sql().list("SELECT token_hash FROM refresh_tokens", s -> {}, r -> r.getString(1));
        assertThat(stored).containsExactly(Secrets.sha256Hex(pair.refresh()));

        var authenticated = latchkey.authenticator().authenticate(CLIENT, new Credentials.AccessJwt(pair.access()));
        assertThat(authenticated.user().id()).isEqualTo(alice);
        assertThat(authenticated.backend()).isEqualTo("jwt");
    }

    @Test
    void aRefreshAnswersANewPairAndSpendsTheOldToken() throws Exception {
        var first = jwt.obtain(alice, null);
        clock.advance(Duration.ofMinutes(4));
        var second = jwt.refresh(first.refresh(), CLIENT);
        assertThat(second.refresh()).isNotEqualTo(first.refresh());
        assertThat(second.family()).isEqualTo(first.family());
        assertThat(second.refreshExpires())
                .as("sliding")
                .isEqualTo(clock.instant().plus(Duration.ofDays(1)));
        assertThat(jwt.verify(second.access()).userId()).isEqualTo(alice);
        var spent = db.database()
                .sql()
                .list(
                        "SELECT spent_at FROM refresh_tokens WHERE token_hash = ?",
                        s -> s.setString(1, Secrets.sha256Hex(first.refresh())),
                        r -> r.getLong(1));
        assertThat(spent).containsExactly(clock.instant().toEpochMilli());
    }

    @Test
    void aSpentTokenPresentedAgainRevokesTheWholeFamilyAndIsAudited() throws Exception {
        var first = jwt.obtain(alice, null);
        var second = jwt.refresh(first.refresh(), CLIENT);
        assertThat(jwt.verify(second.access()).userId()).isEqualTo(alice);

        assertThatThrownBy(() -> jwt.refresh(first.refresh(), CLIENT))
                .isInstanceOf(InvalidRefreshToken.class)
                .hasMessage("spent");
        assertThatThrownBy(() -> jwt.verify(second.access()))
                .as("the family's access tokens stop at once")
                .isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.verify(first.access())).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.refresh(second.refresh(), CLIENT))
                .isInstanceOf(InvalidRefreshToken.class)
                .hasMessage("family revoked");
        var events = latchkey.audit().findRecentByUser(alice, TokenFamilies.AUDIT_REUSE, 10);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(TokenFamilies.AUDIT_REUSE);
            assertThat(e.clientIp()).isEqualTo("203.0.113.9");
            assertThat(e.username()).isEqualTo("alice");
        });
        assertThat(latchkey.meters().counter("latchkey.jwt.refresh_reuse").count())
                .isEqualTo(1.0);
    }

    @Test
    void ofManyConcurrentRefreshesOfOneTokenExactlyOneSucceeds() throws Exception {
        var first = jwt.obtain(alice, null);
        int racers = 8;
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(racers);
        var results = new ArrayList<java.util.concurrent.Future<TokenPair>>();
        for (int i = 0; i < racers; i++) {
            results.add(pool.submit((Callable<TokenPair>) () -> {
                start.await();
                return jwt.refresh(first.refresh(), CLIENT);
            }));
        }
        start.countDown();
        int won = 0;
        for (var result : results) {
            try {
                result.get(30, TimeUnit.SECONDS);
                won++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(InvalidRefreshToken.class);
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        var families = db.database().sql().list("SELECT id FROM token_families", s -> {}, r -> r.getString(1));
        assertThat(families).as("no second family").containsExactly(first.family());
        var unspent = db.database()
                .sql()
                .list("SELECT token_hash FROM refresh_tokens WHERE spent_at IS NULL", s -> {}, r -> r.getString(1));
        assertThat(unspent).as("one successor at most").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void refreshTokensSlideForADayButNeverPastThirtyDaysFromTheSignIn() throws Exception {
        var signedInAt = clock.instant();
        var pair = jwt.obtain(alice, null);
        for (int day = 0; day < 30; day++) {
            clock.advance(Duration.ofHours(23));
            pair = jwt.refresh(pair.refresh(), CLIENT);
        }
        var familyEnd = signedInAt.plus(Duration.ofDays(30));
        clock.advance(Duration.ofHours(23));
        pair = jwt.refresh(pair.refresh(), CLIENT);
        assertThat(pair.refreshExpires()).isEqualTo(familyEnd);
        assertThat(pair.accessLifetime()).isLessThanOrEqualTo(Duration.ofMinutes(5));
        clock.advance(Duration.between(clock.instant(), familyEnd));
        var last = pair.refresh();
        assertThatThrownBy(() -> jwt.refresh(last, CLIENT)).isInstanceOf(InvalidRefreshToken.class);
    }

    @Test
    void anUnusedRefreshTokenExpiresAfterADay() throws Exception {
        var pair = jwt.obtain(alice, null);
        clock.advance(Duration.ofDays(1).minusSeconds(1));
        var next = jwt.refresh(pair.refresh(), CLIENT);
        clock.advance(Duration.ofDays(1));
        assertThatThrownBy(() -> jwt.refresh(next.refresh(), CLIENT))
                .isInstanceOf(InvalidRefreshToken.class)
                .hasMessage("expired");
    }

    @Test
    void revokingByRefreshTokenEndsTheFamilysAccessTokensAtOnce() throws Exception {
        var pair = jwt.obtain(alice, null);
        var other = jwt.obtain(alice, null);
        jwt.verify(pair.access());
        assertThat(jwt.revoke(pair.refresh(), CLIENT)).isTrue();
        assertThat(jwt.revoke(pair.refresh(), CLIENT)).as("already revoked").isFalse();
        assertThatThrownBy(() -> jwt.verify(pair.access())).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.refresh(pair.refresh(), CLIENT)).isInstanceOf(InvalidRefreshToken.class);
        assertThat(jwt.verify(other.access()).userId())
                .as("another family is untouched")
                .isEqualTo(alice);
        assertThat(jwt.revoke("lkr_" + "x".repeat(43), CLIENT)).isFalse();
        assertThat(jwt.revoke("garbage", CLIENT)).isFalse();
    }

    @Test
    void passwordChangeDeactivationAndSignOutRevokeFamilies() throws Exception {
        var byPassword = jwt.obtain(alice, null);
        latchkey.users().setPassword("alice", "another horse battery");
        assertThatThrownBy(() -> jwt.verify(byPassword.access())).isInstanceOf(InvalidAccessToken.class);

        var signedIn = latchkey.sessions().login(null, alice, CLIENT);
        var bySession = jwt.obtain(alice, signedIn.session().idHash());
        var independent = jwt.obtain(alice, null);
        latchkey.sessions().logout(signedIn.id());
        assertThatThrownBy(() -> jwt.verify(bySession.access())).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.refresh(bySession.refresh(), CLIENT)).isInstanceOf(InvalidRefreshToken.class);
        assertThat(jwt.verify(independent.access()).userId()).isEqualTo(alice);

        latchkey.users().deactivate("alice");
        assertThatThrownBy(() -> jwt.verify(independent.access())).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() ->
                        latchkey.authenticator().authenticate(CLIENT, new Credentials.AccessJwt(independent.access())))
                .isInstanceOf(AuthenticationDenied.class);
    }

    @Test
    void aRestartOrAnotherProcessNeverRevivesARevokedFamily() throws Exception {
        var pair = jwt.obtain(alice, null);
        jwt.verify(pair.access());
        // Another process (the command line) revokes: this one learns of it at its next sync.
        var other = open();
        other.users().setPassword("alice", "another horse battery");
        assertThat(jwt.verify(pair.access()).userId())
                .as("not before this process syncs")
                .isEqualTo(alice);
        assertThat(scheduler.tasks())
                .extracting(ManualScheduler.Task::interval)
                .contains(RevokedFamilies.SYNC_INTERVAL);
        scheduler.tick();
        assertThatThrownBy(() -> jwt.verify(pair.access()))
                .as("this process learns of it at its next sync")
                .isInstanceOf(InvalidAccessToken.class);

        var restarted = open();
        assertThatThrownBy(() -> restarted.tokenFamilies().verify(pair.access()))
                .as("a new process loads recent revocations")
                .isInstanceOf(InvalidAccessToken.class);
    }

    @Test
    void aRestartWithAShorterAccessLifetimeNeverRevivesAnOlderRevokedToken() throws Exception {
        var daily = open(JwtSettings.DEFAULT.withAccessLifetime(Duration.ofDays(1)));
        var pair = daily.tokenFamilies().obtain(alice, null);
        assertThat(daily.tokenFamilies().revoke(pair.refresh(), CLIENT)).isTrue();
        // Ten minutes on, the token has most of its day left; the new configuration would forget it after six.
        clock.advance(Duration.ofMinutes(10));
        var restarted = open(JwtSettings.DEFAULT);
        assertThatThrownBy(() -> restarted.tokenFamilies().verify(pair.access()))
                .isInstanceOf(InvalidAccessToken.class)
                .hasMessageContaining("revoked");
        restarted.tokenFamilies().purgeEnded();
        clock.advance(Duration.ofHours(20));
        var again = open(JwtSettings.DEFAULT);
        assertThatThrownBy(() -> again.tokenFamilies().verify(pair.access()))
                .as("the purge kept the revocation")
                .isInstanceOf(InvalidAccessToken.class)
                .hasMessageContaining("revoked");
    }

    @Test
    void aTokenOfAUserDeactivatedOrDeletedWithoutRevocationIsRefused() throws Exception {
        // A Django re-import and a row deleted by hand change users without revoking anything.
        var pair = jwt.obtain(alice, null);
        latchkey.userStore()
                .upsertAll(List.of(new ImportedUser("alice", "", "!", false, false, false, clock.instant(), null)));
        assertThatThrownBy(() -> jwt.verify(pair.access()))
                .isInstanceOf(InvalidAccessToken.class)
                .hasMessageContaining("inactive");

        long bob = latchkey.users()
                .create(NewUser.named("bob"), Optional.of("another horse battery"))
                .id();
        var bobs = jwt.obtain(bob, null);
        db.database().sql().update("DELETE FROM users WHERE id = ?", s -> s.setLong(1, bob));
        assertThatThrownBy(() -> jwt.verify(bobs.access()))
                .isInstanceOf(InvalidAccessToken.class)
                .hasMessageContaining("gone");
    }

    @Test
    void wrongKindsOfTokensAreRefusedEachWay() throws Exception {
        var pair = jwt.obtain(alice, null);
        assertThatThrownBy(() -> jwt.verify(pair.refresh())).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.refresh(pair.access(), CLIENT))
                .isInstanceOf(InvalidRefreshToken.class)
                .hasMessage("malformed");
        assertThatThrownBy(() ->
                        jwt.verify(pair.access().substring(0, pair.access().length() - 5)))
                .isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.verify("x".repeat(9000))).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.verify(null)).isInstanceOf(InvalidAccessToken.class);
        assertThatThrownBy(() -> jwt.refresh(null, CLIENT)).isInstanceOf(InvalidRefreshToken.class);
    }

    @Test
    void aCachedAccessTokenStillExpires() throws Exception {
        var pair = jwt.obtain(alice, null);
        jwt.verify(pair.access());
        clock.advance(Duration.ofMinutes(5).plusSeconds(31));
        assertThatThrownBy(() -> jwt.verify(pair.access())).isInstanceOf(InvalidAccessToken.class);
    }

    @Test
    void purgeDeletesEndedFamiliesAndExpiredTokensOnly() throws Exception {
        var live = jwt.obtain(alice, null);
        var revoked = jwt.obtain(alice, null);
        jwt.revoke(revoked.refresh(), CLIENT);
        clock.advance(Duration.ofMinutes(10));
        live = jwt.refresh(live.refresh(), CLIENT);
        assertThat(jwt.purgeEnded())
                .as("a revoked family is kept as long as a start must load it")
                .isZero();
        clock.advance(Duration.ofDays(1).minusMinutes(5));
        assertThat(jwt.purgeEnded()).as("the revoked family").isEqualTo(1);
        var left = db.database().sql().list("SELECT family_id FROM refresh_tokens", s -> {}, r -> r.getString(1));
        assertThat(left)
                .as("the revoked family's token went with it")
                .containsOnly(live.family())
                .hasSize(2);
        var last = live;
        assertThat(jwt.refresh(last.refresh(), CLIENT).family()).isEqualTo(live.family());
    }
}
