package dev.latchkey.jwt;

import java.time.Instant;

/** What a verified access token says: whose it is, which token family issued it, and until when it holds. */
public record AccessToken(long userId, String family, String id, Instant expires) {}
