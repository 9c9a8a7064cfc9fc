package dev.latchkey.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.Intent;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.Throttled;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** TOTP, recovery codes and the second step of sign-in, with their attacks, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class TwoStepTest extends DatabaseTest {
    private static final RequestContext FROM = new RequestContext("203.0.113.4", "Firefox");
    private static final RequestContext ELSEWHERE = new RequestContext("198.51.100.7", "curl");
    private final MutableClock clock = MutableClock.at("2026-06-01T09:00:10Z");
    private Latchkey latchkey;
    private User alice;
    private byte[] key;
    private List<String> recovery;

    TwoStepTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        latchkey = Latchkey.builder(db.database())
                .clock(clock)
                .argon2(new Argon2Settings(1024, 1, 1, 32))
                .instanceSecret(new byte[32])
                .build();
        alice = latchkey.users().create(NewUser.named("alice"), Optional.of("correct horse"));
        var enrolment = latchkey.totp().begin(alice);
        key = Base32.decode(enrolment.secret());
        latchkey.totp().confirm(alice, code(-1));
        recovery = latchkey.recoveryCodes().regenerate(alice.id());
    }

    @AfterEach
    void tearDown() {
        latchkey.close();
    }

    private String code(int stepsFromNow) {
        return Totp.text(key, Totp.step(clock.instant()) + stepsFromNow, 6);
    }

    private String firstStep(RequestContext from) {
        try {
            latchkey.signIn().verify(from, new Credentials.Password("alice", "correct horse"), Intent.of(Intent.JWT));
        } catch (MfaRequired required) {
            assertThat(required.methods()).containsExactly("totp", "recovery");
            return required.token();
        }
        throw new AssertionError("no second step was asked for");
    }

    @Test
    void aRightPasswordAloneIsNotASignInAndTheCodeCompletesItWithItsAmr() {
        var token = firstStep(FROM);
        assertThat(latchkey.users().findById(alice.id()).orElseThrow().lastLogin())
                .isNull();
        var done = latchkey.twoStep().verify(token, "totp", code(0), FROM);
        assertThat(done.authenticated().amr()).containsExactly("pwd", "otp", "mfa");
        assertThat(done.intent().answer()).isEqualTo(Intent.JWT);
        assertThat(latchkey.users().findById(alice.id()).orElseThrow().lastLogin())
                .isEqualTo(clock.instant());
        assertThat(latchkey.audit().findRecentByUser(alice.id(), "mfa_success", 5))
                .hasSize(1);
    }

    @Test
    void theWindowIsOneStepEitherSideAndNoWider() {
        for (int offset : new int[] {-1, 0, 1}) {
            clock.advance(Duration.ofSeconds(90)); // past every step used before
            var token = firstStep(FROM);
            assertThat(latchkey.twoStep()
                            .verify(token, "totp", code(offset), FROM)
                            .authenticated())
                    .isNotNull();
        }
        for (int offset : new int[] {-2, 2}) {
            clock.advance(Duration.ofSeconds(90));
            var token = firstStep(FROM);
            assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", code(offset), FROM))
                    .isInstanceOf(WrongCode.class);
        }
    }

    @Test
    void aCodeWorksOnceAndAnEarlierOneNotAfterIt() {
        clock.advance(Duration.ofSeconds(60));
        var now = code(0);
        var before = code(-1);
        latchkey.twoStep().verify(firstStep(FROM), "totp", now, FROM);
        var again = firstStep(FROM);
        assertThatThrownBy(() -> latchkey.twoStep().verify(again, "totp", now, FROM))
                .isInstanceOf(WrongCode.class);
        assertThatThrownBy(() -> latchkey.twoStep().verify(again, "totp", before, FROM))
                .isInstanceOf(WrongCode.class);
    }

    @Test
    void theConfirmingCodeCannotSignIn() {
        var token = firstStep(FROM);
        assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", code(-1), FROM))
                .isInstanceOf(WrongCode.class);
    }

    @Test
    void malformedCodesAreRefusedAsInput() {
        var token = firstStep(FROM);
        for (var bad : List.of("12345a", "1234567", "١٢٣٤٥٦")) {
            assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", bad, FROM))
                    .isInstanceOf(InvalidInput.class)
                    .hasFieldOrPropertyWithValue("code", "invalid_code");
        }
        assertThat(latchkey.twoStep()
                        .verify(token, "totp", code(0).substring(0, 3) + " " + code(0).substring(3), FROM)
                        .authenticated()
                        .amr())
                .contains("mfa");
    }

    @Test
    void anMfaTokenWorksOnceOnlyFromItsAddressAndOnlyForFiveMinutes() {
        var token = firstStep(FROM);
        assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", code(0), ELSEWHERE))
                .isInstanceOf(InvalidMfaToken.class);
        latchkey.twoStep().verify(token, "totp", code(0), FROM);
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", code(0), FROM))
                .isInstanceOf(InvalidMfaToken.class);
        var late = firstStep(FROM);
        clock.advance(TwoStep.TOKEN_LIFETIME);
        assertThatThrownBy(() -> latchkey.twoStep().verify(late, "totp", code(0), FROM))
                .isInstanceOf(InvalidMfaToken.class);
        assertThatThrownBy(() -> latchkey.twoStep().verify("x".repeat(43), "totp", code(0), FROM))
                .isInstanceOf(InvalidMfaToken.class);
        assertThatThrownBy(() -> latchkey.twoStep().verify(null, "totp", code(0), FROM))
                .isInstanceOf(InvalidMfaToken.class);
    }

    @Test
    void fiveWrongCodesKillTheToken() {
        var token = firstStep(FROM);
        for (int i = 0; i < TwoStep.MAX_ATTEMPTS; i++) {
            assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", wrong(), FROM))
                    .isInstanceOf(WrongCode.class);
        }
        // The fifth failure also blocks alice's proofs from this address (the throttle's 5 per 5 minutes); the token
        // is dead either way: a right code is refused without being checked.
        assertThatThrownBy(() -> latchkey.twoStep().verify(token, "totp", code(0), FROM))
                .isInstanceOfAny(InvalidMfaToken.class, Throttled.class);
        try (var c = db.database().dataSource().getConnection();
                var rows = c.createStatement().executeQuery("SELECT attempts FROM mfa_pending")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(TwoStep.MAX_ATTEMPTS);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private String wrong() {
        var right = code(-1) + code(0) + code(1);
        for (int n = 0; ; n++) {
            var candidate = String.format("%06d", n);
            if (!right.contains(candidate)) {
                return candidate;
            }
        }
    }

    @Test
    void aHundredParallelWrongCodesGetNoMoreChecksThanTheRule() throws Exception {
        var token = firstStep(FROM);
        var checked = new AtomicInteger();
        var outcomes = parallel(100, () -> {
            try {
                latchkey.twoStep().verify(token, "totp", wrong(), FROM);
                return "signed in";
            } catch (WrongCode e) {
                checked.incrementAndGet();
                return "wrong";
            } catch (InvalidMfaToken | Throttled e) {
                return "refused";
            }
        });
        assertThat(outcomes).doesNotContain("signed in");
        assertThat(checked.get()).isLessThanOrEqualTo(TwoStep.MAX_ATTEMPTS);
        assertThat(latchkey.audit().findRecentByUser(alice.id(), "mfa_failure", 200))
                .hasSizeLessThanOrEqualTo(TwoStep.MAX_ATTEMPTS);
    }

    @Test
    void aRecoveryCodeWorksOnceEvenTwiceAtOnce() throws Exception {
        var code = recovery.get(3);
        var tokens = List.of(firstStep(FROM), firstStep(FROM));
        var next = new AtomicInteger();
        var outcomes = parallel(2, () -> {
            try {
                latchkey.twoStep().verify(tokens.get(next.getAndIncrement()), "recovery", code, FROM);
                return "signed in";
            } catch (WrongCode e) {
                return "wrong";
            }
        });
        assertThat(outcomes).containsExactlyInAnyOrder("signed in", "wrong");
        assertThat(latchkey.recoveryCodes().enrolled(alice.id()).get(0).label()).contains("9 left");
        assertThat(latchkey.audit().findRecentByUser(alice.id(), "recovery_code_used", 5))
                .hasSize(1);
    }

    @Test
    void recoveryCodesAreHighEntropyAndTypedLoosely() {
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
        assertThat(recovery).allMatch(c -> c.matches("[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}"));
        var typed = recovery.get(0).toUpperCase(java.util.Locale.ROOT).replace("-", " ");
        var done = latchkey.twoStep().verify(firstStep(FROM), TwoStep.defaultMethod(typed), typed, FROM);
        assertThat(done.authenticated().amr()).containsExactly("pwd", "otp", "mfa");
        var regenerated = latchkey.recoveryCodes().regenerate(alice.id());
        var token = firstStep(FROM);
        assertThatThrownBy(() -> latchkey.twoStep().verify(token, "recovery", recovery.get(1), FROM))
                .isInstanceOf(WrongCode.class);
        assertThat(latchkey.twoStep().verify(token, "recovery", regenerated.get(1), FROM))
                .isNotNull();
    }

    @Test
    void theSecretIsSealedAtRest() throws Exception {
        try (var c = db.database().dataSource().getConnection();
                var rows = c.createStatement().executeQuery("SELECT sealed_secret FROM mfa_totp")) {
            assertThat(rows.next()).isTrue();
            var stored = rows.getString(1);
            assertThat(stored).doesNotContain(Base32.encode(key)).doesNotStartWith("plain:");
        }
        try (var c = db.database().dataSource().getConnection();
                var rows = c.createStatement().executeQuery("SELECT code_hash FROM mfa_recovery_codes")) {
            while (rows.next()) {
                assertThat(rows.getString(1))
                        .hasSize(64)
                        .doesNotContain(recovery.get(0).substring(0, 4));
            }
        }
    }

    @Test
    void aPendingSecretIsReplacedAndAnEnabledOneIsNot() {
        var bob = latchkey.users().create(NewUser.named("bob"), Optional.of("battery staple"));
        var first = latchkey.totp().begin(bob);
        var second = latchkey.totp().begin(bob);
        assertThat(second.secret()).isNotEqualTo(first.secret());
        assertThat(second.otpauthUri()).startsWith("otpauth://totp/latchkey:bob?secret=" + second.secret());
        var firstCode = Totp.text(Base32.decode(first.secret()), Totp.step(clock.instant()), 6);
        var secondCode = Totp.text(Base32.decode(second.secret()), Totp.step(clock.instant()), 6);
        if (!firstCode.equals(secondCode)) {
            assertThatThrownBy(() -> latchkey.totp().confirm(bob, firstCode)).isInstanceOf(InvalidInput.class);
        }
        latchkey.totp().confirm(bob, secondCode);
        assertThatThrownBy(() -> latchkey.totp().begin(bob)).hasFieldOrPropertyWithValue("code", "totp_enabled");
        assertThat(latchkey.twoStep().methods(bob.id())).containsExactly("totp");
    }

    @Test
    void theStaffPolicyAsksStaffWithoutAFactorToEnrolOnly() {
        latchkey.twoStep().settings(new MfaSettings(MfaPolicy.STAFF, false));
        var carol = latchkey.users().create(new NewUser("carol", "", true, false), Optional.of("hunter two two"));
        latchkey.users().create(NewUser.named("dave"), Optional.of("hunter three three"));
        var required = org.assertj.core.api.Assertions.catchThrowableOfType(
                MfaEnrollmentRequired.class,
                () -> latchkey.signIn()
                        .verify(FROM, new Credentials.Password("carol", "hunter two two"), Intent.of(Intent.JWT)));
        assertThat(latchkey.twoStep().enrolling(required.token(), FROM).id()).isEqualTo(carol.id());
        assertThatThrownBy(() -> latchkey.twoStep().verify(required.token(), "totp", "123456", FROM))
                .isInstanceOf(InvalidMfaToken.class);
        assertThatThrownBy(() -> latchkey.twoStep().enrolling(required.token(), ELSEWHERE))
                .isInstanceOf(InvalidMfaToken.class);
        assertThat(latchkey.signIn()
                        .verify(FROM, new Credentials.Password("dave", "hunter three three"), Intent.of(Intent.JWT))
                        .amr())
                .containsExactly("pwd");
    }

    @Test
    void aPasswordResetKeepsTheSecondFactor() {
        latchkey.users().setPassword("alice", "a brand new password");
        assertThatThrownBy(() -> latchkey.signIn()
                        .verify(FROM, new Credentials.Password("alice", "a brand new password"), Intent.of(Intent.JWT)))
                .isInstanceOf(MfaRequired.class);
    }

    @Test
    void theIntentsDetailsComeBackAfterTheSecondStep() {
        String token;
        try {
            latchkey.signIn()
                    .verify(
                            FROM,
                            new Credentials.Password("alice", "correct horse"),
                            new Intent(Intent.TOKEN, Map.of("name", "ci", "expires", "3600")));
            throw new AssertionError("no second step");
        } catch (MfaRequired required) {
            token = required.token();
        }
        var done = latchkey.twoStep().verify(token, "totp", code(0), FROM);
        assertThat(done.intent()).isEqualTo(new Intent(Intent.TOKEN, Map.of("name", "ci", "expires", "3600")));
    }

    private static List<String> parallel(int n, Callable<String> task) throws Exception {
        var pool = Executors.newFixedThreadPool(Math.min(n, 32));
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            var out = new ArrayList<String>();
            for (var f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
