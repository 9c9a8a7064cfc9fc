package dev.latchkey.server.web.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.Mailbox;
import dev.latchkey.user.NewUser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account pages over real HTTPS as a browser without JavaScript uses them, in English and Korean. */
class AccountPagesTest {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf_token\" value=\"([A-Za-z0-9_-]{43})\"");
    private static final String STRONG = "correct horse battery staple";

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

    private static String csrf(HttpResponse<String> page) {
        var m = CSRF_FIELD.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in " + page.body());
        }
        return m.group(1);
    }

    private static HttpResponse<String> submit(
            TestClient client, String path, Map<String, String> fields, String... headers) {
        var form = client.get(path, headers);
        var all = new HashMap<>(fields);
        all.put("csrf_token", csrf(form));
        return client.postForm(path, all, headers);
    }

    private static Mailbox.Received mailTo(String address, int count) {
        return mailbox.awaitTo(address, count);
    }

    /** The path of a mailed link on this server. */
    private static String path(Mailbox.Received mail) {
        return java.net.URI.create(mail.link()).getPath();
    }

    @Test
    void theSignInPageLinksResetAndSignUpInTheBrowsersLanguage() {
        var english = server.client().get("/login");
        assertThat(english.body())
                .contains("href=\"/password/reset\"")
                .contains("Forgot your password?")
                .contains("href=\"/signup\"");
        var korean = server.client().get("/signup", "Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5");
        assertThat(korean.body())
                .contains("<html lang=\"ko\">")
                .contains("계정 만들기")
                .contains("사용자 이름");
    }

    @Test
    void everyPageTextExistsInEveryLanguage() throws Exception {
        var en = new Properties();
        var ko = new Properties();
        try (var a = getClass().getClassLoader().getResourceAsStream("templates/text_en.properties");
                var b = getClass().getClassLoader().getResourceAsStream("templates/text_ko.properties")) {
            en.load(new java.io.InputStreamReader(a, java.nio.charset.StandardCharsets.UTF_8));
            ko.load(new java.io.InputStreamReader(b, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(ko.keySet()).isEqualTo(en.keySet());
    }

    @Test
    void signUpOnThePageThenConfirmFromTheMailWhereFetchingTheLinkSpendsNothing() {
        var client = server.client();
        var noCsrf =
                client.postForm("/signup", Map.of("username", "xena", "email", "xena@example.org", "password", STRONG));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        var done =
                submit(client, "/signup", Map.of("username", "xena", "email", "xena@example.org", "password", STRONG));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Check your mail");

        var early = submit(client, "/login", Map.of("username", "xena", "password", STRONG));
        assertThat(early.statusCode()).isEqualTo(403);
        assertThat(early.body()).contains("Confirm your email address first");

        var link = path(mailTo("xena@example.org", 1));
        // A scanner that fetches the link twice spends nothing: only the button's POST confirms.
        assertThat(server.client().get(link).statusCode()).isEqualTo(200);
        var page = client.get(link);
        assertThat(page.body()).contains("xena@example.org").contains("<button type=\"submit\"");
        var confirmed = client.postForm(link, Map.of("csrf_token", csrf(page)));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Email confirmed");
        var again = client.get(link);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("This link does not work");

        var signedIn = submit(client, "/login", Map.of("username", "xena", "password", STRONG));
        assertThat(signedIn.statusCode()).isEqualTo(303);
    }

    @Test
    void forgotThenResetOnThePagesWithTheSameAnswerForUnknownAddresses() {
        server.latchkey().users().create(new NewUser("yara", "yara@example.org", false, false), Optional.of(STRONG));
        var known = submit(
                server.client(),
                "/password/reset",
                Map.of("email", "yara@example.org"),
                "X-Forwarded-For",
                "198.51.100.70");
        var unknown = submit(
                server.client(),
                "/password/reset",
                Map.of("email", "nobody@example.org"),
                "X-Forwarded-For",
                "198.51.100.71");
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo(known.body());

        var link = path(mailTo("yara@example.org", 1));
        var client = server.client();
        var form = client.get(link);
        assertThat(form.body()).contains("yara").contains("autocomplete=\"new-password\"");
        var weak = client.postForm(link, Map.of("csrf_token", csrf(form), "password", "yarayara"));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("too easy to guess");
        var done =
                client.postForm(link, Map.of("csrf_token", csrf(weak), "password", "purple elephants juggle quietly"));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Password changed");
        assertThat(client.get(link).statusCode()).isEqualTo(400);
        assertThat(submit(client, "/login", Map.of("username", "yara", "password", "purple elephants juggle quietly"))
                        .statusCode())
                .isEqualTo(303);
    }

    @Test
    void theRequestLogNeverHoldsAMailedToken() {
        server.latchkey().users().create(new NewUser("lena", "lena@example.org", false, false), Optional.of(STRONG));
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.latchkey.requests");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            submit(
                    server.client(),
                    "/password/reset",
                    Map.of("email", "lena@example.org"),
                    "X-Forwarded-For",
                    "198.51.100.80");
            var mail = mailTo("lena@example.org", 1);
            var client = server.client();
            var form = client.get(path(mail));
            assertThat(form.statusCode()).isEqualTo(200);
            client.postForm(
                    path(mail), Map.of("csrf_token", csrf(form), "password", "purple elephants juggle quietly"));
            assertThat(appender.list).isNotEmpty();
            assertThat(appender.list)
                    .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .noneMatch(line -> line.contains(mail.token()))
                    .anyMatch(line -> line.contains("/password/reset/{}"));
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aBadResetLinkIsAPageThatSaysSoNotAnError() {
        for (var token : new String[] {"x", "A".repeat(43), "A".repeat(44), "A".repeat(5000), "%C3%A9"}) {
            var page = server.client().get("/password/reset/" + token);
            assertThat(page.statusCode()).as(token).isEqualTo(400);
            assertThat(page.headers().firstValue("content-type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(page.body()).contains("This link does not work");
        }
        // A path the router refuses before any page sees it is a JSON error, never a 500.
        var nul = server.client().get("/password/reset/%00");
        assertThat(nul.statusCode()).isBetween(400, 499);
    }

    @Test
    void changingThePasswordOnTheAccountPageKeepsThisBrowserSignedIn() {
        server.latchkey().users().create(new NewUser("zoe", "zoe@example.org", false, false), Optional.of(STRONG));
        var client = server.client();
        assertThat(submit(client, "/login", Map.of("username", "zoe", "password", STRONG))
                        .statusCode())
                .isEqualTo(303);
        var other = server.client();
        assertThat(submit(other, "/login", Map.of("username", "zoe", "password", STRONG))
                        .statusCode())
                .isEqualTo(303);
        var account = client.get("/account");
        assertThat(account.body()).contains("href=\"/account/password\"").contains("href=\"/account/email\"");
        var wrong = submit(
                client,
                "/account/password",
                Map.of("current_password", "nope nope nope", "new_password", "purple elephants juggle quietly"));
        assertThat(wrong.body()).contains("Invalid username or password.");
        var done = submit(
                client,
                "/account/password",
                Map.of("current_password", STRONG, "new_password", "purple elephants juggle quietly"));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Password changed");
        assertThat(client.get("/account").statusCode()).isEqualTo(200);
        assertThat(other.get("/account").statusCode()).isEqualTo(303);
    }
}
