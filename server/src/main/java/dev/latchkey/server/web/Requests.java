package dev.latchkey.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.user.User;

/** Small checks every endpoint shares: who must be signed in, and what a JSON field must be. */
final class Requests {
    private Requests() {
    }

    static User requireUser(Exchange exchange) {
        var caller = exchange.caller();
        if (!caller.isAuthenticated()) {
            throw new LatchkeyException("not_authenticated", 401, "authentication credentials were not provided");
        }
        return caller.user();
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
