package dev.latchkey.server.web.provider;

import dev.latchkey.provider.OAuthError;
import dev.latchkey.server.web.http.Exchange;
import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of an OAuth request, one value per name: a name sent twice is refused (RFC 6749 §3.1), and one sent
 * without a value counts as not sent.
 */
final class OAuthParameters {
    /** More names than any OAuth request has is a mistake or an attack. */
    static final int MAX_NAMES = 64;

    private OAuthParameters() {}

    /** The query's parameters ({@code fromBody} false) or the form body's. */
    static Map<String, String> of(Exchange x, boolean fromBody) {
        var pairs = x.parameters(fromBody);
        if (pairs.size() > MAX_NAMES) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "too many parameters");
        }
        var params = new HashMap<String, String>();
        var seen = new java.util.HashSet<String>();
        for (var pair : pairs) {
            if (!seen.add(pair.getKey())) {
                throw new OAuthError(OAuthError.INVALID_REQUEST, "a parameter was sent more than once");
            }
            if (!pair.getValue().isEmpty()) {
                params.put(pair.getKey(), pair.getValue());
            }
        }
        return params;
    }
}
