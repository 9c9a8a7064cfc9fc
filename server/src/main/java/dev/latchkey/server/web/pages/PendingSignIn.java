package dev.latchkey.server.web.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.error.LatchkeyException;
import java.util.Optional;

/**
 * A sign-in in progress at a provider, kept in the browser as a sealed cookie (AES-256-GCM under the instance
 * secret) rather than in a session row: an anonymous visitor who starts a thousand sign-ins writes nothing to the
 * database, and any node with the same secret can finish the sign-in that another started.
 *
 * @param linkUserId the signed-in user who asked to link this provider (from {@code /account}), or null for a sign-in
 * @param at         when it started (epoch milliseconds), to refuse it after its lifetime
 */
record PendingSignIn(
        String provider, String state, String verifier, String nonce, String next, Long linkUserId, long at) {
    private static final String PURPOSE = "pending social sign-in";

    String seal(SecretBox box, ObjectMapper json) {
        try {
            return urlSafe(box.seal(json.writeValueAsString(this), PURPOSE));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pending sign-in could not be written", e);
        }
    }

    /** The pending sign-in in the cookie, or empty when it is absent, forged, altered or sealed under another key. */
    static Optional<PendingSignIn> open(String cookie, SecretBox box, ObjectMapper json) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 4096) {
            return Optional.empty();
        }
        try {
            var pending =
                    json.readValue(box.open(cookie.replace('-', '+').replace('_', '/'), PURPOSE), PendingSignIn.class);
            return pending.provider() == null
                            || pending.state() == null
                            || pending.verifier() == null
                            || pending.nonce() == null
                            || pending.next() == null
                    ? Optional.empty()
                    : Optional.of(pending);
        } catch (LatchkeyException | JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String urlSafe(String base64) {
        return base64.replace('+', '-').replace('/', '_');
    }
}
