package dev.latchkey.server.web.provider;

import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.provider.Scopes;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0) and the same document at
 * {@code /.well-known/oauth-authorization-server} (RFC 8414): what a relying party configures itself from, given
 * only the issuer.
 */
public final class Discovery {
    private static final List<String> AUTH_METHODS =
            List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    private static final List<String> ASSERTION_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    private final OpenIdProvider provider;

    public Discovery(OpenIdProvider provider) {
        this.provider = provider;
    }

    public void register(Router router) {
        var schema = Schemas.object(
                "issuer*", Schemas.string(),
                "authorization_endpoint*", Schemas.string(),
                "token_endpoint*", Schemas.string(),
                "jwks_uri*", Schemas.string());
        for (var path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            router.add(
                    "GET",
                    path,
                    Policy.anyone().publicFor(Duration.ofHours(1)),
                    Doc.of("The provider's metadata (OpenID Connect Discovery, RFC 8414)")
                            .answers(200, "The metadata", schema),
                    (x, p) -> serve(x));
        }
    }

    private void serve(Exchange x) {
        x.json(200, document());
    }

    Map<String, Object> document() {
        var issuer = provider.issuer();
        var d = new LinkedHashMap<String, Object>();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + AuthorizePages.AUTHORIZE);
        d.put("token_endpoint", issuer + ProviderApi.TOKEN);
        d.put("userinfo_endpoint", issuer + ProviderApi.USERINFO);
        d.put("jwks_uri", issuer + "/.well-known/jwks.json");
        d.put("revocation_endpoint", issuer + ProviderApi.REVOKE);
        d.put("introspection_endpoint", issuer + ProviderApi.INTROSPECT);
        d.put("end_session_endpoint", issuer + LogoutPages.LOGOUT);
        d.put("scopes_supported", Scopes.SUPPORTED);
        d.put("response_types_supported", List.of("code"));
        d.put("response_modes_supported", List.of("query", "form_post"));
        d.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of(provider.tokens().signingAlgorithm()));
        d.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        d.put("token_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        d.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        d.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS.subList(0, 3));
        d.put("code_challenge_methods_supported", List.of("S256"));
        d.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
        d.put("acr_values_supported", List.of("1fa", "mfa"));
        d.put("ui_locales_supported", List.of("en", "ko"));
        d.put(
                "claims_supported",
                List.of(
                        "iss",
                        "sub",
                        "aud",
                        "exp",
                        "iat",
                        "auth_time",
                        "nonce",
                        "acr",
                        "amr",
                        "azp",
                        "sid",
                        "at_hash",
                        "name",
                        "preferred_username",
                        "email",
                        "email_verified",
                        "groups"));
        d.put("claims_parameter_supported", false);
        d.put("request_parameter_supported", false);
        d.put("request_uri_parameter_supported", false);
        d.put("authorization_response_iss_parameter_supported", true);
        d.put("backchannel_logout_supported", true);
        d.put("backchannel_logout_session_supported", true);
        d.put("frontchannel_logout_supported", false);
        return d;
    }
}
