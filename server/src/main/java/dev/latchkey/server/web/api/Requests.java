package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;

/** What a JSON body's field must be, checked the same way by every endpoint. */
final class Requests {
    private Requests() {}

    /** How recent a browser's sign-in must be for its cookie alone to mint a long-lived credential. */
    static final java.time.Duration RECENT_SIGN_IN = java.time.Duration.ofMinutes(15);

    /**
     * Refuses (403) a browser session signed in longer ago than {@link #RECENT_SIGN_IN}: minting an API token or a
     * token family from it would turn a stolen old cookie into access that outlives the session.
     */
    static void requireRecentSignIn(Exchange exchange, java.time.Instant now, String what) {
        var session = exchange.caller().session();
        if (session == null
                || dev.latchkey.server.web.caller.StepUp.authTime(session)
                        .plus(RECENT_SIGN_IN)
                        .isBefore(now)) {
            throw new HttpErrors.PermissionDenied(
                    what + " needs a recent sign-in: send {\"username\",\"password\"}, " + "or sign in again");
        }
    }

    static String requiredString(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidInput("missing_field", "\"" + field + "\" is required");
        }
        if (!node.isTextual()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be a string");
        }
        return node.asText();
    }

    /** The field's text; empty when absent or null; 400 when it is not a string. */
    static java.util.Optional<String> optionalString(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return java.util.Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidInput("invalid_field", "\"" + field + "\" must be a string");
        }
        return java.util.Optional.of(node.asText());
    }
}
