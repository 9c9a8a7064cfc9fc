package dev.latchkey.server.web.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.latchkey.provider.IssuedClient;
import dev.latchkey.provider.NewClient;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider driven by a relying party nobody here wrote: the Nimbus OAuth 2.0 / OpenID Connect SDK, configured
 * from discovery alone, through the code flow with PKCE, both secret methods, ID token validation, UserInfo,
 * refresh, introspection, revocation and RP-initiated logout. Every answer must parse with the SDK's own parsers:
 * that is the interoperability check.
 */
class NimbusRelyingPartyTest {
    private static final URI CB = URI.create("https://wiki.example.com/oidc/callback");
    private static final URI BYE = URI.create("https://wiki.example.com/signed-out");

    @TempDir
    static Path dir;

    static TestServer server;
    static OIDCProviderMetadata metadata;
    static JWKSet jwks;
    static IssuedClient wiki;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withPublicUrl(dir, Clock.systemUTC());
        wiki = server.latchkey()
                .clients()
                .create(
                        NewClient.confidential("Wiki", CB.toString()).withPostLogoutRedirectUris(BYE.toString()),
                        RequestContext.NONE);
        var discovery = send(
                new HTTPRequest(HTTPRequest.Method.GET, server.base().resolve("/.well-known/openid-configuration")));
        assertThat(discovery.getStatusCode()).isEqualTo(200);
        metadata = OIDCProviderMetadata.parse(discovery.getBody());
        var keys = send(new HTTPRequest(HTTPRequest.Method.GET, metadata.getJWKSetURI()));
        jwks = JWKSet.parse(keys.getBody());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends with the SDK's own HTTP client, trusting the test server's certificate. */
    private static HTTPResponse send(HTTPRequest request) throws Exception {
        request.setSSLSocketFactory(server.sslContext().getSocketFactory());
        return request.send();
    }

    private static HTTPRequest tokenRequest(ClientAuthentication auth, AuthorizationGrant grant) {
        return new TokenRequest.Builder(metadata.getTokenEndpointURI(), auth, grant)
                .build()
                .toHTTPRequest();
    }

    private static ClientID clientId() {
        return new ClientID(wiki.client().id());
    }

    private static ClientAuthentication basic() {
        return new ClientSecretBasic(clientId(), new Secret(wiki.secret()));
    }

    /** One authentication request with PKCE, and the code the browser carried back for it. */
    private record Authorized(AuthenticationRequest request, CodeVerifier verifier, AuthorizationCode code) {}

    private static Authorized authorize(TestClient browser, Scope scope) throws Exception {
        var verifier = new CodeVerifier();
        var request = new AuthenticationRequest.Builder(
                        new ResponseType(ResponseType.Value.CODE), scope, clientId(), CB)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(new State())
                .nonce(new Nonce())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        var answer = browser.get(request.toURI().toString());
        if (answer.statusCode() == 200) {
            assertThat(answer.body()).contains("Wiki");
            answer = Rp.decide(browser, answer, "allow");
        }
        assertThat(answer.statusCode()).as(answer.body()).isIn(302, 303);
        var parsed = AuthenticationResponseParser.parse(URI.create(Rp.location(answer)));
        assertThat(parsed.indicatesSuccess()).as(Rp.location(answer)).isTrue();
        var success = parsed.toSuccessResponse();
        assertThat(success.getRedirectionURI()).isEqualTo(CB);
        assertThat(success.getState()).isEqualTo(request.getState());
        // RFC 9207: the answer names its issuer, which is the one discovery named.
        assertThat(metadata.supportsAuthorizationResponseIssuerParam()).isTrue();
        assertThat(success.getIssuer()).isEqualTo(metadata.getIssuer());
        assertThat(success.getAuthorizationCode()).isNotNull();
        return new Authorized(request, verifier, success.getAuthorizationCode());
    }

    private static OIDCTokenResponse tokens(ClientAuthentication auth, AuthorizationGrant grant) throws Exception {
        var http = send(tokenRequest(auth, grant));
        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        var parsed = OIDCTokenResponseParser.parse(http);
        assertThat(parsed.indicatesSuccess()).as(http.getBody()).isTrue();
        return (OIDCTokenResponse) parsed.toSuccessResponse();
    }

    private static OIDCTokenResponse exchange(Authorized authorized, ClientAuthentication auth) throws Exception {
        return tokens(auth, new AuthorizationCodeGrant(authorized.code(), CB, authorized.verifier()));
    }

    private static IDTokenClaimsSet validated(JWT idToken, Nonce nonce) throws Exception {
        var algorithm = JWSAlgorithm.parse(metadata.getIDTokenJWSAlgs().get(0).getName());
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(algorithm);
        var validator = new IDTokenValidator(metadata.getIssuer(), clientId(), algorithm, jwks);
        return validator.validate(idToken, nonce);
    }

    private static TokenIntrospectionResponse introspect(com.nimbusds.oauth2.sdk.token.Token token) throws Exception {
        var request = new TokenIntrospectionRequest(metadata.getIntrospectionEndpointURI(), basic(), token);
        return TokenIntrospectionResponse.parse(send(request.toHTTPRequest()));
    }

    @Test
    void discoveryParsesAndNamesWhatTheFlowUses() {
        assertThat(metadata.getIssuer().getValue())
                .isEqualTo(server.base().toString().replaceAll("/$", ""));
        assertThat(metadata.getResponseTypes()).containsExactly(new ResponseType(ResponseType.Value.CODE));
        assertThat(metadata.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(metadata.getTokenEndpointAuthMethods())
                .extracting(m -> m.getValue())
                .contains("client_secret_basic", "client_secret_post", "private_key_jwt");
        assertThat(metadata.getUserInfoEndpointURI()).isNotNull();
        assertThat(metadata.getRevocationEndpointURI()).isNotNull();
        assertThat(metadata.getEndSessionEndpointURI()).isNotNull();
        assertThat(metadata.supportsBackChannelLogout()).isTrue();
        assertThat(jwks.getKeys()).isNotEmpty();
    }

    @Test
    void theCodeFlowWithBasicAuthGivesTokensTheSdkValidatesAndUserInfoThatMatches() throws Exception {
        var browser = server.client();
        browser.signIn();
        var authorized = authorize(browser, new Scope("openid", "profile", "email"));
        var tokens = exchange(authorized, basic());
        var oidc = tokens.getOIDCTokens();
        assertThat(oidc.getRefreshToken()).as("no offline_access").isNull();
        var id = validated(oidc.getIDToken(), authorized.request().getNonce());
        assertThat(id.getAudience())
                .extracting(a -> a.getValue())
                .containsExactly(wiki.client().id());
        assertThat(id.getStringClaim("sid")).isNotBlank();
        assertThat(id.getAuthenticationTime()).isNotNull();
        assertThat(id.getAccessTokenHash()).isNotNull();

        var userInfo = UserInfoResponse.parse(send(
                new UserInfoRequest(metadata.getUserInfoEndpointURI(), oidc.getBearerAccessToken()).toHTTPRequest()));
        assertThat(userInfo.indicatesSuccess()).isTrue();
        var info = userInfo.toSuccessResponse().getUserInfo();
        assertThat(info.getSubject()).isEqualTo(id.getSubject());
        assertThat(info.getPreferredUsername()).isEqualTo("alice");
        assertThat(info.getEmailAddress()).isEqualTo("alice@example.com");
        assertThat(info.getSubject().getValue()).isNotEqualTo("alice");
    }

    @Test
    void aCodeExchangedWithClientSecretPostWorksAndTheCodeIsSingleUse() throws Exception {
        var browser = server.client();
        browser.signIn();
        var authorized = authorize(browser, new Scope("openid"));
        var post = new ClientSecretPost(clientId(), new Secret(wiki.secret()));
        var tokens = exchange(authorized, post);
        validated(tokens.getOIDCTokens().getIDToken(), authorized.request().getNonce());

        var again = send(tokenRequest(post, new AuthorizationCodeGrant(authorized.code(), CB, authorized.verifier())));
        var refused = OIDCTokenResponseParser.parse(again);
        assertThat(refused.indicatesSuccess()).isFalse();
        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        // The reuse revoked what the first use issued.
        assertThat(introspect(tokens.getOIDCTokens().getAccessToken())
                        .toSuccessResponse()
                        .isActive())
                .isFalse();
    }

    @Test
    void aWrongVerifierOrAnotherRedirectUriIsAnSdkParsableInvalidGrant() throws Exception {
        var browser = server.client();
        browser.signIn();
        var authorized = authorize(browser, new Scope("openid"));
        var wrong = send(tokenRequest(basic(), new AuthorizationCodeGrant(authorized.code(), CB, new CodeVerifier())));
        var refused = OIDCTokenResponseParser.parse(wrong);
        assertThat(refused.indicatesSuccess()).isFalse();
        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(wrong.getStatusCode()).isEqualTo(400);
    }

    @Test
    void refreshIntrospectionAndRevocationWorkAsTheSdkExpects() throws Exception {
        var browser = server.client();
        browser.signIn();
        var authorized = authorize(browser, new Scope("openid", "offline_access"));
        var first = exchange(authorized, basic()).getOIDCTokens();
        assertThat(first.getRefreshToken()).isNotNull();
        var id = validated(first.getIDToken(), authorized.request().getNonce());

        var refreshed =
                tokens(basic(), new RefreshTokenGrant(first.getRefreshToken())).getOIDCTokens();
        assertThat(refreshed.getRefreshToken()).isNotEqualTo(first.getRefreshToken());
        assertThat(refreshed.getAccessToken()).isNotEqualTo(first.getAccessToken());
        // A refreshed ID token carries no nonce (OpenID Connect Core 12.2) and names the same user; an offline grant
        // outlives the browser session, so it names that session no more (no sid, or the same one).
        var again = validated(refreshed.getIDToken(), null);
        assertThat(again.getSubject()).isEqualTo(id.getSubject());
        var sid = again.getStringClaim("sid");
        assertThat(sid == null || sid.equals(id.getStringClaim("sid")))
                .as("sid " + sid)
                .isTrue();

        var live = introspect(refreshed.getAccessToken()).toSuccessResponse();
        assertThat(live.isActive()).isTrue();
        assertThat(live.getClientID()).isEqualTo(clientId());
        assertThat(live.getSubject()).isEqualTo(id.getSubject());
        assertThat(live.getScope()).isEqualTo(new Scope("openid", "offline_access"));
        assertThat(introspect(refreshed.getRefreshToken()).toSuccessResponse().isActive())
                .isTrue();
        assertThat(introspect(first.getRefreshToken()).toSuccessResponse().isActive())
                .as("spent by the rotation")
                .isFalse();

        var revoked = send(
                new TokenRevocationRequest(metadata.getRevocationEndpointURI(), basic(), refreshed.getRefreshToken())
                        .toHTTPRequest());
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(introspect(refreshed.getAccessToken()).toSuccessResponse().isActive())
                .isFalse();
        var refused = UserInfoResponse.parse(
                send(new UserInfoRequest(metadata.getUserInfoEndpointURI(), refreshed.getBearerAccessToken())
                        .toHTTPRequest()));
        assertThat(refused.indicatesSuccess()).isFalse();
        assertThat(refused.toErrorResponse().getErrorObject().getCode())
                .isEqualTo(BearerTokenError.INVALID_TOKEN.getCode());
        var afterRevocation = OIDCTokenResponseParser.parse(
                send(tokenRequest(basic(), new RefreshTokenGrant(refreshed.getRefreshToken()))));
        assertThat(afterRevocation.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aWrongSecretIsAnSdkParsableInvalidClient() throws Exception {
        var wrong = new ClientSecretBasic(clientId(), new Secret("lkcs_not-the-secret"));
        var response =
                send(tokenRequest(wrong, new RefreshTokenGrant(new com.nimbusds.oauth2.sdk.token.RefreshToken("x"))));
        assertThat(response.getStatusCode()).isEqualTo(401);
        var parsed = OIDCTokenResponseParser.parse(response);
        assertThat(parsed.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
    }

    @Test
    void rpInitiatedLogoutFromTheSdksUrlSignsTheBrowserOutAndReturnsWithState() throws Exception {
        var browser = server.client();
        browser.signIn();
        var authorized = authorize(browser, new Scope("openid"));
        var idToken = exchange(authorized, basic()).getOIDCTokens().getIDToken();
        var state = new State();
        var logout = new LogoutRequest(metadata.getEndSessionEndpointURI(), idToken, BYE, state);
        var parsedBack = LogoutRequest.parse(logout.toURI());
        assertThat(parsedBack.getPostLogoutRedirectionURI()).isEqualTo(BYE);

        var page = browser.get(logout.toURI().toString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Wiki");
        var confirmed = browser.postForm("/oauth/logout/confirm", Rp.hiddenFields(page.body()));
        assertThat(confirmed.statusCode()).isEqualTo(303);
        var back = URI.create(Rp.location(confirmed));
        assertThat(back.getScheme() + "://" + back.getHost() + back.getPath()).isEqualTo(BYE.toString());
        assertThat(Rp.queryOf(back.toString())).containsEntry("state", state.getValue());
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
    }
}
