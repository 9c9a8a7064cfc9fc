package dev.latchkey.provider;

import static dev.latchkey.provider.ProviderFixture.CONTEXT;
import static dev.latchkey.provider.ProviderFixture.ISSUER;
import static dev.latchkey.provider.ProviderFixture.REDIRECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Back-channel logout to a real receiver on loopback: who is told when a session ends, what the logout token says,
 * and how a client that fails is asked again and then given up on. The sender is driven by hand with the clock.
 */
class BackchannelLogoutTest {
    private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    /** What one path of the receiver got: each request's logout token and content type. */
    record Received(String logoutToken, String contentType, String method) {}

    private ProviderFixture fx;
    private OpenIdProvider op;
    private BackchannelLogout sender;
    private HttpServer receiver;
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    /** Per path, the statuses to answer in turn; 200 once they run out. */
    private final Map<String, ArrayDeque<Integer>> answers = new ConcurrentHashMap<>();

    private long alice;
    private long bob;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ProviderFixture();
        op = fx.op;
        sender = fx.latchkey.backchannelLogout().orElseThrow();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            var path = exchange.getRequestURI().getPath();
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII);
            String token = null;
            for (var pair : body.split("&", -1)) {
                if (pair.startsWith("logout_token=")) {
                    token = URLDecoder.decode(pair.substring("logout_token=".length()), StandardCharsets.US_ASCII);
                }
            }
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new Received(
                            token, exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestMethod()));
            Integer status;
            synchronized (answers) {
                var queue = answers.get(path);
                status = queue == null || queue.isEmpty() ? 200 : queue.poll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        alice = fx.user("alice");
        bob = fx.user("bob");
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
        fx.close();
    }

    private String uri(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private Client clientLoggedOutAt(String name, String path) {
        return fx.client(NewClient.confidential(name, REDIRECT).withBackchannelLogoutUri(uri(path)))
                .client();
    }

    private void answer(String path, Integer... statuses) {
        synchronized (answers) {
            answers.put(path, new ArrayDeque<>(List.of(statuses)));
        }
    }

    private List<Received> at(String path) {
        return received.getOrDefault(path, List.of());
    }

    private int outbox() {
        return fx.db.database()
                .sql()
                .list("SELECT COUNT(*) FROM oidc_logout_outbox", s -> {}, r -> r.getInt(1))
                .get(0);
    }

    /** A logout token as a relying party checks it (Back-Channel Logout 1.0 §2.6). */
    private JWTClaimsSet verified(String logoutToken, String audience) throws Exception {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("logout+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(fx.latchkey.signingKeys().publicJwks())));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        audience,
                        new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                        Set.of("sub", "sid", "iat", "exp", "jti", "events")) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(fx.clock.instant());
                    }
                });
        return processor.process(logoutToken, null);
    }

    @Test
    void endingASessionTellsEachClientItSignedInToAndRetriesTheOneThatFailed() throws Exception {
        var good = clientLoggedOutAt("Grafana", "/good");
        var flaky = clientLoggedOutAt("GitLab", "/flaky");
        var silent = fx.confidential("Nextcloud").client();
        answer("/flaky", 500);
        var session = fx.signIn(alice);
        var otherSession = fx.signIn(alice);
        var bobsSession = fx.signIn(bob);
        var idToken = fx.tokens(good, alice, session, "openid").idToken();
        fx.authorize(good, alice, session, "openid"); // twice in one session: still one notice
        fx.authorize(flaky, alice, session, "openid");
        fx.authorize(silent, alice, session, "openid");
        fx.authorize(good, alice, otherSession, "openid");
        fx.authorize(good, bob, bobsSession, "openid");

        fx.latchkey.sessions().end(session);
        assertThat(at("/good")).as("never in the request").isEmpty();
        assertThat(outbox()).as("one notice for each client with a URI").isEqualTo(2);

        assertThat(sender.sendDue()).isEqualTo(1);
        assertThat(at("/good")).hasSize(1);
        assertThat(at("/flaky")).hasSize(1);
        var sub = op.tokens().subjects().subject(alice);
        var sid = SignedJWT.parse(idToken).getJWTClaimsSet().getStringClaim("sid");
        assertThat(sid).isEqualTo(op.tokens().subjects().sessionId(session));
        for (var pair : List.of(Map.entry("/good", good), Map.entry("/flaky", flaky))) {
            var notice = at(pair.getKey()).get(0);
            assertThat(notice.method()).isEqualTo("POST");
            assertThat(notice.contentType()).isEqualTo("application/x-www-form-urlencoded");
            var header = SignedJWT.parse(notice.logoutToken()).getHeader();
            assertThat(header.getType()).isEqualTo(new JOSEObjectType("logout+jwt"));
            var claims = verified(notice.logoutToken(), pair.getValue().id());
            assertThat(claims.getAudience()).containsExactly(pair.getValue().id());
            assertThat(claims.getSubject()).isEqualTo(sub);
            assertThat(claims.getStringClaim("sid"))
                    .as("the sid of the ID token")
                    .isEqualTo(sid);
            assertThat(claims.getJSONObjectClaim("events")).containsOnlyKeys(EVENT);
            assertThat(claims.getJSONObjectClaim("events").get(EVENT)).isEqualTo(Map.of());
            assertThat(claims.getClaims()).doesNotContainKey("nonce");
            assertThat(claims.getExpirationTime().toInstant()).isAfter(fx.clock.instant());
        }

        assertThat(sender.sendDue()).as("the retry waits").isZero();
        fx.clock.advance(BackchannelLogout.FIRST_RETRY.minusSeconds(1));
        assertThat(sender.sendDue()).isZero();
        assertThat(at("/flaky")).hasSize(1);
        fx.clock.advance(Duration.ofSeconds(1));
        assertThat(sender.sendDue()).isEqualTo(1);
        assertThat(at("/flaky")).hasSize(2);
        var retried = verified(at("/flaky").get(1).logoutToken(), flaky.id());
        assertThat(retried.getStringClaim("sid")).isEqualTo(sid);
        assertThat(retried.getJWTID())
                .as("signed anew when sent")
                .isNotEqualTo(
                        verified(at("/flaky").get(0).logoutToken(), flaky.id()).getJWTID());

        fx.clock.advance(Duration.ofDays(1));
        assertThat(sender.sendDue()).isZero();
        assertThat(outbox()).isZero();
        assertThat(at("/good")).hasSize(1);
        assertThat(received.values().stream().flatMap(List::stream))
                .as("nothing for alice's other session or for bob's")
                .hasSize(3);
    }

    @Test
    void aClientThatNeverTakesItIsAskedWithADoublingWaitThenGivenUp() {
        var broken = clientLoggedOutAt("Broken", "/broken");
        var statuses = new Integer[BackchannelLogout.ATTEMPTS + 5];
        java.util.Arrays.fill(statuses, 503);
        answer("/broken", statuses);
        var session = fx.signIn(alice);
        fx.authorize(broken, alice, session, "openid");
        fx.latchkey.sessions().end(session);

        var wait = BackchannelLogout.FIRST_RETRY;
        for (int attempt = 1; attempt <= BackchannelLogout.ATTEMPTS; attempt++) {
            assertThat(sender.sendDue()).isZero();
            assertThat(at("/broken")).hasSize(attempt);
            if (attempt < BackchannelLogout.ATTEMPTS) {
                fx.clock.advance(wait.minusSeconds(1));
                sender.sendDue();
                assertThat(at("/broken")).as("not before the wait").hasSize(attempt);
                fx.clock.advance(Duration.ofSeconds(1));
                wait = wait.multipliedBy(2);
            }
        }
        assertThat(outbox()).as("given up").isZero();
        fx.clock.advance(Duration.ofDays(7));
        sender.sendDue();
        assertThat(at("/broken")).hasSize(BackchannelLogout.ATTEMPTS);
        assertThat(fx.latchkey
                        .meters()
                        .counter("latchkey.oidc.backchannel_logout", "outcome", "given_up")
                        .count())
                .isEqualTo(1.0);
        assertThat(fx.latchkey
                        .meters()
                        .counter("latchkey.oidc.backchannel_logout", "outcome", "retry")
                        .count())
                .isEqualTo(BackchannelLogout.ATTEMPTS - 1.0);
    }

    @Test
    void aRedirectIsNotFollowedAndCountsAsAFailedAttempt() {
        var moved = clientLoggedOutAt("Moved", "/moved");
        answer("/moved", 302, 307);
        var session = fx.signIn(alice);
        fx.authorize(moved, alice, session, "openid");
        fx.latchkey.sessions().end(session);
        assertThat(sender.sendDue()).isZero();
        fx.clock.advance(BackchannelLogout.FIRST_RETRY);
        assertThat(sender.sendDue()).isZero();
        fx.clock.advance(BackchannelLogout.FIRST_RETRY.multipliedBy(2));
        assertThat(sender.sendDue()).isEqualTo(1);
        assertThat(at("/moved")).hasSize(3);
        assertThat(received).containsOnlyKeys("/moved");
    }

    @Test
    void aReceiverThatIsNotListeningCountsAsAFailedAttempt() throws IOException {
        var gone = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        var port = gone.getAddress().getPort();
        gone.stop(0);
        var client = fx.client(NewClient.confidential("Gone", REDIRECT)
                        .withBackchannelLogoutUri("http://127.0.0.1:" + port + "/logout"))
                .client();
        var session = fx.signIn(alice);
        fx.authorize(client, alice, session, "openid");
        fx.latchkey.sessions().end(session);
        assertThat(sender.sendDue()).isZero();
        assertThat(outbox()).as("kept for a retry").isEqualTo(1);
    }

    @Test
    void aClientWithoutAUriGetsNothingAndAnotherUsersSessionSendsNothing() {
        var good = clientLoggedOutAt("Grafana", "/good");
        var silent = fx.confidential("Nextcloud").client();
        var alices = fx.signIn(alice);
        var bobs = fx.signIn(bob);
        fx.authorize(good, alice, alices, "openid");
        fx.authorize(silent, alice, alices, "openid");
        fx.authorize(silent, bob, bobs, "openid");

        fx.latchkey.sessions().end(bobs);
        assertThat(outbox()).isZero();
        assertThat(sender.sendDue()).isZero();
        assertThat(received).isEmpty();

        fx.latchkey.sessions().end(alices);
        assertThat(sender.sendDue()).isEqualTo(1);
        assertThat(received).containsOnlyKeys("/good");
        fx.latchkey.sessions().end(alices);
        assertThat(outbox()).as("a session ends once").isZero();
    }

    @Test
    void deactivatingAUserEndsTheirSessionsAndTellsTheClients() throws Exception {
        var good = clientLoggedOutAt("Grafana", "/good");
        var first = fx.signIn(alice);
        var second = fx.signIn(alice);
        fx.authorize(good, alice, first, "openid");
        fx.authorize(good, alice, second, "openid");
        fx.latchkey.users().deactivate("alice");
        assertThat(sender.sendDue()).isEqualTo(2);
        var sids = at("/good").stream()
                .map(r -> {
                    try {
                        return verified(r.logoutToken(), good.id()).getStringClaim("sid");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertThat(sids)
                .containsExactlyInAnyOrder(
                        op.tokens().subjects().sessionId(first),
                        op.tokens().subjects().sessionId(second));
    }

    @Test
    void aNoticeForADeletedClientIsDropped() {
        var good = clientLoggedOutAt("Grafana", "/good");
        var session = fx.signIn(alice);
        fx.authorize(good, alice, session, "openid");
        fx.latchkey.sessions().end(session);
        fx.latchkey.clients().delete(good.id(), CONTEXT);
        assertThat(sender.sendDue()).isZero();
        assertThat(received).isEmpty();
        assertThat(outbox()).isZero();
    }
}
