package dev.latchkey.account;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How people run their own accounts.
 *
 * @param signup               who may make an account
 * @param verification         whether signed-up users must confirm their email
 * @param resetLifetime        how long a password-reset link works ({@code accounts.reset_lifetime}, 30 minutes)
 * @param verificationLifetime how long a verification or email-change link works (3 days)
 * @param invitationLifetime   how long an invitation works (7 days)
 * @param publicUrl            the address in mailed links ({@code server.public_url}): never a request's
 *                             {@code Host}, which whoever asks for a reset could set to their own server
 */
public record AccountSettings(
        SignUpMode signup,
        EmailVerification verification,
        Duration resetLifetime,
        Duration verificationLifetime,
        Duration invitationLifetime,
        URI publicUrl) {

    public static final AccountSettings DEFAULT = new AccountSettings(
            SignUpMode.CLOSED,
            EmailVerification.OPTIONAL,
            Duration.ofMinutes(30),
            Duration.ofDays(3),
            Duration.ofDays(7),
            null);

    public AccountSettings {
        Objects.requireNonNull(signup, "signup");
        Objects.requireNonNull(verification, "verification");
        positive(resetLifetime, "reset lifetime");
        positive(verificationLifetime, "verification lifetime");
        positive(invitationLifetime, "invitation lifetime");
    }

    private static void positive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive");
        }
    }

    /** The default verification for a sign-up mode: required when anyone may sign up, optional otherwise. */
    public static EmailVerification defaultVerification(SignUpMode signup) {
        return signup == SignUpMode.CLOSED ? EmailVerification.OPTIONAL : EmailVerification.REQUIRED;
    }

    public AccountSettings withPublicUrl(URI url) {
        return new AccountSettings(signup, verification, resetLifetime, verificationLifetime, invitationLifetime, url);
    }
}
