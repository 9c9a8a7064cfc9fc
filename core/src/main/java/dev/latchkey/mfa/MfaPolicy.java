package dev.latchkey.mfa;

import dev.latchkey.user.User;
import java.util.Locale;

/** Who must have a second factor ({@code mfa.required}): nobody, staff and superusers, or everyone. */
public enum MfaPolicy {
    NONE,
    STAFF,
    ALL;

    public boolean requires(User user) {
        return this == ALL || (this == STAFF && (user.staff() || user.superuser()));
    }

    /** {@code none}, {@code staff} or {@code all}; {@link IllegalArgumentException} naming them otherwise. */
    public static MfaPolicy parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "staff" -> STAFF;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException("must be none, staff or all, not " + text);
        };
    }
}
