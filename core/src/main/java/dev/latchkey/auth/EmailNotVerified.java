package dev.latchkey.auth;

import dev.latchkey.error.LatchkeyException;

/**
 * The password was right, but the account was made by signing up and its email is not confirmed yet, while
 * {@code accounts.email_verification} is {@code required}: HTTP 403, and no session or token.
 */
public final class EmailNotVerified extends LatchkeyException {
    public EmailNotVerified() {
        super(
                "email_not_verified",
                403,
                "confirm your email address first: open the link in the mail we sent, or ask for a new one");
    }
}
