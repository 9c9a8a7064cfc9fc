package dev.latchkey.mail;

/**
 * A mail that could not be handed to the SMTP server. {@link #permanent()} when trying again cannot help (the server
 * refused the address with a 5xx); otherwise it is tried again later.
 */
public final class MailFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public MailFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
