package dev.latchkey.provider;

import java.time.Instant;

/** What a user allowed a client to know, and when they last did. */
public record Consent(long userId, String clientId, Scopes scopes, Instant granted) {}
