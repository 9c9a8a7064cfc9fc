package dev.latchkey.jwt;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;

/**
 * A JWT signing key as stored: its public half, its private half still sealed, and when it was made and retired.
 * A retired key signs nothing new; it keeps verifying (and stays in the JWKS) until the last token it signed has
 * expired.
 *
 * @param publicJwk the public half, or null for an HMAC key, which has none
 * @param retired   null while the key is the one that signs
 */
public record SigningKey(
        String kid, String algorithm, JWK publicJwk, String sealedPrivateJwk, Instant created, Instant retired) {
    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        if (publicJwk != null && publicJwk.isPrivate()) {
            throw new IllegalArgumentException("the public JWK of " + kid + " holds private parameters");
        }
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", created=" + created + ", retired=" + retired
                + "]";
    }
}
