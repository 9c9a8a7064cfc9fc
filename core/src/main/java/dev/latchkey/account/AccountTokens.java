package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;

/**
 * Mailed tokens: 256 random bits as 43 base64url characters; only their SHA-256 is stored. A text that cannot be a
 * token is refused before any lookup, with the one answer every bad token gets.
 */
final class AccountTokens {
    static final int LENGTH = 43;
    private final Secrets secrets;

    AccountTokens(Secrets secrets) {
        this.secrets = secrets;
    }

    /** A new token, and the hash to store. */
    record Fresh(String token, String hash) {}

    Fresh fresh() {
        var token = secrets.urlSafeToken(32);
        return new Fresh(token, Secrets.sha256Hex(token));
    }

    /** The hash to look the token up by; {@link #invalid()} when it cannot be one. */
    static String hashOf(String token) {
        if (token == null || token.length() != LENGTH || !Secrets.isUrlSafeToken(token, 0, LENGTH)) {
            throw invalid();
        }
        return Secrets.sha256Hex(token);
    }

    /**
     * What a token is bound to: a digest of the user's password hash and email when it was issued, so that changing
     * either ends every outstanding token (the digest, not the hash, is what the token row keeps).
     */
    static String binding(String passwordHash, String email) {
        return Secrets.sha256Hex(passwordHash + "\n" + email.toLowerCase(java.util.Locale.ROOT));
    }

    static boolean bound(AccountToken token, String passwordHash, String email) {
        return Secrets.constantTimeEquals(token.binding(), binding(passwordHash, email));
    }

    /** One answer for a token that is unknown, altered, spent, expired, of another purpose or of another user. */
    static InvalidInput invalid() {
        return new InvalidInput("invalid_token", "the link is invalid or has expired; ask for a new one");
    }
}
