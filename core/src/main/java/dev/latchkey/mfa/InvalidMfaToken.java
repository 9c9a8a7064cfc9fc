package dev.latchkey.mfa;

import dev.latchkey.error.LatchkeyException;

/**
 * The {@code mfa_token} is unknown, expired, used, spent on too many wrong codes, or presented from another address
 * than the one it was issued to: the same 401 for all, so a stolen token teaches its thief nothing. Sign in again.
 */
public final class InvalidMfaToken extends LatchkeyException {
    InvalidMfaToken() {
        super("invalid_mfa_token", 401, "this sign-in is no longer valid: sign in again");
    }
}
