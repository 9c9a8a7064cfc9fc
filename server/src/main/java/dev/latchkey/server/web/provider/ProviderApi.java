package dev.latchkey.server.web.provider;

import dev.latchkey.error.LatchkeyException;
import dev.latchkey.provider.Client;
import dev.latchkey.provider.ClientAuthenticator;
import dev.latchkey.provider.OAuthError;
import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.provider.ProviderAccess;
import dev.latchkey.server.web.caller.InvalidToken;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.OpenApi;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.throttle.SignInThrottle;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The provider's machine endpoints: {@code POST /oauth/token} (RFC 6749 §3.2 with PKCE, refresh rotation and
 * {@code client_credentials}), {@code GET}/{@code POST /oauth/userinfo}, {@code POST /oauth/introspect} (RFC 7662)
 * and {@code POST /oauth/revoke} (RFC 7009). Each authenticates its client itself ({@link ClientAuthenticator}), so
 * the chain is told to resolve no caller here: a Bearer token of the provider's is not one of latchkey's own, and a
 * Basic header is a client's, not a user's.
 */
public final class ProviderApi {
    static final String TOKEN = "/oauth/token";
    static final String USERINFO = "/oauth/userinfo";
    static final String INTROSPECT = "/oauth/introspect";
    static final String REVOKE = "/oauth/revoke";
    private static final String BEARER = "Bearer";

    /** Each endpoint checks its client or token itself, and reads no cookie: {@link Policy#ownCredentials}. */
    private static final Policy CLIENT_AUTHENTICATED = Policy.ownCredentials();

    private final OpenIdProvider provider;
    private final SignInThrottle throttle;
    private final MeterRegistry meters;

    public ProviderApi(OpenIdProvider provider, SignInThrottle throttle, MeterRegistry meters) {
        this.provider = provider;
        this.throttle = throttle;
        this.meters = meters;
    }

    public void register(Router router) {
        var tokenAnswer = Schemas.object(
                "access_token*", Schemas.string("An RFC 9068 access token (at+jwt) for this client"),
                "token_type*", Schemas.string("Bearer"),
                "expires_in*", Schemas.integer(),
                "scope*", Schemas.string(),
                "refresh_token", Schemas.string("With offline_access: rotates on every use"),
                "id_token", Schemas.string("With the openid scope"));
        router.add(
                "POST",
                TOKEN,
                CLIENT_AUTHENTICATED,
                Doc.of("OAuth 2.0 token endpoint")
                        .description("grant_type authorization_code (with code, redirect_uri, code_verifier), "
                                + "refresh_token, or client_credentials; the client authenticates with "
                                + "client_secret_basic, client_secret_post, private_key_jwt or (public) its id.")
                        .form(Schemas.object(
                                "grant_type*", Schemas.string(),
                                "code", Schemas.string(),
                                "redirect_uri", Schemas.string(),
                                "code_verifier", Schemas.string(),
                                "refresh_token", Schemas.string(),
                                "scope", Schemas.string(),
                                "client_id", Schemas.string(),
                                "client_secret", Schemas.string(),
                                "client_assertion_type", Schemas.string(),
                                "client_assertion", Schemas.string()))
                        .answers(200, "Tokens", tokenAnswer)
                        .errors(400, 401, 429),
                (x, p) -> token(x));
        var userInfo = Doc.of("OpenID Connect UserInfo")
                .description("Authorization: Bearer with an access token of this provider's that holds openid.")
                .answers(200, "The user's claims the token's scopes allow", Schemas.object("sub*", Schemas.string()))
                .errors(401, 403);
        var bearerOnly = Policy.ownCredentials();
        router.add("GET", USERINFO, bearerOnly, userInfo, (x, p) -> userInfo(x));
        router.add("POST", USERINFO, bearerOnly, userInfo, (x, p) -> userInfo(x));
        router.add(
                "POST",
                INTROSPECT,
                CLIENT_AUTHENTICATED,
                Doc.of("Token introspection (RFC 7662), for confidential clients and resource servers")
                        .form(Schemas.object("token*", Schemas.string(), "token_type_hint", Schemas.string()))
                        .answers(
                                200,
                                "Whether the token is live, and what it says",
                                Schemas.object("active*", Schemas.bool()))
                        .errors(400, 401, 429),
                (x, p) -> introspect(x));
        router.add(
                "POST",
                REVOKE,
                CLIENT_AUTHENTICATED,
                Doc.of("Token revocation (RFC 7009)")
                        .description("Ends the token's family when it is the calling client's; 200 either way.")
                        .form(Schemas.object("token*", Schemas.string(), "token_type_hint", Schemas.string()))
                        .answers(200, "Revoked, or nothing of the client's to revoke")
                        .errors(400, 401, 429),
                (x, p) -> revoke(x));
    }

    private void token(Exchange x) {
        String grantType = null;
        try {
            var params = OAuthParameters.of(x, true);
            grantType = params.get("grant_type");
            token(x, params);
        } catch (LatchkeyException e) {
            // Per grant type and error, so that a dashboard shows reuse, bad clients and bad grants apart; the grant
            // type is one of the known ones or "other", never what a caller sent.
            meters.counter(
                            "latchkey.oidc.token_errors",
                            "grant_type",
                            grantType != null && Client.GRANT_TYPES.contains(grantType) ? grantType : "other",
                            "error",
                            OpenApi.ERROR_CODES.contains(e.code()) ? e.code() : "other")
                    .increment();
            throw e;
        }
    }

    private void token(Exchange x, Map<String, String> params) {
        var client = authenticated(x, params, TOKEN);
        var grantType = params.get("grant_type");
        if (grantType == null) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "grant_type is required");
        }
        var context = x.client().context();
        var answer = switch (grantType) {
            case Client.AUTHORIZATION_CODE ->
                provider.exchangeCode(
                        client,
                        required(params, "code"),
                        required(params, "redirect_uri"),
                        required(params, "code_verifier"),
                        context);
            case Client.REFRESH_TOKEN ->
                provider.refresh(client, required(params, "refresh_token"), params.get("scope"), context);
            case Client.CLIENT_CREDENTIALS -> provider.clientCredentials(client);
            default ->
                throw new OAuthError(
                        OAuthError.UNSUPPORTED_GRANT_TYPE,
                        "grant_type must be authorization_code, refresh_token or client_credentials");
        };
        noStore(x);
        x.json(200, answer.body());
    }

    private void userInfo(Exchange x) {
        var token = bearer(x);
        ProviderAccess access;
        try {
            access = provider.verifyAccess(token);
        } catch (OAuthError e) {
            throw new InvalidToken(BEARER, "the access token is not valid");
        }
        try {
            var claims = provider.userInfo(access);
            noStore(x);
            x.json(200, claims);
        } catch (OAuthError e) {
            if (e.status() == 403) {
                x.setHeader("WWW-Authenticate", BEARER + " error=\"insufficient_scope\", scope=\"openid\"");
            }
            throw e;
        }
    }

    private void introspect(Exchange x) {
        var params = OAuthParameters.of(x, true);
        var client = authenticated(x, params, INTROSPECT);
        if (client.isPublic()) {
            throw new OAuthError(OAuthError.INVALID_CLIENT, "a public client cannot introspect tokens");
        }
        var token = required(params, "token");
        noStore(x);
        x.json(200, provider.introspect(token));
    }

    private void revoke(Exchange x) {
        var params = OAuthParameters.of(x, true);
        var client = authenticated(x, params, REVOKE);
        provider.revoke(client, required(params, "token"), x.client().context());
        noStore(x);
        x.json(200, Map.of());
    }

    /**
     * The calling client. A failed authentication is counted like a password guess — per address, per (client,
     * address), and per client across addresses — and answers 429 once blocked. A right one is checked before any
     * budget is taken, so that a busy relying party exchanging many codes at once from one address is never refused:
     * its secrets are 256 random bits (or a signature), so only failures are worth limiting.
     */
    private Client authenticated(Exchange x, Map<String, String> params, String path) {
        var presented = presented(x, params);
        try {
            return provider.authenticateClient(presented, provider.issuer() + path);
        } catch (OAuthError e) {
            if (e.code().equals(OAuthError.INVALID_CLIENT)) {
                if (presented.basicId() != null) {
                    x.setHeader("WWW-Authenticate", "Basic realm=\"latchkey\"");
                }
                var claimed = ClientAuthenticator.claimedId(presented).orElse("");
                throttle.attempt("client " + claimed, x.client().ip()).failed();
            }
            throw e;
        }
    }

    private static ClientAuthenticator.Presented presented(Exchange x, Map<String, String> params) {
        String basicId = null;
        String basicSecret = null;
        var header = x.header("Authorization");
        if (header.isPresent()) {
            var value = header.get();
            if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
                throw new OAuthError(OAuthError.INVALID_REQUEST, "the token endpoint takes only Basic authorization");
            }
            // RFC 6749 §2.3.1: the id and the secret are each form-encoded before they are joined.
            String decoded;
            try {
                decoded =
                        new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("no colon");
                }
                basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                basicSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OAuthError(OAuthError.INVALID_CLIENT, "the Basic authorization is malformed");
            }
        }
        return new ClientAuthenticator.Presented(
                params.get("client_id"),
                basicId,
                basicSecret,
                params.get("client_secret"),
                params.get("client_assertion_type"),
                params.get("client_assertion"));
    }

    /** The Bearer access token of a userinfo call: the header (RFC 6750 §2.1) or a form body's access_token. */
    private static String bearer(Exchange x) {
        var header = x.header("Authorization");
        String fromBody = null;
        if (x.method().equals("POST")
                && x.header("Content-Type")
                        .orElse("")
                        .toLowerCase(Locale.ROOT)
                        .startsWith("application/x-www-form-urlencoded")) {
            fromBody = OAuthParameters.of(x, true).get("access_token");
        }
        if (header.isPresent() && fromBody != null) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "send the access token one way, not two");
        }
        if (header.isPresent()) {
            var value = header.get();
            if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return value.substring(7).strip();
            }
            throw new InvalidToken(BEARER, "userinfo takes an access token as Authorization: Bearer");
        }
        if (fromBody != null) {
            return fromBody;
        }
        throw new InvalidToken(BEARER, "userinfo needs an access token");
    }

    private static String required(Map<String, String> params, String name) {
        var value = params.get(name);
        if (value == null) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, name + " is required");
        }
        return value;
    }

    private static void noStore(Exchange x) {
        x.noStore();
        x.setHeader("Pragma", "no-cache");
    }
}
