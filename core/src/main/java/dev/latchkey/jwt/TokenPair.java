package dev.latchkey.jwt;

import java.time.Duration;
import java.time.Instant;

/**
 * What a sign-in or a refresh answers: an access token (a JWT) and a refresh token (opaque). The refresh token is
 * shown here once; only its hash is kept.
 */
public record TokenPair(String access, String refresh, Duration accessLifetime, Instant refreshExpires, String family) {
    @Override
    public String toString() {
        return "TokenPair[family=" + family + ", access=<redacted>, refresh=<redacted>]";
    }
}
