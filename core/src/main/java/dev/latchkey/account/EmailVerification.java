package dev.latchkey.account;

/** Whether a signed-up user must confirm their email ({@code accounts.email_verification}). */
public enum EmailVerification {
    /** A mail is sent, and the account cannot sign in until its link is used. */
    REQUIRED,
    /** A mail is sent; the account signs in either way. */
    OPTIONAL,
    /** No mail. */
    OFF
}
