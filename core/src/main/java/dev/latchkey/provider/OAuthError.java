package dev.latchkey.provider;

import dev.latchkey.error.LatchkeyException;
import java.util.Map;

/**
 * An error of the OAuth 2.0 / OpenID Connect protocol, with its registered code ({@code invalid_grant},
 * {@code invalid_client}, ...): a JSON error at the token, revocation and introspection endpoints (with
 * {@code error_description}, RFC 6749 §5.2), and the {@code error} of a redirect back to the client at the
 * authorization endpoint.
 */
public class OAuthError extends LatchkeyException {
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String INVALID_CLIENT = "invalid_client";
    public static final String INVALID_GRANT = "invalid_grant";
    public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
    public static final String UNSUPPORTED_RESPONSE_TYPE = "unsupported_response_type";
    public static final String INVALID_SCOPE = "invalid_scope";
    public static final String ACCESS_DENIED = "access_denied";
    public static final String LOGIN_REQUIRED = "login_required";
    public static final String CONSENT_REQUIRED = "consent_required";
    public static final String INTERACTION_REQUIRED = "interaction_required";
    public static final String INVALID_TOKEN = "invalid_token";
    public static final String UNSUPPORTED_TOKEN_TYPE = "unsupported_token_type";
    public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

    public OAuthError(String code, String description) {
        this(code, INVALID_CLIENT.equals(code) ? 401 : 400, description);
    }

    public OAuthError(String code, int status, String description) {
        super(code, status, description);
    }

    public String description() {
        return detail();
    }

    @Override
    public Map<String, Object> fields() {
        return Map.of("error_description", detail());
    }
}
