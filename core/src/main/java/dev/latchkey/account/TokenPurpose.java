package dev.latchkey.account;

/** What a mailed token is for; a token of one purpose is never accepted for another. */
public enum TokenPurpose {
    RESET("reset"),
    VERIFY_EMAIL("verify"),
    EMAIL_CHANGE("email_change"),
    INVITE("invite");

    private final String stored;

    TokenPurpose(String stored) {
        this.stored = stored;
    }

    public String stored() {
        return stored;
    }

    public static TokenPurpose ofStored(String stored) {
        for (var purpose : values()) {
            if (purpose.stored.equals(stored)) {
                return purpose;
            }
        }
        throw new IllegalArgumentException("no token purpose is stored as " + stored);
    }
}
