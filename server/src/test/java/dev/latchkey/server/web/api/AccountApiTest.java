package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.Mailbox;
import dev.latchkey.user.NewUser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account flows over real HTTPS with a JSON client, mail through a real SMTP server (GreenMail) sent by the
 * background sender, and the links used as they arrived.
 */
class AccountApiTest {
    private static final String STRONG = "correct horse battery staple";
    private static final String STRONGER = "purple elephants juggle quietly";

    @TempDir
    static Path dir;

    private static Mailbox mailbox;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        mailbox = Mailbox.open();
        server = TestServer.openSignUp(dir, mailbox);
    }

    @AfterAll
    static void stop() {
        server.close();
        mailbox.close();
    }

    /** A client that comes through the trusted proxy from an address of its own, so limits per address stay apart. */
    private static String[] from(String ip, String... more) {
        var headers = new ArrayList<String>(List.of("X-Forwarded-For", ip));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    private static Mailbox.Received mailTo(String address, int count) {
        return mailbox.awaitTo(address, count);
    }

    private static String signUpBody(String username, String email) {
        return "{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"password\":\"" + STRONG + "\"}";
    }

    @Test
    void signUpVerifyFromTheMailThenSignIn() {
        var client = server.client();
        var signedUp = client.postJson("/api/signup", signUpBody("nina", "nina@example.org"), from("198.51.100.1"));
        assertThat(signedUp.statusCode()).isEqualTo(202);
        assertThat(signedUp.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(signedUp.body()).contains("\"status\":\"verification_required\"");

        var early = client.postJson("/api/session", "{\"username\":\"nina\",\"password\":\"" + STRONG + "\"}");
        assertThat(early.statusCode()).isEqualTo(403);
        assertThat(early.body()).startsWith("{\"error\":\"email_not_verified\"");
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");
        var jwt = client.postJson("/api/jwt", "{\"username\":\"nina\",\"password\":\"" + STRONG + "\"}");
        assertThat(jwt.statusCode()).isEqualTo(403);

        var mail = mailTo("nina@example.org", 1);
        assertThat(mail.link()).startsWith(server.base().toString().replaceAll("/$", "") + "/verify-email/");
        var verified = client.postJson("/api/email/verify", "{\"token\":\"" + mail.token() + "\"}");
        assertThat(verified.statusCode()).isEqualTo(204);
        var again = client.postJson("/api/email/verify", "{\"token\":\"" + mail.token() + "\"}");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).startsWith("{\"error\":\"invalid_token\"");

        var signedIn = client.postJson("/api/session", "{\"username\":\"nina\",\"password\":\"" + STRONG + "\"}");
        assertThat(signedIn.statusCode()).isEqualTo(200);
    }

    @Test
    void aSignUpWithAnEmailInUseAnswersExactlyAsANewOneDoes() {
        server.latchkey().users().create(new NewUser("olga", "olga@example.org", false, false), Optional.of(STRONG));
        var fresh = server.client().postJson("/api/signup", signUpBody("pia", "pia@example.org"), from("198.51.100.2"));
        var taken =
                server.client().postJson("/api/signup", signUpBody("pia2", "olga@example.org"), from("198.51.100.3"));
        assertThat(taken.statusCode()).isEqualTo(fresh.statusCode());
        assertThat(taken.body()).isEqualTo(fresh.body());
        assertThat(mailTo("olga@example.org", 1).subject())
                .isEqualTo("Someone tried to sign up with your email address");
        var name = server.client().postJson("/api/signup", signUpBody("pia", "q@example.org"), from("198.51.100.4"));
        assertThat(name.statusCode()).as("a taken username may say so").isEqualTo(409);
        assertThat(name.body()).startsWith("{\"error\":\"username_taken\"");
    }

    @Test
    void weakAndMalformedSignUpsAreRefusedNamingTheField() {
        var client = server.client();
        var weak = client.postJson(
                "/api/signup",
                "{\"username\":\"quinn\",\"email\":\"quinn@example.org\",\"password\":\"password1\"}",
                from("198.51.100.5"));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).startsWith("{\"error\":\"invalid_password\",\"detail\":");
        var crlf = client.postJson(
                "/api/signup",
                "{\"username\":\"quinn\",\"email\":\"q@example.org\\r\\nBcc: x@example.org\",\"password\":\"" + STRONG
                        + "\"}",
                from("198.51.100.5"));
        assertThat(crlf.statusCode()).isEqualTo(400);
        assertThat(crlf.body()).startsWith("{\"error\":\"invalid_email\"");
        var types = client.postJson("/api/signup", "{\"username\":1,\"password\":[]}", from("198.51.100.5"));
        assertThat(types.statusCode()).isEqualTo(400);
        assertThat(types.body()).startsWith("{\"error\":\"invalid_field\"");
        var missing = client.postJson("/api/signup", "{}", from("198.51.100.5"));
        assertThat(missing.body()).startsWith("{\"error\":\"missing_field\"");
        var huge = client.postJson(
                "/api/signup",
                "{\"username\":\"q\",\"email\":\"" + "e".repeat(10_000) + "@x.org\",\"password\":\"" + STRONG + "\"}",
                from("198.51.100.5"));
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).startsWith("{\"error\":\"invalid_email\"");
    }

    @Test
    void forgotThenResetByTheMailedLinkEndsEverySessionAndDoesNotSignIn() {
        server.latchkey().users().create(new NewUser("rosa", "rosa@example.org", false, false), Optional.of(STRONG));
        var old = server.client();
        assertThat(old.postJson("/api/session", "{\"username\":\"rosa\",\"password\":\"" + STRONG + "\"}")
                        .statusCode())
                .isEqualTo(200);

        var known = server.client()
                .postJson("/api/password/reset", "{\"email\":\"rosa@example.org\"}", from("198.51.100.6"));
        var unknown = server.client()
                .postJson("/api/password/reset", "{\"email\":\"nobody@example.org\"}", from("198.51.100.7"));
        assertThat(known.statusCode()).isEqualTo(202);
        assertThat(unknown.statusCode()).isEqualTo(202);
        assertThat(unknown.body()).isEqualTo(known.body());

        var mail = mailTo("rosa@example.org", 1);
        assertThat(mail.link()).contains("/password/reset/");
        var client = server.client();
        var weak = client.postJson(
                "/api/password/reset/confirm", "{\"token\":\"" + mail.token() + "\",\"password\":\"rosarosa\"}");
        assertThat(weak.body()).startsWith("{\"error\":\"invalid_password\"");
        var reset = client.postJson(
                "/api/password/reset/confirm",
                "{\"token\":\"" + mail.token() + "\",\"password\":\"" + STRONGER + "\"}");
        assertThat(reset.statusCode()).isEqualTo(204);
        assertThat(client.cookies).as("a reset does not sign in").doesNotContainKey("__Host-lk_session");
        assertThat(old.get("/api/me").statusCode()).as("the old session ended").isEqualTo(401);
        var replay = client.postJson(
                "/api/password/reset/confirm", "{\"token\":\"" + mail.token() + "\",\"password\":\"" + STRONG + "\"}");
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).startsWith("{\"error\":\"invalid_token\"");
        assertThat(mailTo("rosa@example.org", 2).subject()).isEqualTo("Your password was changed");
        assertThat(client.postJson("/api/session", "{\"username\":\"rosa\",\"password\":\"" + STRONGER + "\"}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void truncatedAlteredAndForeignTokensAllGetTheOneAnswer() {
        var client = server.client();
        for (var token :
                List.of("", "A", "A".repeat(42), "A".repeat(43), "A".repeat(44), "%2e%2e%2f", "A".repeat(10_000))) {
            var reset = client.postJson(
                    "/api/password/reset/confirm", "{\"token\":\"" + token + "\",\"password\":\"" + STRONG + "\"}");
            assertThat(reset.statusCode()).as(token).isEqualTo(400);
            assertThat(reset.body()).as(token).startsWith("{\"error\":\"invalid_token\"");
            var verify = client.postJson("/api/email/verify", "{\"token\":\"" + token + "\"}");
            assertThat(verify.body()).as(token).startsWith("{\"error\":\"invalid_token\"");
        }
        var typed = client.postJson("/api/password/reset/confirm", "{\"token\":7,\"password\":true}");
        assertThat(typed.body()).startsWith("{\"error\":\"invalid_field\"");
    }

    @Test
    void aPasswordChangeByCookieKeepsThisBrowserSignedInWithANewSessionAndEndsTheOthers() {
        server.latchkey().users().create(new NewUser("sara", "sara@example.org", false, false), Optional.of(STRONG));
        var here = server.client();
        var csrf = signIn(here, "sara", STRONG);
        var elsewhere = server.client();
        signIn(elsewhere, "sara", STRONG);
        var before = here.cookies.get("__Host-lk_session");

        var noCsrf = here.postJson(
                "/api/password/change",
                "{\"current_password\":\"" + STRONG + "\",\"new_password\":\"" + STRONGER + "\"}");
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        var wrong = here.postJson(
                "/api/password/change",
                "{\"current_password\":\"not it at all\",\"new_password\":\"" + STRONGER + "\"}",
                "X-CSRF-Token",
                csrf);
        assertThat(wrong.statusCode()).isEqualTo(401);
        var changed = here.postJson(
                "/api/password/change",
                "{\"current_password\":\"" + STRONG + "\",\"new_password\":\"" + STRONGER + "\"}",
                "X-CSRF-Token",
                csrf);
        assertThat(changed.statusCode()).isEqualTo(204);
        assertThat(changed.headers().firstValue("x-csrf-token")).isPresent();
        assertThat(here.cookies.get("__Host-lk_session")).isNotEqualTo(before);
        assertThat(here.get("/api/me").statusCode()).isEqualTo(200);
        assertThat(elsewhere.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(mailTo("sara@example.org", 1).subject()).isEqualTo("Your password was changed");
    }

    @Test
    void anEmailChangeByBearerTokenTakesEffectFromTheNewAddress() {
        var user = server.latchkey()
                .users()
                .create(new NewUser("tara", "tara@example.org", false, false), Optional.of(STRONG));
        var key = server.latchkey()
                .apiTokens()
                .createByOperator(user.id(), "app", Optional.empty())
                .key();
        var client = server.client();
        var asked = client.postJson(
                "/api/email/change",
                "{\"email\":\"tara@new.example.org\",\"current_password\":\"" + STRONG + "\"}",
                "Authorization",
                "Token " + key);
        assertThat(asked.statusCode()).isEqualTo(202);
        assertThat(mailTo("tara@example.org", 1).subject())
                .isEqualTo("The email address of your account is being changed");
        var confirm = mailTo("tara@new.example.org", 1);
        assertThat(client.postJson("/api/email/verify", "{\"token\":\"" + confirm.token() + "\"}")
                        .statusCode())
                .isEqualTo(204);
        var me = client.get("/api/me", "Authorization", "Token " + key);
        assertThat(me.body()).contains("\"email\":\"tara@new.example.org\"").contains("\"email_verified\":true");
        var forward = client.get("/auth/verify", "Authorization", "Token " + key);
        assertThat(forward.headers().firstValue("x-auth-email-verified")).hasValue("true");
    }

    @Test
    void onlyStaffInviteAndOnlySuperusersInviteStaff() {
        var client = server.client();
        var anonymous = client.postJson("/api/invitations", "{\"email\":\"x@example.org\"}");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        var alice = client.signIn();
        var notStaff = client.postJson("/api/invitations", "{\"email\":\"x@example.org\"}", "X-CSRF-Token", alice);
        assertThat(notStaff.statusCode()).isEqualTo(403);
        var staff = server.latchkey()
                .users()
                .create(new NewUser("uma", "uma@example.org", true, false), Optional.of(STRONG));
        var key = server.latchkey()
                .apiTokens()
                .createByOperator(staff.id(), "ops", Optional.empty())
                .key();
        var invited =
                client.postJson("/api/invitations", "{\"email\":\"vic@example.org\"}", "Authorization", "Token " + key);
        assertThat(invited.statusCode()).isEqualTo(202);
        var staffInvite = client.postJson(
                "/api/invitations", "{\"email\":\"w@example.org\",\"staff\":true}", "Authorization", "Token " + key);
        assertThat(staffInvite.statusCode()).isEqualTo(403);
        var mail = mailTo("vic@example.org", 1);
        assertThat(mail.link()).contains("/signup/");
        var made = server.client()
                .postJson(
                        "/api/signup",
                        "{\"username\":\"vic\",\"password\":\"" + STRONG + "\",\"invitation\":\"" + mail.token()
                                + "\"}",
                        from("198.51.100.8"));
        assertThat(made.statusCode()).isEqualTo(201);
        assertThat(server.latchkey().users().find("vic").orElseThrow().emailVerified())
                .isTrue();
    }

    /**
     * Enumeration by timing, with the SMTP server answering each line 300 ms late: the medians of 20 reset requests
     * for addresses that have accounts and 20 for addresses that do not stay within 1.5× of each other, and the
     * bodies are identical. Nothing on the request's path waits on SMTP.
     */
    @Test
    void aResetForAKnownAndAnUnknownAddressTakesTheSameTimeWhileSmtpIsSlow() {
        for (int i = 0; i < 20; i++) {
            server.latchkey()
                    .users()
                    .create(new NewUser("timed" + i, "timed" + i + "@example.org", false, false), Optional.of(STRONG));
        }
        mailbox.delay(Duration.ofMillis(300));
        try {
            var client = server.client();
            var warm =
                    client.postJson("/api/password/reset", "{\"email\":\"warm@example.org\"}", from("203.0.120.250"));
            assertThat(warm.statusCode()).isEqualTo(202);
            var body = warm.body();
            // A round is 20 requests for each kind, interleaved. The machine may be busy with other work: a round
            // that lands on a burst of it is measured again, up to three rounds in all.
            var ratios = new ArrayList<Double>();
            for (int round = 0; round < 3; round++) {
                var known = new ArrayList<Long>();
                var unknown = new ArrayList<Long>();
                for (int i = 0; i < 20; i++) {
                    var ip = "203.0." + (113 + round) + ".";
                    known.add(timed(client, "timed" + i + "@example.org", ip + (2 * i + 1), body));
                    unknown.add(timed(client, "absent" + round + "x" + i + "@example.org", ip + (2 * i + 2), body));
                }
                long a = median(known);
                long b = median(unknown);
                System.out.printf(
                        "reset request medians of 20 with SMTP 300 ms slow, round %d: known %.2f ms, unknown %.2f ms%n",
                        round + 1, a / 1e6, b / 1e6);
                ratios.add((double) Math.max(a, b) / Math.min(a, b));
                if (ratios.get(ratios.size() - 1) <= 1.5) {
                    break;
                }
            }
            assertThat(ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow())
                    .as("the ratio of the medians in each round: %s", ratios)
                    .isLessThanOrEqualTo(1.5);
        } finally {
            mailbox.delay(Duration.ZERO);
        }
    }

    private static long timed(TestClient client, String email, String ip, String expectedBody) {
        long start = System.nanoTime();
        HttpResponse<String> response =
                client.postJson("/api/password/reset", "{\"email\":\"" + email + "\"}", from(ip));
        long took = System.nanoTime() - start;
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo(expectedBody);
        return took;
    }

    private static long median(List<Long> values) {
        var sorted = values.stream().sorted().toList();
        return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }

    private static String signIn(TestClient client, String username, String password) {
        var response = client.postJson(
                "/api/session", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return client.cookies.get("__Host-lk_csrf");
    }
}
