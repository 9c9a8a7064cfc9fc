package dev.latchkey.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.Objects;

/**
 * How JWTs are made: the signing algorithm, the {@code iss} and {@code aud} claims, and three lifetimes. An access
 * token lives {@code accessLifetime} (simplejwt's 5 minutes by default, at most {@link #MAX_ACCESS_LIFETIME}); a
 * refresh token lives
 * {@code refreshLifetime} from its issue (sliding: each refresh starts a new one), but never past
 * {@code familyLifetime} from the sign-in that started its family (the absolute cap simplejwt and Spring lack).
 */
public record JwtSettings(
        JWSAlgorithm algorithm,
        String issuer,
        String audience,
        Duration accessLifetime,
        Duration refreshLifetime,
        Duration familyLifetime) {
    /**
     * The longest access lifetime allowed. Revoked families are remembered for this long (not for the lifetime now
     * configured), so that lowering the lifetime and restarting cannot revive a token issued under the old one.
     */
    public static final Duration MAX_ACCESS_LIFETIME = Duration.ofDays(1);

    public static final JwtSettings DEFAULT = new JwtSettings(
            JWSAlgorithm.RS256, "latchkey", "latchkey", Duration.ofMinutes(5), Duration.ofDays(1), Duration.ofDays(30));

    public JwtSettings {
        Objects.requireNonNull(algorithm, "algorithm");
        requireText(issuer, "issuer");
        requireText(audience, "audience");
        requirePositive(accessLifetime, "accessLifetime");
        if (accessLifetime.compareTo(MAX_ACCESS_LIFETIME) > 0) {
            throw new IllegalArgumentException("the access lifetime must not be longer than " + MAX_ACCESS_LIFETIME);
        }
        requirePositive(refreshLifetime, "refreshLifetime");
        requirePositive(familyLifetime, "familyLifetime");
        if (familyLifetime.compareTo(refreshLifetime) < 0) {
            throw new IllegalArgumentException("the family lifetime must not be shorter than the refresh lifetime");
        }
    }

    public JwtSettings withAlgorithm(JWSAlgorithm value) {
        return new JwtSettings(value, issuer, audience, accessLifetime, refreshLifetime, familyLifetime);
    }

    public JwtSettings withAccessLifetime(Duration value) {
        return new JwtSettings(algorithm, issuer, audience, value, refreshLifetime, familyLifetime);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
