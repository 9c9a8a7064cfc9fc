package dev.latchkey.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.testing.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OIDC provider against a provider this test fakes byte by byte (the JDK's HTTP server), so that every broken
 * answer can be produced: ID tokens for another audience or issuer, expired, with another nonce, signed by a foreign
 * key or not at all; error statuses, HTML, oversized and slow answers; a discovery document naming another issuer.
 */
class OidcProviderTest {
    private static final String CLIENT = "latchkey";
    private HttpServer fake;
    private URI issuer;
    private RSAKey key;
    private volatile String discovery;
    private volatile int tokenStatus;
    private volatile String tokenBody;
    private volatile String tokenType;
    private volatile long tokenDelayMillis;
    private volatile int discoveryStatus = 200;
    private volatile long discoveryDelayMillis;
    private final AtomicInteger discoveryFetches = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = URI.create("http://127.0.0.1:" + fake.getAddress().getPort() + "/idp");
        discovery = "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\"}";
        fake.createContext("/idp/.well-known/openid-configuration", x -> {
            discoveryFetches.incrementAndGet();
            pause(discoveryDelayMillis);
            answer(x, discoveryStatus, "application/json", discovery);
        });
        fake.createContext(
                "/idp/jwks", x -> answer(x, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
        fake.createContext("/idp/token", x -> {
            pause(tokenDelayMillis);
            answer(x, tokenStatus, tokenType, tokenBody);
        });
        fake.start();
        tokenStatus = 200;
        tokenType = "application/json";
    }

    @AfterEach
    void stop() {
        fake.stop(0);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String type, String body)
            throws java.io.IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (var out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private OidcProvider provider() {
        return provider(Clock.systemUTC());
    }

    private OidcProvider provider(Clock clock) {
        return new OidcProvider(
                new ProviderSettings(
                        "fake",
                        "oidc",
                        issuer,
                        CLIENT,
                        "secret",
                        List.of("openid"),
                        List.of(),
                        Duration.ofSeconds(2),
                        Map.of(),
                        false),
                new ObjectMapper(),
                clock);
    }

    private String idToken(UnaryOperator<JWTClaimsSet.Builder> change, RSAKey signer) throws Exception {
        var now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .subject("s-1")
                .audience(CLIENT)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", "n-1")
                .claim("email", "a@example.com")
                .claim("email_verified", true);
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signer.getKeyID())
                        .build(),
                change.apply(claims).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private void tokenAnswers(String idToken) {
        tokenBody = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\"}";
    }

    private SocialIdentity exchange() {
        return provider().exchange("code", "https://app/cb", "verifier", "n-1");
    }

    @Test
    void aValidIdTokenNamesTheIdentity() throws Exception {
        tokenAnswers(idToken(b -> b, key));
        var identity = exchange();
        assertThat(identity.subject()).isEqualTo("s-1");
        assertThat(identity.email()).isEqualTo("a@example.com");
        assertThat(identity.emailVerified()).isTrue();
        var uri =
                provider().authorizationUri("https://app/cb", "st", "ch", "n-1").toString();
        assertThat(uri)
                .startsWith(issuer + "/authorize?response_type=code&client_id=latchkey")
                .contains("code_challenge=ch")
                .contains("code_challenge_method=S256")
                .contains("nonce=n-1");
    }

    @Test
    void aGoogleShapedIdTokenReadsAsGoogleDocumentsIt() throws Exception {
        // The claims of Google's documented ID token (developers.google.com/identity/openid-connect), extra ones
        // included; only the issuer is this fake's.
        tokenAnswers(idToken(
                b -> b.subject("110169484474386276334")
                        .claim("azp", CLIENT)
                        .claim("hd", "example.com")
                        .claim("at_hash", "HK6E_P6Dh8Y93mRNtsDB1Q")
                        .claim("email", "jsmith@example.com")
                        .claim("email_verified", true)
                        .claim("name", "Jane Smith")
                        .claim("given_name", "Jane")
                        .claim("family_name", "Smith")
                        .claim("picture", "https://lh3.googleusercontent.com/a/x")
                        .claim("locale", "en"),
                key));
        var identity = exchange();
        assertThat(identity.subject()).isEqualTo("110169484474386276334");
        assertThat(identity.email()).isEqualTo("jsmith@example.com");
        assertThat(identity.emailVerified()).isTrue();
        assertThat(identity.name()).isEqualTo("Jane Smith");
        assertThat(identity.profile()).containsEntry("given_name", "Jane").doesNotContainKey("at_hash");
        var google = Providers.of(
                List.of(new ProviderSettings(
                        "google",
                        "google",
                        null,
                        CLIENT,
                        "s",
                        List.of(),
                        List.of(),
                        Duration.ofSeconds(1),
                        java.util.Map.of(),
                        false)),
                new ObjectMapper(),
                Clock.systemUTC());
        assertThat(google.get("google").settings().issuer()).hasToString("https://accounts.google.com");
    }

    @Test
    void everyBadIdTokenIsRefused() throws Exception {
        var foreign = new RSAKeyGenerator(2048).keyID("k1").generate();
        var bad = List.of(
                idToken(b -> b.audience("someone-else"), key),
                idToken(b -> b.issuer("https://evil.example"), key),
                idToken(b -> b.expirationTime(Date.from(Instant.now().minusSeconds(120))), key),
                idToken(b -> b.claim("nonce", "n-2"), key),
                idToken(b -> b.claim("nonce", null), key),
                idToken(b -> b.subject(null), key),
                idToken(b -> b, foreign),
                Base64URL.encode("{\"alg\":\"none\"}") + "."
                        + SignedJWT.parse(idToken(b -> b, key)).getPayload().toBase64URL() + ".",
                "not.a.jwt");
        for (var token : bad) {
            tokenAnswers(token);
            assertThatThrownBy(this::exchange).as(token).isInstanceOf(SocialDenied.class);
        }
        var unverified = idToken(b -> b.claim("email_verified", "yes"), key);
        tokenAnswers(unverified);
        assertThat(exchange().emailVerified())
                .as("only true (or \"true\") is verified")
                .isFalse();
    }

    @Test
    void aFailingProviderIsA502AndARefusedCodeA401() throws Exception {
        tokenStatus = 400;
        tokenBody = "{\"error\":\"invalid_grant\"}";
        assertThatThrownBy(this::exchange).isInstanceOf(SocialDenied.class).hasMessageContaining("invalid_grant");
        tokenStatus = 500;
        tokenBody = "{}";
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("HTTP 500");
        tokenStatus = 200;
        tokenType = "text/html";
        tokenBody = "<html>maintenance</html>";
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("not JSON");
        tokenBody = "{\"access_token\":\"at\"}";
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("no id_token");
        tokenBody = "{\"id_token\":42}";
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class);
        tokenBody = "{\"pad\":\"" + "x".repeat(300_000) + "\"}";
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("more than");
        tokenBody = "{}";
        tokenDelayMillis = 3_000;
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("too slow");
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerOrAnHttpEndpointIsRefused() {
        discovery = discovery.replace("\"issuer\":\"" + issuer, "\"issuer\":\"https://evil.example");
        assertThatThrownBy(this::exchange).isInstanceOf(ProviderFailure.class).hasMessageContaining("another issuer");
        discovery = "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"http://evil.example/a\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\"}";
        assertThatThrownBy(() -> provider().authorizationUri("https://app/cb", "s", "c", "n"))
                .isInstanceOf(ProviderFailure.class)
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> new OidcProvider(
                        new ProviderSettings(
                                "x",
                                "oidc",
                                URI.create("http://idp.example"),
                                CLIENT,
                                "s",
                                List.of(),
                                List.of(),
                                Duration.ofSeconds(1),
                                Map.of(),
                                false),
                        new ObjectMapper(),
                        Clock.systemUTC()))
                .hasMessageContaining("https://");
    }

    @Test
    void callersOnAnExpiredOrMissingDiscoveryDocumentCauseOneFetch() throws Exception {
        var clock = MutableClock.at("2026-03-01T08:00:00Z");
        var provider = provider(clock);
        discoveryDelayMillis = 300;
        assertThat(concurrently(8, () -> authorize(provider)))
                .allSatisfy(r -> assertThat(r).startsWith(issuer + "/authorize"));
        assertThat(discoveryFetches)
                .as("the first fetch, shared by everyone who waited for it")
                .hasValue(1);

        clock.advance(Duration.ofMinutes(61));
        assertThat(concurrently(8, () -> authorize(provider)))
                .allSatisfy(r -> assertThat(r).startsWith(issuer + "/authorize"));
        assertThat(discoveryFetches).as("one refresh").hasValue(2);
        authorize(provider);
        assertThat(discoveryFetches).as("fresh again").hasValue(2);
    }

    @Test
    void aFailedRefreshKeepsTheOldDocumentAndWaitsTenSecondsBeforeTheNextTry() throws Exception {
        var clock = MutableClock.at("2026-03-01T08:00:00Z");
        var provider = provider(clock);
        authorize(provider);
        discoveryStatus = 503;
        discoveryDelayMillis = 300;
        clock.advance(Duration.ofMinutes(61));
        assertThat(concurrently(8, () -> authorize(provider)))
                .allSatisfy(r -> assertThat(r).startsWith(issuer + "/authorize"));
        assertThat(discoveryFetches)
                .as("one failed refresh; everyone got the old document")
                .hasValue(2);
        clock.advance(Duration.ofSeconds(9));
        authorize(provider);
        assertThat(discoveryFetches).as("no retry within ten seconds").hasValue(2);
        clock.advance(Duration.ofSeconds(2));
        authorize(provider);
        assertThat(discoveryFetches).as("then one retry").hasValue(3);

        discoveryStatus = 200;
        clock.advance(Duration.ofSeconds(11));
        authorize(provider);
        authorize(provider);
        assertThat(discoveryFetches).as("refreshed once, then fresh").hasValue(4);
    }

    @Test
    void aFirstFetchThatFailsFailsEveryoneWaitingForItOnce() throws Exception {
        var clock = MutableClock.at("2026-03-01T08:00:00Z");
        var provider = provider(clock);
        discoveryStatus = 503;
        discoveryDelayMillis = 300;
        assertThat(concurrently(8, () -> {
                    try {
                        return authorize(provider);
                    } catch (ProviderFailure e) {
                        return "failed";
                    }
                }))
                .containsOnly("failed");
        assertThat(discoveryFetches).hasValue(1);
        discoveryStatus = 200;
        assertThatThrownBy(() -> authorize(provider))
                .as("within ten seconds")
                .isInstanceOf(ProviderFailure.class)
                .hasMessageContaining("next try after");
        clock.advance(Duration.ofSeconds(10));
        assertThat(authorize(provider)).startsWith(issuer + "/authorize");
        assertThat(discoveryFetches).hasValue(2);
    }

    private static String authorize(OidcProvider provider) {
        return provider.authorizationUri("https://app/cb", "st", "ch", "n-1").toString();
    }

    /** Runs {@code work} on {@code threads} threads released at once; answers their results. */
    private static List<String> concurrently(int threads, Callable<String> work) throws Exception {
        var pool = Executors.newFixedThreadPool(threads);
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<String>>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.call();
                }));
            }
            start.countDown();
            var results = new ArrayList<String>();
            for (var future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
