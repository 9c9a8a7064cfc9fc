package dev.latchkey.social;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The two messages of the OAuth 2.0 authorization-code grant with PKCE (RFC 6749 4.1, RFC 7636), for every provider. */
final class AuthorizationCode {
    private AuthorizationCode() {}

    /** The browser's redirect to the authorization endpoint; {@code nonce} null for plain OAuth 2.0. */
    static URI request(
            URI endpoint,
            String clientId,
            String redirectUri,
            Collection<String> scopes,
            String state,
            String codeChallenge,
            String nonce) {
        var query = new LinkedHashMap<String, String>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri);
        if (!scopes.isEmpty()) {
            query.put("scope", String.join(" ", scopes));
        }
        query.put("state", state);
        query.put("code_challenge", codeChallenge);
        query.put("code_challenge_method", "S256");
        if (nonce != null) {
            query.put("nonce", nonce);
        }
        var base = endpoint.toString();
        return URI.create(base + (endpoint.getRawQuery() == null ? "?" : "&") + encode(query));
    }

    /** The token request that exchanges the code (without the client's credentials: how they go differs). */
    static Map<String, String> exchange(String code, String redirectUri, String codeVerifier) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", codeVerifier);
        return form;
    }

    /** {@code application/x-www-form-urlencoded}, for a query or a request body. */
    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
