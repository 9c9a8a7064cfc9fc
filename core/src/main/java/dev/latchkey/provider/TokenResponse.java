package dev.latchkey.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/** A successful token endpoint answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
public record TokenResponse(String accessToken, long expiresIn, String refreshToken, String idToken, Scopes scopes) {

    /** The JSON body: {@code refresh_token} and {@code id_token} only when issued. */
    public Map<String, Object> body() {
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", expiresIn);
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        if (idToken != null) {
            body.put("id_token", idToken);
        }
        body.put("scope", scopes.toString());
        return body;
    }

    @Override
    public String toString() {
        return "TokenResponse[scope=" + scopes + "]"; // never the tokens
    }
}
