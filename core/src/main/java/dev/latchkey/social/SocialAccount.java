package dev.latchkey.social;

import java.time.Instant;

/** A provider identity tied to a user. */
public record SocialAccount(
        long id,
        String provider,
        String subject,
        long userId,
        String email,
        boolean emailVerified,
        Instant created,
        Instant lastLogin) {}
