package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.EmailNotVerified;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.Throttled;
import dev.latchkey.mail.SmtpTransport;
import dev.latchkey.mail.SmtpUrl;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.request.Language;
import dev.latchkey.request.RequestContext;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.Mailbox;
import dev.latchkey.testing.ManualScheduler;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every account flow against a real SMTP server (GreenMail) and a real database, SQLite and PostgreSQL: the links
 * used are the ones in the mails that arrived. Time is a clock the test moves; background work runs when the test
 * ticks the scheduler.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class AccountsTest extends DatabaseTest {
    private static final RequestContext CLIENT = new RequestContext("192.0.2.10", "test");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String NEW_PASSWORD = "purple elephants juggle quietly";
    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private ManualScheduler scheduler = new ManualScheduler();
    private Mailbox mailbox;
    private Latchkey latchkey;
    private Accounts accounts;

    AccountsTest(TestDatabase.Kind kind) {
        super(kind);
    }

    @BeforeEach
    void setUp() {
        mailbox = Mailbox.open();
        latchkey = open(SignUpMode.OPEN, EmailVerification.REQUIRED);
    }

    private Latchkey open(SignUpMode mode, EmailVerification verification) {
        return open(db.database(), mode, verification);
    }

    /** Another instance on the same database, as after a restart; the earlier one's background work stops. */
    private void restart(dev.latchkey.store.Database database, SignUpMode mode, EmailVerification verification) {
        scheduler = new ManualScheduler();
        latchkey = open(database, mode, verification);
    }

    private Latchkey open(dev.latchkey.store.Database database, SignUpMode mode, EmailVerification verification) {
        var built = Latchkey.builder(database)
                .argon2(new Argon2Settings(1024, 1, 1, 32))
                .clock(clock)
                .scheduler(scheduler)
                .instanceSecret(new byte[32])
                .mail(
                        new SmtpTransport(
                                SmtpUrl.parse(mailbox.url()),
                                "latchkey@auth.example.test",
                                Duration.ofSeconds(5),
                                clock),
                        Duration.ofSeconds(30))
                .accounts(new AccountSettings(
                        mode,
                        verification,
                        Duration.ofMinutes(30),
                        Duration.ofDays(3),
                        Duration.ofDays(7),
                        URI.create("https://auth.example.test")))
                .build();
        accounts = built.accounts();
        return built;
    }

    @AfterEach
    void tearDown() {
        mailbox.close();
    }

    /** Runs the background work (requests by address, then the outbox) as the scheduler would. */
    private void background() {
        scheduler.tick();
        scheduler.tick();
    }

    private void signUp(String username, String email) {
        accounts.signUps().signUp(new SignUps.Form(username, email, PASSWORD), CLIENT, Language.EN);
        background();
    }

    private void signIn(String username, String password) {
        latchkey.signIn().withSession(CLIENT, new Credentials.Password(username, password), null);
    }

    @Test
    void aSignUpMustConfirmItsEmailBeforeItSignsInAndTheMailsLinkConfirmsIt() {
        var result =
                accounts.signUps().signUp(new SignUps.Form("ana", "ana@example.org", PASSWORD), CLIENT, Language.EN);
        assertThat(result.mustVerify()).isTrue();
        background();
        var mail = mailbox.to("ana@example.org");
        assertThat(mail).hasSize(1);
        assertThat(mail.get(0).subject()).isEqualTo("Confirm your email address");
        assertThat(mail.get(0).link()).startsWith("https://auth.example.test/verify-email/");
        assertThat(mail.get(0).html()).contains("href=\"https://auth.example.test/verify-email/");

        assertThatThrownBy(() -> signIn("ana", PASSWORD)).isInstanceOf(EmailNotVerified.class);
        // A wrong password is told only that: nothing about verification before the password was right.
        assertThatThrownBy(() -> signIn("ana", "not the password at all")).isInstanceOf(AuthenticationDenied.class);

        var token = mail.get(0).token();
        assertThat(accounts.emailAddresses().check(token))
                .isEqualTo(new EmailAddresses.Pending("ana", "ana@example.org"));
        var user = accounts.emailAddresses().confirm(token, CLIENT);
        assertThat(user.emailVerified()).isTrue();
        assertThat(user.emailVerifiedAt()).isEqualTo(clock.instant());
        signIn("ana", PASSWORD);
        // Single use.
        assertThatThrownBy(() -> accounts.emailAddresses().confirm(token, CLIENT))
                .isInstanceOf(InvalidInput.class)
                .hasFieldOrPropertyWithValue("code", "invalid_token");
    }

    @Test
    void anEmailInUseGetsTheSameAnswerAsANewOneAndItsOwnerIsTold() {
        signUp("ana", "ana@example.org");
        accounts.emailAddresses().confirm(mailbox.to("ana@example.org").get(0).token(), CLIENT);
        var fresh =
                accounts.signUps().signUp(new SignUps.Form("bea", "bea@example.org", PASSWORD), CLIENT, Language.EN);
        var taken =
                accounts.signUps().signUp(new SignUps.Form("eve", "Ana@example.org", PASSWORD), CLIENT, Language.KO);
        assertThat(taken.mustVerify()).isEqualTo(fresh.mustVerify());
        background();
        var toAna = mailbox.to("ana@example.org");
        assertThat(toAna).hasSize(2);
        assertThat(toAna.get(1).subject()).isEqualTo("누군가 이 이메일 주소로 가입하려고 했습니다");
        // eve's account exists (its name is taken either way) but has no link, and cannot sign in.
        assertThatThrownBy(() -> accounts.signUps()
                        .signUp(new SignUps.Form("eve", "x@example.org", PASSWORD), CLIENT, Language.EN))
                .isInstanceOf(Conflict.class);
        assertThatThrownBy(() -> signIn("eve", PASSWORD)).isInstanceOf(EmailNotVerified.class);
    }

    /**
     * Somebody signs up first with ana's address: that squat owns nothing. Ana's own sign-up gets its own link, and a
     * resend by address sends a link for each waiting account, each naming it, so ana confirms her own.
     */
    @Test
    void anUnconfirmedSignUpDoesNotOwnTheAddressItSquats() {
        signUp("mallory", "ana@example.org");
        signUp("ana", "ana@example.org");
        var mails = mailbox.to("ana@example.org");
        assertThat(mails).extracting(Mailbox.Received::subject).containsOnly("Confirm your email address");
        assertThat(mails.get(1).text()).contains("Hello ana,");
        assertThat(accounts.emailAddresses().check(mails.get(1).token()).username())
                .isEqualTo("ana");
        accounts.emailAddresses().resend("ana@example.org", new RequestContext("192.0.2.12", ""), Language.EN);
        background();
        var resent = mailbox.to("ana@example.org").subList(2, 4);
        assertThat(resent)
                .extracting(m -> m.text().lines().findFirst().orElseThrow())
                .containsExactlyInAnyOrder("Hello ana,", "Hello mallory,");
        var anas = resent.stream()
                .filter(m -> m.text().startsWith("Hello ana,"))
                .findFirst()
                .orElseThrow();
        assertThat(accounts.emailAddresses().confirm(anas.token(), CLIENT).username())
                .isEqualTo("ana");
        signIn("ana", PASSWORD);
        assertThatThrownBy(() -> signIn("mallory", PASSWORD)).isInstanceOf(EmailNotVerified.class);
    }

    @Test
    void anAddressWithADisplayNameOrCommentIsRefusedSinceItWouldMailSomeoneElse() {
        for (var disguised : List.of(
                "x<ana@example.org>",
                "(x)ana@example.org",
                "ana@example.org(x)",
                "=?utf-8?q?x?=<ana@example.org>",
                "a,b@example.org",
                "ana@@example.org",
                "ana@example..org",
                "\"a b\"@example.org")) {
            assertThatThrownBy(() ->
                            accounts.signUps().signUp(new SignUps.Form("x", disguised, PASSWORD), CLIENT, Language.EN))
                    .as(disguised)
                    .hasFieldOrPropertyWithValue("code", "invalid_email");
            assertThatThrownBy(() -> accounts.passwordResets().request(disguised, CLIENT, Language.EN))
                    .as(disguised)
                    .hasFieldOrPropertyWithValue("code", "invalid_email");
        }
    }

    @Test
    void aSocialOnlyAccountGetsNoResetLink() {
        latchkey.users().create(new NewUser("sol", "sol@example.org", false, false), Optional.empty());
        accounts.passwordResets().request("sol@example.org", CLIENT, Language.EN);
        background();
        assertThat(mailbox.received()).isEmpty();
    }

    @Test
    void weakPasswordsAreRefusedNamingTheField() {
        for (var weak : List.of("password", "12345678", "ana@example.org", "anaana123", "qwertyuiop")) {
            assertThatThrownBy(() -> accounts.signUps()
                            .signUp(new SignUps.Form("ana", "ana@example.org", weak), CLIENT, Language.EN))
                    .as(weak)
                    .isInstanceOf(InvalidInput.class)
                    .hasFieldOrPropertyWithValue("code", "invalid_password");
        }
        assertThatThrownBy(() -> accounts.signUps()
                        .signUp(new SignUps.Form("ana", "ana@example.org", "x".repeat(4097)), CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "invalid_password");
    }

    @Test
    void controlCharactersAndHugeAddressesNeverReachAMail() {
        for (var hostile : List.of(
                "ana@example.org\r\nBcc: all@example.org",
                "ana@example.org\nSubject: x",
                "a\u0000@example.org",
                "a".repeat(10_000) + "@x.org")) {
            assertThatThrownBy(() ->
                            accounts.signUps().signUp(new SignUps.Form("ana", hostile, PASSWORD), CLIENT, Language.EN))
                    .isInstanceOf(InvalidInput.class)
                    .hasFieldOrPropertyWithValue("code", "invalid_email");
            assertThatThrownBy(() -> accounts.passwordResets().request(hostile, CLIENT, Language.EN))
                    .isInstanceOf(InvalidInput.class);
        }
        background();
        assertThat(mailbox.received()).isEmpty();
    }

    @Test
    void aUnicodeAddressGetsItsMail() {
        signUp("jisoo", "지수@example.org");
        assertThat(mailbox.received()).hasSize(1);
        assertThat(mailbox.received().get(0).to()).isEqualTo("지수@example.org");
    }

    @Test
    void aResetMailsOnlyAddressesWithAccountsAndTheLinkSetsThePasswordOnceAndEndsEverything() {
        var ana = latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        var session = latchkey.signIn().withSession(CLIENT, new Credentials.Password("ana", PASSWORD), null);
        var apiToken = latchkey.apiTokens().create(ana.id(), "cli", Optional.empty());
        accounts.passwordResets().request("ana@example.org", CLIENT, Language.EN);
        accounts.passwordResets().request("nobody@example.org", CLIENT, Language.EN);
        background();
        assertThat(mailbox.received()).extracting(Mailbox.Received::to).containsExactly("ana@example.org");
        var link = mailbox.received().get(0).link();
        assertThat(link).startsWith("https://auth.example.test/password/reset/");
        var token = mailbox.received().get(0).token();

        assertThat(accounts.passwordResets().check(token).username()).isEqualTo("ana");
        accounts.passwordResets().confirm(token, NEW_PASSWORD, CLIENT, Language.EN);
        assertThatThrownBy(() -> signIn("ana", PASSWORD)).isInstanceOf(AuthenticationDenied.class);
        signIn("ana", NEW_PASSWORD);
        assertThat(latchkey.sessions().find(session.session().id())).isEmpty();
        assertThat(latchkey.apiTokens().find(apiToken.key())).isEmpty();
        assertThatThrownBy(
                        () -> accounts.passwordResets().confirm(token, "another fine passphrase", CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "invalid_token");
        background();
        assertThat(mailbox.to("ana@example.org"))
                .extracting(Mailbox.Received::subject)
                .containsExactly("Reset your password", "Your password was changed");
    }

    @Test
    void resetLinksExpireAndDieWhenThePasswordOrEmailChangesAndAtMostThreeAreOutstanding() {
        latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        for (int i = 0; i < 3; i++) {
            accounts.passwordResets()
                    .request("ana@example.org", new RequestContext("192.0.2." + (20 + i), ""), Language.EN);
            background();
        }
        var tokens = mailbox.received().stream().map(Mailbox.Received::token).toList();
        assertThat(tokens).hasSize(3).doesNotHaveDuplicates();
        clock.advance(Duration.ofMinutes(31));
        assertThatThrownBy(() -> accounts.passwordResets().check(tokens.get(2)))
                .hasFieldOrPropertyWithValue("code", "invalid_token");

        clock.advance(Duration.ofMinutes(16)); // the per-email limit's window has passed
        for (int i = 0; i < 3; i++) {
            accounts.passwordResets()
                    .request("ana@example.org", new RequestContext("192.0.2." + (30 + i), ""), Language.EN);
            background();
        }
        accounts.passwordResets().request("ana@example.org", new RequestContext("192.0.2.40", ""), Language.EN);
        background();
        assertThat(mailbox.received())
                .as("a fourth within the window mails nothing")
                .hasSize(6);
        var fresh = mailbox.received().subList(3, 6).stream()
                .map(Mailbox.Received::token)
                .toList();
        latchkey.users().setPassword("ana", NEW_PASSWORD);
        for (var token : fresh) {
            assertThatThrownBy(() -> accounts.passwordResets().check(token))
                    .hasFieldOrPropertyWithValue("code", "invalid_token");
        }
    }

    @Test
    void aBurstOfResetRequestsForOneAddressSendsThreeMailsWhateverTheAddressesAskingAre() {
        latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        // Past the address's budget the answer stays the same (no 429 that would let anyone block ana's resets)
        // and nothing more is mailed.
        for (int i = 0; i < 50; i++) {
            accounts.passwordResets()
                    .request("ANA@example.org", new RequestContext("198.51.100." + i, ""), Language.EN);
        }
        background();
        assertThat(mailbox.received()).hasSize(3);
        // One client address asking for many addresses is refused after ten, known or not.
        int throttled = 0;
        for (int i = 0; i < 20; i++) {
            try {
                accounts.passwordResets()
                        .request("someone" + i + "@example.org", new RequestContext("203.0.113.9", ""), Language.EN);
            } catch (Throttled e) {
                throttled++;
            }
        }
        assertThat(throttled).isEqualTo(10);
    }

    @Test
    void eightConfirmationsOfOneResetLinkAtOnceSetThePasswordOnce() throws Exception {
        latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        accounts.passwordResets().request("ana@example.org", CLIENT, Language.EN);
        background();
        var token = mailbox.received().get(0).token();
        var pool = Executors.newFixedThreadPool(8);
        var start = new CountDownLatch(1);
        var outcomes = Collections.synchronizedList(new ArrayList<String>());
        var futures = new ArrayList<java.util.concurrent.Future<Object>>();
        for (int i = 0; i < 8; i++) {
            var password = "racing password number " + i + " wins";
            futures.add(pool.submit(() -> {
                try {
                    start.await();
                    accounts.passwordResets().confirm(token, password, CLIENT, Language.EN);
                    outcomes.add("ok:" + password);
                } catch (InvalidInput e) {
                    outcomes.add(e.code());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (var future : futures) {
            future.get();
        }
        assertThat(outcomes).hasSize(8);
        var winners = outcomes.stream().filter(o -> o.startsWith("ok:")).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes.stream().filter(o -> o.equals("invalid_token"))).hasSize(7);
        signIn("ana", winners.get(0).substring(3));
    }

    @Test
    void tokensOfOnePurposeOrAlteredOrTruncatedNeverWork() {
        latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        signUp("bea", "bea@example.org");
        var verifyToken = mailbox.to("bea@example.org").get(0).token();
        assertThatThrownBy(() -> accounts.passwordResets().check(verifyToken))
                .hasFieldOrPropertyWithValue("code", "invalid_token");
        accounts.passwordResets().request("ana@example.org", CLIENT, Language.EN);
        background();
        var reset = mailbox.to("ana@example.org").get(0).token();
        assertThatThrownBy(() -> accounts.emailAddresses().confirm(reset, CLIENT))
                .hasFieldOrPropertyWithValue("code", "invalid_token");
        var altered = (reset.charAt(0) == 'A' ? 'B' : 'A') + reset.substring(1);
        for (var bad : List.of(
                altered, reset.substring(0, 42), reset + "A", "", "../../etc/passwd", reset.substring(0, 42) + "+")) {
            assertThatThrownBy(() -> accounts.passwordResets().check(bad))
                    .as(bad)
                    .hasFieldOrPropertyWithValue("code", "invalid_token");
        }
    }

    @Test
    void aResetForAnInactiveUserMailsNothing() {
        latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        accounts.passwordResets().request("ana@example.org", CLIENT, Language.EN);
        latchkey.users().deactivate("ana");
        background();
        assertThat(mailbox.received()).isEmpty();
    }

    @Test
    void anEmailChangeTakesEffectWhenConfirmedFromTheNewAddressAndTheOldOneIsTold() {
        var ana = latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        assertThatThrownBy(() -> accounts.emailAddresses()
                        .requestChange(ana, "new@example.org", "wrong password!", CLIENT, Language.EN))
                .isInstanceOf(AuthenticationDenied.class);
        accounts.emailAddresses().requestChange(ana, "new@example.org", PASSWORD, CLIENT, Language.EN);
        background();
        assertThat(latchkey.users().find("ana").orElseThrow().email()).isEqualTo("ana@example.org");
        assertThat(mailbox.to("ana@example.org"))
                .extracting(Mailbox.Received::subject)
                .containsExactly("The email address of your account is being changed");
        var confirm = mailbox.to("new@example.org").get(0).token();
        var changed = accounts.emailAddresses().confirm(confirm, CLIENT);
        assertThat(changed.email()).isEqualTo("new@example.org");
        assertThat(changed.emailVerified()).isTrue();
    }

    @Test
    void anEmailChangeLinkDiesWhenThePasswordChanges() {
        var ana = latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        accounts.emailAddresses().requestChange(ana, "new@example.org", PASSWORD, CLIENT, Language.EN);
        background();
        var confirm = mailbox.to("new@example.org").get(0).token();
        accounts.passwordChanges().change(ana, PASSWORD, NEW_PASSWORD, CLIENT, Language.EN);
        assertThatThrownBy(() -> accounts.emailAddresses().confirm(confirm, CLIENT))
                .hasFieldOrPropertyWithValue("code", "invalid_token");
    }

    @Test
    void aPasswordChangeChecksTheCurrentOneEndsSessionsAndMails() {
        var ana = latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        var session = latchkey.signIn().withSession(CLIENT, new Credentials.Password("ana", PASSWORD), null);
        assertThatThrownBy(() ->
                        accounts.passwordChanges().change(ana, "wrong password!", NEW_PASSWORD, CLIENT, Language.EN))
                .isInstanceOf(AuthenticationDenied.class);
        assertThatThrownBy(() -> accounts.passwordChanges().change(ana, PASSWORD, "password1", CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "invalid_password");
        accounts.passwordChanges().change(ana, PASSWORD, NEW_PASSWORD, CLIENT, Language.EN);
        assertThat(latchkey.sessions().find(session.session().id())).isEmpty();
        signIn("ana", NEW_PASSWORD);
        background();
        assertThat(mailbox.to("ana@example.org"))
                .extracting(Mailbox.Received::subject)
                .containsExactly("Your password was changed");
    }

    @Test
    void theCurrentPasswordOfAChangeIsThrottledLikeASignIn() {
        var ana = latchkey.users().create(new NewUser("ana", "ana@example.org", false, false), Optional.of(PASSWORD));
        int denied = 0;
        int throttled = 0;
        for (int i = 0; i < 30; i++) {
            try {
                accounts.passwordChanges().change(ana, "guess number " + i, NEW_PASSWORD, CLIENT, Language.EN);
            } catch (AuthenticationDenied e) {
                denied++;
            } catch (Throttled e) {
                throttled++;
            }
        }
        assertThat(denied).isLessThanOrEqualTo(10);
        assertThat(throttled).isEqualTo(30 - denied);
    }

    @Test
    void anInvitationMakesAStaffAccountWithAVerifiedEmailOnce() {
        restart(db.database(), SignUpMode.INVITE, EmailVerification.REQUIRED);
        assertThatThrownBy(() -> accounts.signUps()
                        .signUp(new SignUps.Form("x", "x@example.org", PASSWORD), CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "invitation_required");
        accounts.signUps().invite("new@example.org", true, null, CLIENT, Language.EN);
        background();
        var token = mailbox.to("new@example.org").get(0).token();
        assertThat(mailbox.to("new@example.org").get(0).link()).startsWith("https://auth.example.test/signup/");
        assertThat(accounts.signUps().invitation(token).email()).isEqualTo("new@example.org");
        accounts.signUps().acceptInvitation(token, new SignUps.Form("newbie", "ignored@example.org", PASSWORD), CLIENT);
        var made = latchkey.users().find("newbie").orElseThrow();
        assertThat(made.email()).isEqualTo("new@example.org");
        assertThat(made.emailVerified()).isTrue();
        assertThat(made.staff()).isTrue();
        signIn("newbie", PASSWORD);
        assertThatThrownBy(() ->
                        accounts.signUps().acceptInvitation(token, new SignUps.Form("second", "", PASSWORD), CLIENT))
                .hasFieldOrPropertyWithValue("code", "invalid_token");
    }

    @Test
    void closedSignUpRefusesEveryone() {
        restart(db.database(), SignUpMode.CLOSED, EmailVerification.OPTIONAL);
        assertThatThrownBy(() -> accounts.signUps()
                        .signUp(new SignUps.Form("x", "x@example.org", PASSWORD), CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "signup_closed");
        assertThatThrownBy(() -> accounts.signUps().invite("x@example.org", false, null, CLIENT, Language.EN))
                .hasFieldOrPropertyWithValue("code", "signup_closed");
    }

    @Test
    void withSmtpDownTheMailWaitsAndArrivesWhenItIsBackEvenAfterARestart() {
        mailbox.stop();
        signUp("ana", "ana@example.org");
        assertThat(latchkey.outbox().countQueued()).isEqualTo(1);
        // A restart of latchkey while SMTP is away: the mail is in the database, not in memory.
        latchkey.close();
        var reopened = dev.latchkey.store.Database.open(db.url());
        restart(reopened, SignUpMode.OPEN, EmailVerification.REQUIRED);
        mailbox.start();
        background();
        assertThat(mailbox.received()).isEmpty(); // the retry is not due yet
        clock.advance(Duration.ofSeconds(31));
        background();
        assertThat(mailbox.received()).hasSize(1);
        assertThat(latchkey.outbox().countQueued()).isZero();
        assertThat(latchkey.meters().counter("latchkey.mail.sent").count()).isEqualTo(1);
        latchkey.close();
    }
}
