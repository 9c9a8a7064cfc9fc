package dev.latchkey.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code sub} of a user, and the {@code sid} of a session, as the provider's tokens name them: stable and opaque
 * (HMAC-SHA256 of the row id or the session's hash under a key derived from the instance secret, 128 bits in
 * base64url), so that no client learns the username, the row id or anything that finds the session cookie. The same
 * on every node with the same instance secret; nothing is stored.
 */
public final class Subjects {
    private final SecretKeySpec key;

    /** @param key at least 32 bytes, for this use alone (derived from the instance secret) */
    public Subjects(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the subject key needs at least 256 bits");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public String subject(long userId) {
        return mac("user " + userId);
    }

    public String sessionId(String sessionHash) {
        return mac("session " + sessionHash);
    }

    private String mac(String input) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            var digest = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }
}
