package dev.latchkey.account;

import java.time.Instant;

/**
 * A mailed single-use token as stored: never the token, only its SHA-256.
 *
 * @param userId  the user it was issued to; null for an invitation
 * @param email   the address it was mailed to (the new one for an email change, the invited one)
 * @param binding what it was issued against ({@link AccountTokens#binding}); it stops working when that changes
 * @param staff   an invitation to a staff account
 * @param spent   when it was used, or null
 */
public record AccountToken(
        long id,
        TokenPurpose purpose,
        Long userId,
        String email,
        String binding,
        boolean staff,
        Instant created,
        Instant expires,
        Instant spent) {

    public boolean usableAt(Instant now) {
        return spent == null && now.isBefore(expires);
    }
}
