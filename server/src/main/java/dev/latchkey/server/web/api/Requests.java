package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.InvalidInput;

/** What a JSON body's field must be, checked the same way by every endpoint. */
final class Requests {
    private Requests() {
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
