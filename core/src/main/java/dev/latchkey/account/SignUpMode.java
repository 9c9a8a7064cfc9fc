package dev.latchkey.account;

/** Who may make an account ({@code accounts.signup}). */
public enum SignUpMode {
    /** Only an operator (the command line, an import) or a provider's first sign-in. */
    CLOSED,
    /** Anyone, on {@code /signup} or {@code POST /api/signup}. */
    OPEN,
    /** Whoever holds an invitation mailed by an operator or a staff user. */
    INVITE
}
