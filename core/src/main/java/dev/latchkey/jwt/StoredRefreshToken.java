package dev.latchkey.jwt;

import java.time.Instant;

/** A refresh token as stored: its hash, its family, its life, and when it was exchanged (null while unspent). */
public record StoredRefreshToken(String hash, TokenFamily family, Instant issued, Instant expires, Instant spent) {}
