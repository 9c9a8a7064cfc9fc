package dev.latchkey.jwt;

/**
 * A token that is not a valid access token of this server. The message names the check for logs and tests; clients
 * are told only "invalid_token".
 */
public final class InvalidAccessToken extends Exception {
    public InvalidAccessToken(String reason) {
        super(reason, null, false, false);
    }
}
