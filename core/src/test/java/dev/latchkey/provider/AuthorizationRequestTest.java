package dev.latchkey.provider;

import static dev.latchkey.provider.ProviderFixture.REDIRECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authorization request as the endpoint receives it: who may be redirected to is judged first and answered with a
 * page, everything after that goes back to the registered redirect URI with the state.
 */
class AuthorizationRequestTest {
    private ProviderFixture fx;
    private Client client;
    private ProviderFixture.Pkce pkce;

    @BeforeEach
    void setUp() {
        fx = new ProviderFixture();
        client = fx.confidential("Grafana").client();
        pkce = ProviderFixture.Pkce.create(fx.secrets);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Map<String, String> good() {
        return ProviderFixture.params(client, "openid email", pkce);
    }

    private Map<String, String> with(String name, String value) {
        var params = new HashMap<>(good());
        if (value == null) {
            params.remove(name);
        } else {
            params.put(name, value);
        }
        return params;
    }

    private AuthorizationRequest parse(Map<String, String> params) {
        return fx.op.parse(params);
    }

    private void assertPage(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(BadAuthorizationRequest.class)
                .isNotInstanceOf(RedirectableError.class)
                .satisfies(
                        e -> assertThat(((BadAuthorizationRequest) e).status()).isEqualTo(400));
    }

    private RedirectableError redirected(Map<String, String> params, String code) {
        var thrown = org.assertj.core.api.Assertions.catchThrowable(() -> parse(params));
        assertThat(thrown).isInstanceOf(RedirectableError.class);
        var error = (RedirectableError) thrown;
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.redirectUri()).isEqualTo(REDIRECT);
        assertThat(error.status()).isEqualTo(302);
        return error;
    }

    @Test
    void aGoodRequestIsParsedAndCarriedThroughThePages() {
        var request = parse(with("login_hint", "alice"));
        assertThat(request.client().id()).isEqualTo(client.id());
        assertThat(request.redirectUri()).isEqualTo(REDIRECT);
        assertThat(request.state()).isEqualTo("state-1");
        assertThat(request.nonce()).isEqualTo("nonce-1");
        assertThat(request.codeChallenge()).isEqualTo(pkce.challenge());
        assertThat(request.responseMode()).isEqualTo(ResponseMode.QUERY);
        assertThat(request.scopes().asSet()).containsExactlyInAnyOrder("openid", "email");
        assertThat(request.prompt()).isEmpty();
        assertThat(request.maxAge()).isNull();
        assertThat(request.loginHint()).isEqualTo("alice");
        assertThat(request.params()).containsEntry("client_id", client.id()).containsEntry("login_hint", "alice");
    }

    @Test
    void parametersLatchkeyDoesNotKnowAreNotCarried() {
        var request = parse(with("x-injected", "<script>"));
        assertThat(request.params()).doesNotContainKey("x-injected");
    }

    @Test
    void anUnknownClientIsAPageErrorWhateverElseIsWrong() {
        var params = with("client_id", "lkc_nobody");
        params.put("response_type", "token");
        params.remove("code_challenge");
        params.put("request", "eyJ.x.y");
        params.put("prompt", "none login");
        assertPage(() -> parse(params));
        assertPage(() -> parse(with("client_id", null)));
        assertPage(() -> parse(with("client_id", "")));
        assertPage(() -> parse(with("client_id", "x".repeat(65))));
        assertPage(() -> parse(with("client_id", client.id() + "\u0000")));
        assertPage(() -> parse(with("client_id", client.id().toUpperCase(java.util.Locale.ROOT))));
    }

    @Test
    void anUnregisteredRedirectUriIsAPageErrorJudgedBeforeEveryOtherParameter() {
        for (var uri : List.of(
                "https://evil.example/callback",
                "https://app.example.test/callback/",
                "https://app.example.test/callback?x=1",
                "https://app.example.test/callback#x",
                "HTTPS://app.example.test/callback",
                "https://APP.example.test/callback",
                "https://app.example.test/callback/../callback",
                "https://app.example.test/callback/..;/x",
                "https://app.example.test/%2e%2e/callback",
                "https://app.example.test%25@evil.example/callback",
                "https://user@app.example.test/callback",
                "https://app.example.test/callback\r\nLocation: https://evil.example",
                "https://app.example.test/callback\u0000",
                "https://app.example.tëst/callback",
                " https://app.example.test/callback")) {
            var params = with("redirect_uri", uri);
            params.put("response_type", "token");
            params.put("code_challenge_method", "plain");
            params.put("request_uri", "https://evil.example/request");
            assertPage(() -> parse(params));
        }
        assertPage(() -> parse(with("redirect_uri", null)));
        assertPage(() -> parse(with("redirect_uri", "")));
    }

    @Test
    void aRedirectUriOfAnotherClientIsAPageError() {
        var other = fx.client(NewClient.confidential("Other", "https://other.example.test/cb"))
                .client();
        assertPage(() -> parse(with("redirect_uri", "https://other.example.test/cb")));
        var own = new HashMap<>(ProviderFixture.params(other, "openid", pkce));
        own.put("redirect_uri", "https://other.example.test/cb");
        assertThat(parse(own).client().id()).isEqualTo(other.id());
        own.put("redirect_uri", REDIRECT);
        assertPage(() -> parse(own));
    }

    @Test
    void anOversizedParameterIsAPageError() {
        assertPage(() -> parse(with("state", "s".repeat(AuthorizationRequest.MAX_PARAM + 1))));
        assertPage(() -> parse(with("login_hint", "h".repeat(100_000))));
        assertPage(() -> parse(with("x-unknown", "u".repeat(AuthorizationRequest.MAX_PARAM + 1))));
    }

    @Test
    void laterErrorsGoBackToTheRedirectUriWithTheStateKeptVerbatim() {
        var state = "a b&c=d%20é\"<>";
        var params = with("response_type", "token");
        params.put("state", state);
        var error = redirected(params, OAuthError.UNSUPPORTED_RESPONSE_TYPE);
        assertThat(error.state()).isEqualTo(state);
        assertThat(error.mode()).isEqualTo(ResponseMode.QUERY);

        var noState = with("response_type", "id_token");
        noState.remove("state");
        assertThat(redirected(noState, OAuthError.UNSUPPORTED_RESPONSE_TYPE).state())
                .isNull();
    }

    @Test
    void theErrorGoesInTheRequestedResponseMode() {
        var params = with("response_type", "token");
        params.put("response_mode", "form_post");
        assertThat(redirected(params, OAuthError.UNSUPPORTED_RESPONSE_TYPE).mode())
                .isEqualTo(ResponseMode.FORM_POST);
        assertThat(parse(with("response_mode", "form_post")).responseMode()).isEqualTo(ResponseMode.FORM_POST);
        for (var mode : List.of("fragment", "web_message", "QUERY", "")) {
            var error = redirected(with("response_mode", mode), OAuthError.INVALID_REQUEST);
            assertThat(error.mode()).as("an unknown mode answers in the query").isEqualTo(ResponseMode.QUERY);
            assertThat(error.state()).isEqualTo("state-1");
        }
    }

    @Test
    void onlyResponseTypeCodeIsAccepted() {
        for (var type : List.of("token", "id_token", "code id_token", "code token", "CODE", "code ", "none")) {
            redirected(with("response_type", type), OAuthError.UNSUPPORTED_RESPONSE_TYPE);
        }
        redirected(with("response_type", null), OAuthError.INVALID_REQUEST);
    }

    @Test
    void aClientNotRegisteredForTheCodeGrantIsRefusedAfterItsRedirectUriIsKnown() {
        var machine = fx.client(NewClient.confidential("Machine", REDIRECT).withGrantTypes(Client.CLIENT_CREDENTIALS))
                .client();
        var params = ProviderFixture.params(machine, "openid", pkce);
        var thrown = org.assertj.core.api.Assertions.catchThrowable(() -> parse(params));
        assertThat(thrown).isInstanceOf(RedirectableError.class);
        assertThat(((RedirectableError) thrown).code()).isEqualTo(OAuthError.UNAUTHORIZED_CLIENT);
    }

    @Test
    void pkceWithS256IsRequired() {
        redirected(with("code_challenge", null), OAuthError.INVALID_REQUEST);
        redirected(with("code_challenge_method", null), OAuthError.INVALID_REQUEST);
        redirected(with("code_challenge_method", "plain"), OAuthError.INVALID_REQUEST);
        redirected(with("code_challenge_method", "s256"), OAuthError.INVALID_REQUEST);
        redirected(with("code_challenge_method", "S512"), OAuthError.INVALID_REQUEST);
        var plain = with("code_challenge_method", "plain");
        plain.put("code_challenge", pkce.verifier());
        redirected(plain, OAuthError.INVALID_REQUEST);
    }

    @Test
    void theChallengeIsExactly43Base64urlCharacters() {
        var challenge = pkce.challenge();
        for (var bad : List.of(
                challenge.substring(1),
                challenge + "A",
                challenge.substring(1) + "=",
                challenge.substring(1) + "+",
                challenge.substring(1) + "/",
                challenge.substring(1) + ".",
                challenge.substring(1) + "é",
                challenge.substring(1) + "\n",
                "",
                "A".repeat(128))) {
            redirected(with("code_challenge", bad), OAuthError.INVALID_REQUEST);
        }
        assertThat(parse(with("code_challenge", "-_" + "A".repeat(41))).codeChallenge())
                .isEqualTo("-_" + "A".repeat(41));
    }

    @Test
    void requestObjectsAreRefused() {
        redirected(with("request", "eyJhbGciOiJub25lIn0.e30."), "request_not_supported");
        redirected(with("request_uri", "urn:ietf:params:oauth:request_uri:x"), "request_uri_not_supported");
        redirected(with("request", ""), "request_not_supported");
    }

    @Test
    void promptValuesAreParsedAndNoneGoesAlone() {
        assertThat(parse(with("prompt", "none")).prompts("none")).isTrue();
        assertThat(parse(with("prompt", "login")).prompts("login")).isTrue();
        var both = parse(with("prompt", "login consent"));
        assertThat(both.prompt()).containsExactlyInAnyOrder("login", "consent");
        assertThat(parse(with("prompt", "")).prompt()).isEmpty();
        redirected(with("prompt", "none login"), OAuthError.INVALID_REQUEST);
        redirected(with("prompt", "consent none"), OAuthError.INVALID_REQUEST);
        redirected(with("prompt", "always"), OAuthError.INVALID_REQUEST);
        redirected(with("prompt", "NONE"), OAuthError.INVALID_REQUEST);
        redirected(with("prompt", "none\u0000"), OAuthError.INVALID_REQUEST);
    }

    @Test
    void aRepeatedPromptOrScopeValueIsNotAServerError() {
        // One value twice inside one parameter: the set is what counts; never an exception the endpoint turns into a
        // 500 (a repeated parameter *name* is refused by the web layer, which builds the map given here).
        assertThat(parse(with("prompt", "login login")).prompt()).containsExactly("login");
        assertThat(parse(with("scope", "openid openid email")).scopes().asSet())
                .containsExactlyInAnyOrder("openid", "email");
        assertThat(parse(with("scope", "openid  email   profile")).scopes().asSet())
                .containsExactlyInAnyOrder("openid", "email", "profile");
        redirected(with("prompt", "login  consent"), OAuthError.INVALID_REQUEST);
        assertThat(parse(with("prompt", "none none")).prompt()).containsExactly("none");
    }

    @Test
    void unknownScopesAreLeftOutAndAnOversizedScopeIsRefused() {
        assertThat(parse(with("scope", "openid admin email write:all")).scopes().toString())
                .isEqualTo("openid email");
        redirected(with("scope", "openid " + "x".repeat(Scopes.MAX_LENGTH)), OAuthError.INVALID_SCOPE);
    }

    @Test
    void maxAgeIsANonNegativeNumberOfSeconds() {
        assertThat(parse(with("max_age", "0")).maxAge()).isZero();
        assertThat(parse(with("max_age", "3600")).maxAge()).isEqualTo(3600L);
        for (var bad : List.of("-1", "1.5", "abc", "", " 60", "60 ", "+60", "1e3", "٣", "9999999999", "0x10")) {
            redirected(with("max_age", bad), OAuthError.INVALID_REQUEST);
        }
    }

    @Test
    void uiLocalesAndLoginHintAreCarriedAsSent() {
        var request = parse(with("ui_locales", "ko-KR en"));
        assertThat(request.uiLocales()).isEqualTo("ko-KR en");
        assertThat(request.params()).containsEntry("ui_locales", "ko-KR en");
        assertThat(parse(good()).uiLocales()).isNull();
    }

    @Test
    void acrValuesMfaAsksForASecondFactor() {
        assertThat(parse(with("acr_values", "mfa")).wantsSecondFactor()).isTrue();
        assertThat(parse(with("acr_values", "urn:other mfa")).wantsSecondFactor())
                .isTrue();
        assertThat(parse(with("acr_values", "1fa")).wantsSecondFactor()).isFalse();
        assertThat(parse(with("acr_values", "MFA")).wantsSecondFactor()).isFalse();
        assertThat(parse(good()).wantsSecondFactor()).isFalse();
        assertThat(parse(with("acr_values", "mfa mfa")).wantsSecondFactor()).isTrue();
    }

    @Test
    void nonceAndStateAreBounded() {
        assertThat(parse(with("nonce", "n".repeat(512))).nonce()).hasSize(512);
        redirected(with("nonce", "n".repeat(513)), OAuthError.INVALID_REQUEST);
        var error = redirected(with("state", "s".repeat(1001)), OAuthError.INVALID_REQUEST);
        assertThat(error.state()).hasSize(1001);
    }

    @Test
    void hostileCharactersInEveryParameterNeverEscapeAsAnotherException() {
        var hostile = List.of("\u0000", "\r\n", "\u202e", "\uD800", "%00", "'; DROP TABLE users;--", "\u00a0", "💥");
        for (var name : List.of(
                "response_type",
                "response_mode",
                "scope",
                "state",
                "nonce",
                "code_challenge",
                "code_challenge_method",
                "prompt",
                "max_age",
                "login_hint",
                "ui_locales",
                "acr_values")) {
            for (var value : hostile) {
                var params = with(name, value);
                var thrown = org.assertj.core.api.Assertions.catchThrowable(() -> parse(params));
                if (thrown != null) {
                    assertThat(thrown).as(name + "=" + value).isInstanceOf(RedirectableError.class);
                }
            }
        }
    }
}
