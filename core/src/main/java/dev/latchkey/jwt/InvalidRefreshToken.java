package dev.latchkey.jwt;

/**
 * A refresh token that cannot be exchanged: unknown, malformed, expired, spent or of a revoked family. The message
 * names the reason for logs and tests; clients are told only "invalid_token".
 */
public final class InvalidRefreshToken extends Exception {
    public InvalidRefreshToken(String reason) {
        super(reason, null, false, false);
    }
}
