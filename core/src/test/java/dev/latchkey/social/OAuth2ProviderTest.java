package dev.latchkey.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GitHub, Naver and Facebook shapes, against a provider faked byte by byte, with every malformed profile. */
class OAuth2ProviderTest {
    private HttpServer fake;
    private String base;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private volatile String lastTokenForm = "";
    private volatile String lastAuthorization = "";

    @BeforeEach
    void start() throws Exception {
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = "http://127.0.0.1:" + fake.getAddress().getPort();
        for (var path : List.of("/token", "/me", "/emails")) {
            fake.createContext(path, x -> {
                if (path.equals("/token")) {
                    lastTokenForm = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                } else {
                    lastAuthorization = String.valueOf(x.getRequestHeaders().getFirst("Authorization"));
                }
                var bytes = bodies.getOrDefault(path, "{}").getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().add("Content-Type", "application/json");
                x.sendResponseHeaders(statuses.getOrDefault(path, 200), bytes.length);
                try (var out = x.getResponseBody()) {
                    out.write(bytes);
                }
            });
        }
        fake.start();
        bodies.put("/token", "{\"access_token\":\"gho_abc\",\"token_type\":\"bearer\"}");
    }

    @AfterEach
    void stop() {
        fake.stop(0);
    }

    private ProviderSettings settings(String type) {
        return settings(type, false);
    }

    private ProviderSettings settings(String type, boolean keepTokens) {
        return new ProviderSettings(
                type,
                type,
                null,
                "cid",
                "csecret",
                List.of("user:email"),
                List.of(),
                Duration.ofSeconds(2),
                Map.of(
                        "authorization_endpoint",
                        URI.create(base + "/authorize"),
                        "token_endpoint",
                        URI.create(base + "/token"),
                        "profile_endpoint",
                        URI.create(base + "/me"),
                        "emails_endpoint",
                        URI.create(base + "/emails")),
                keepTokens);
    }

    private SocialIdentity exchange(OAuth2Provider provider) {
        return provider.exchange("code-1", "https://latchkey/cb", "verifier", null);
    }

    @Test
    void githubTakesOnlyTheVerifiedPrimaryEmail() {
        var github = OAuth2Provider.github(settings("github"), new ObjectMapper(), Clock.systemUTC());
        bodies.put("/me", "{\"id\":583231,\"login\":\"octocat\",\"name\":null,\"extra\":{\"nested\":[1,2]}}");
        bodies.put(
                "/emails",
                "[{\"email\":\"old@example.com\",\"primary\":false,\"verified\":true},"
                        + "{\"email\":\"octo@example.com\",\"primary\":true,\"verified\":true}]");
        var identity = exchange(github);
        assertThat(identity.subject()).isEqualTo("583231");
        assertThat(identity.name()).isEqualTo("octocat");
        assertThat(identity.email()).isEqualTo("octo@example.com");
        assertThat(identity.emailVerified()).isTrue();
        assertThat(lastTokenForm).contains("client_secret=csecret").contains("code_verifier=verifier");
        assertThat(lastAuthorization).isEqualTo("Bearer gho_abc");
        assertThat(github.authorizationUri("https://latchkey/cb", "st", "ch", "n")
                        .toString())
                .startsWith(base + "/authorize?response_type=code&client_id=cid")
                .contains("state=st")
                .contains("scope=user%3Aemail");

        bodies.put("/emails", "[{\"email\":\"octo@example.com\",\"primary\":true,\"verified\":false}]");
        assertThat(exchange(github).email()).as("unverified: none").isEmpty();
        statuses.put("/emails", 404);
        bodies.put("/emails", "{\"message\":\"Not Found\"}");
        assertThat(exchange(github).email()).as("no email scope: none").isEmpty();
        bodies.put("/emails", "\"not a list\"");
        statuses.put("/emails", 200);
        assertThatThrownBy(() -> exchange(github)).isInstanceOf(ProviderFailure.class);

        bodies.put("/token", "{\"error\":\"bad_verification_code\"}");
        assertThatThrownBy(() -> exchange(github))
                .isInstanceOf(SocialDenied.class)
                .hasMessageContaining("bad_verification_code");
    }

    @Test
    void naverUnwrapsItsResponseAndNeverVouchesForTheEmail() {
        var naver = OAuth2Provider.naver(settings("naver"), new ObjectMapper(), Clock.systemUTC());
        bodies.put(
                "/me",
                "{\"resultcode\":\"00\",\"message\":\"success\",\"response\":{\"id\":\"nv-1\","
                        + "\"email\":\"kim@naver.com\",\"name\":\"Kim\"}}");
        var identity = exchange(naver);
        assertThat(identity.subject()).isEqualTo("nv-1");
        assertThat(identity.email()).isEqualTo("kim@naver.com");
        assertThat(identity.emailVerified()).isFalse();
        bodies.put("/me", "{\"resultcode\":\"024\",\"message\":\"Authentication failed\"}");
        assertThatThrownBy(() -> exchange(naver))
                .isInstanceOf(ProviderFailure.class)
                .hasMessageContaining("response");
    }

    @Test
    void kakaosUserApiVouchesForAnEmailOnlyWhenVerifiedAndValid() {
        var kakao = OAuth2Provider.kakao(settings("kakao"), new ObjectMapper(), Clock.systemUTC());
        bodies.put(
                "/me",
                "{\"id\":1234567890,\"connected_at\":\"2026-01-01T00:00:00Z\",\"properties\":"
                        + "{\"nickname\":\"Min\"},\"kakao_account\":{\"email\":\"min@kakao.com\",\"is_email_valid\":true,"
                        + "\"is_email_verified\":true,\"profile\":{\"nickname\":\"Min\"}}}");
        var identity = exchange(kakao);
        assertThat(identity.subject()).isEqualTo("1234567890");
        assertThat(identity.name()).isEqualTo("Min");
        assertThat(identity.emailVerified()).isTrue();
        bodies.put(
                "/me",
                "{\"id\":1,\"kakao_account\":{\"email\":\"x@kakao.com\",\"is_email_valid\":false,"
                        + "\"is_email_verified\":true}}");
        assertThat(exchange(kakao).emailVerified())
                .as("not valid: not vouched for")
                .isFalse();
        bodies.put("/me", "{\"id\":2,\"kakao_account\":null}");
        assertThat(exchange(kakao).email()).isEmpty();
        bodies.put("/me", "{\"msg\":\"this access token does not exist\",\"code\":-401}");
        assertThatThrownBy(() -> exchange(kakao)).isInstanceOf(ProviderFailure.class);
    }

    @Test
    void facebookAndMalformedProfilesEndInAnIdentityOrA502() {
        var facebook = OAuth2Provider.facebook(settings("facebook"), new ObjectMapper(), Clock.systemUTC());
        bodies.put("/me", "{\"id\":\"10158\",\"name\":\"Fay\",\"email\":\"fay@example.com\"}");
        assertThat(exchange(facebook).emailVerified()).isFalse();
        for (var broken : List.of(
                "{}",
                "{\"id\":null}",
                "{\"id\":{\"x\":1}}",
                "{\"id\":\"\"}",
                "{\"id\":[1]}",
                "[]",
                "<html>oops</html>",
                "{\"id\":\"" + "9".repeat(300) + "\"}")) {
            bodies.put("/me", broken);
            assertThatThrownBy(() -> exchange(facebook)).as(broken).isInstanceOf(ProviderFailure.class);
        }
        bodies.put("/me", "{\"id\":7,\"name\":42,\"email\":false,\"more\":null}");
        var odd = exchange(facebook);
        assertThat(odd.subject()).isEqualTo("7");
        assertThat(odd.name()).isEmpty();
        assertThat(odd.email()).isEmpty();
        statuses.put("/me", 503);
        bodies.put("/me", "{}");
        assertThatThrownBy(() -> exchange(facebook))
                .isInstanceOf(ProviderFailure.class)
                .hasMessageContaining("503");
        statuses.put("/token", 500);
        bodies.put("/token", "{}");
        assertThatThrownBy(() -> exchange(facebook)).isInstanceOf(ProviderFailure.class);
    }

    @Test
    void keptProviderTokensAreSealedAtRestAndRefreshedWhenExpired() throws Exception {
        bodies.put("/token", "{\"access_token\":\"gho_first\",\"refresh_token\":\"ghr_first\",\"expires_in\":3600}");
        bodies.put("/me", "{\"id\":99,\"login\":\"keeper\"}");
        bodies.put("/emails", "[]");
        var clock = dev.latchkey.testing.MutableClock.at("2026-07-01T00:00:00Z");
        try (var db = dev.latchkey.testing.TestDatabase.sqlite()) {
            var latchkey = dev.latchkey.Latchkey.builder(db.database())
                    .clock(clock)
                    .instanceSecret(new byte[32])
                    .scheduler(new dev.latchkey.testing.ManualScheduler())
                    .argon2(new dev.latchkey.password.Argon2Settings(1024, 2, 1, 32))
                    .socialProviders(List.of(settings("github", true)))
                    .build();
            var social = latchkey.socialLogin();
            var identity = social.provider("github").orElseThrow().exchange("c", "https://latchkey/cb", "v", null);
            assertThat(identity.tokens().toString()).doesNotContain("gho_first");
            var code = new dev.latchkey.auth.Credentials.SocialCode("github", "c", "https://latchkey/cb", "v", null);
            var user = latchkey.signIn()
                    .verify(dev.latchkey.request.RequestContext.NONE, code)
                    .user();
            var account = social.accounts().forUser(user.id()).get(0);
            var stored =
                    db.database().sql().list("SELECT tokens_sealed FROM social_accounts", x -> {}, r -> r.getString(1));
            assertThat(stored)
                    .singleElement()
                    .asString()
                    .doesNotContain("gho_first")
                    .doesNotContain("ghr_first");
            assertThat(social.tokens().accessToken(user.id(), account.id())).hasValue("gho_first");

            clock.advance(Duration.ofHours(2));
            bodies.put("/token", "{\"access_token\":\"gho_second\",\"expires_in\":3600}");
            assertThat(social.tokens().accessToken(user.id(), account.id())).hasValue("gho_second");
            assertThat(lastTokenForm)
                    .contains("grant_type=refresh_token")
                    .contains("refresh_token=ghr_first")
                    .contains("client_secret=csecret");

            clock.advance(Duration.ofHours(2));
            bodies.put("/token", "{\"error\":\"invalid_grant\"}");
            assertThatThrownBy(() -> social.tokens().accessToken(user.id(), account.id()))
                    .isInstanceOf(SocialDenied.class);
            assertThat(social.tokens().accessToken(user.id() + 1, account.id()))
                    .as("another user's")
                    .isEmpty();
        }
    }
}
