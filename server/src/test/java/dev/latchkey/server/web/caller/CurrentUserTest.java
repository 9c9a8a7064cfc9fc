package dev.latchkey.server.web.caller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.LocalJetty;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The caller from each kind of credential, against a real database; each answer says who, how, with what session. */
class CurrentUserTest {
    private TestDatabase db;
    private Latchkey latchkey;
    private CurrentUser currentUser;
    private long alice;

    @BeforeEach
    void start() {
        db = TestDatabase.sqlite();
        latchkey = Latchkey.builder(db.database())
                .instanceSecret(Secrets.create().bytes(32))
                .build();
        alice = latchkey.users()
                .create(new NewUser("alice", "alice@example.com", false, false), Optional.empty())
                .id();
        currentUser = new CurrentUser(
                latchkey.sessions(),
                latchkey.userCache(),
                latchkey.authenticator(),
                new CookiePolicy(Duration.ofDays(14), false));
    }

    @AfterEach
    void stop() {
        latchkey.close();
        db.close();
    }

    @Test
    void withoutAnyCredentialTheCallerIsAnonymousNotAnError() throws Exception {
        assertCaller(get(Policy.anyone()), "ANONYMOUS", null, false);
    }

    @Test
    void aLiveSessionCookieNamesItsUserWithItsSession() throws Exception {
        assertCaller(get(Policy.anyone(), sessionCookie()), "SESSION", "alice", true);
        assertCaller(get(Policy.signedInPage(), sessionCookie()), "SESSION", "alice", true);
    }

    @Test
    void anAnonymousSessionIsKeptForTheRequestWithoutAUser() throws Exception {
        var anonymous = latchkey.sessions()
                .start(RequestContext.NONE, Map.of("pending", true))
                .id();
        assertCaller(get(Policy.anyone(), "Cookie: __Host-lk_session=" + anonymous), "ANONYMOUS", null, true);
    }

    @Test
    void anUnknownEndedOrGarbageCookieIsAnonymousNeverAnError() throws Exception {
        var ended = latchkey.sessions().login(null, alice, RequestContext.NONE).id();
        latchkey.sessions().logout(ended);
        for (var value : new String[] {ended, "A".repeat(43), "garbage", "", "%00%ff", "x".repeat(5000)}) {
            assertCaller(get(Policy.anyone(), "Cookie: __Host-lk_session=" + value), "ANONYMOUS", null, false);
        }
    }

    @Test
    void theSessionOfADeactivatedUserNamesNobody() throws Exception {
        var cookie = sessionCookie();
        latchkey.users().deactivate("alice");
        assertCaller(get(Policy.anyone(), cookie), "ANONYMOUS", null, false);
    }

    @Test
    void anApiTokenNamesItsUserAfterTokenOrBearerInAnyCase() throws Exception {
        var key = latchkey.apiTokens()
                .createByOperator(alice, "ci", Optional.empty())
                .key();
        for (var scheme : new String[] {"Token", "token", "TOKEN", "Bearer", "bearer"}) {
            assertCaller(get(Policy.anyone(), "Authorization: " + scheme + " " + key), "TOKEN", "alice", false);
        }
    }

    @Test
    void aJwtAfterBearerNamesItsUser() throws Exception {
        var jwt = latchkey.tokenFamilies().obtain(alice, null).access();
        assertCaller(get(Policy.signedIn(), "Authorization: Bearer " + jwt), "JWT", "alice", false);
    }

    @Test
    void aHeaderCredentialComesFirstAndABadOneIsA401NeverAFallBackToTheCookie() throws Exception {
        var cookie = sessionCookie();
        var key = latchkey.apiTokens()
                .createByOperator(alice, "ci", Optional.empty())
                .key();
        assertCaller(get(Policy.anyone(), cookie, "Authorization: Token " + key), "TOKEN", "alice", false);
        assertInvalid(
                get(Policy.anyone(), cookie, "Authorization: Token lk_" + "A".repeat(43)),
                "Token",
                "the token is not valid");
        assertInvalid(
                get(Policy.anyone(), cookie, "Authorization: Bearer not.a.jwt"), "Bearer", "the token is not valid");
    }

    @Test
    void aMalformedAuthorizationHeaderIsRefusedInTheSchemeTheClientUsed() throws Exception {
        assertInvalid(
                get(Policy.anyone(), "Authorization: Token"), "Token", "the Authorization header has no credentials");
        assertInvalid(
                get(Policy.anyone(), "Authorization: Bearer    "),
                "Bearer",
                "the Authorization header has no credentials");
        assertInvalid(
                get(Policy.anyone(), "Authorization: Token a b"),
                "Token",
                "the Authorization header must hold exactly one token");
        assertInvalid(
                get(Policy.anyone(), "Authorization: Bearer " + "a".repeat(CurrentUser.MAX_CREDENTIALS)),
                "Bearer",
                "the token is not valid");
    }

    @Test
    void aSchemeThatIsNotOursIsIgnoredAndTheCookieCounts() throws Exception {
        assertCaller(
                get(Policy.anyone(), sessionCookie(), "Authorization: Basic YWxpY2U6cHc="), "SESSION", "alice", true);
        assertCaller(get(Policy.anyone(), "Authorization: Digest x"), "ANONYMOUS", null, false);
    }

    @Test
    void aRouteOnlyReadsTheProofsItTakes() throws Exception {
        var key = latchkey.apiTokens()
                .createByOperator(alice, "ci", Optional.empty())
                .key();
        assertCaller(get(Policy.anyonePage(), "Authorization: Token " + key), "ANONYMOUS", null, false);
        assertCaller(get(Policy.anyonePage(), "Authorization: Token garbage"), "ANONYMOUS", null, false);
        assertCaller(get(Policy.anyone().by(Policy.Proof.BODY), sessionCookie()), "ANONYMOUS", null, false);
        assertCaller(get(Policy.anyone().by(Policy.Proof.HEADER), sessionCookie()), "ANONYMOUS", null, false);
    }

    private String sessionCookie() {
        return "Cookie: __Host-lk_session="
                + latchkey.sessions().login(null, alice, RequestContext.NONE).id();
    }

    /** A GET under this policy, answered with the caller as JSON (or the 401 of a bad token). */
    private HttpTester.Response get(Policy policy, String... headers) throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> {
            Caller caller;
            try {
                caller = currentUser.resolve(x, policy);
            } catch (InvalidToken e) {
                x.setHeader("WWW-Authenticate", e.challenge());
                throw e;
            }
            x.json(
                    200,
                    JsonResponses.object(
                            "via",
                            caller.via().name(),
                            "user",
                            caller.isAuthenticated() ? caller.user().username() : null,
                            "session",
                            caller.session() != null));
        })) {
            return jetty.get("/x", headers);
        }
    }

    private static void assertCaller(HttpTester.Response response, String via, String user, boolean session) {
        assertThat(response.getStatus()).as(response.getContent()).isEqualTo(200);
        assertThat(response.getContent())
                .isEqualTo("{\"via\":\"" + via + "\",\"user\":" + (user == null ? "null" : "\"" + user + "\"")
                        + ",\"session\":" + session + "}");
    }

    private static void assertInvalid(HttpTester.Response response, String scheme, String detail) {
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.get("WWW-Authenticate")).isEqualTo(scheme + " realm=\"latchkey\", error=\"invalid_token\"");
        assertThat(response.getContent()).isEqualTo("{\"error\":\"invalid_token\",\"detail\":\"" + detail + "\"}");
    }
}
