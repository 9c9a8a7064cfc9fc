package dev.latchkey.user;

import dev.latchkey.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email addresses as Django's {@code normalize_email} treats them: the domain is lower-cased, the local part kept.
 * The check is deliberately loose (one {@code @}, no spaces, a dot-free domain allowed for intranets): the only proof
 * that an address works is a message that arrives. Control and format characters are refused, as in usernames
 * ({@link Usernames}).
 */
public final class Emails {
    public static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private Emails() {}

    /**
     * An address latchkey will mail, normalised: a bare {@code local@domain} (RFC 5321's mailbox, letters of any
     * script allowed), never a display name, comment, route or list — {@code x<victim@example.org>} passes the loose
     * check above but is delivered to {@code victim@example.org}, so it would count as an address of its own while
     * mailing someone else.
     */
    public static String requireDeliverable(String email) {
        var normalized = normalize(email);
        if (normalized.isEmpty()) {
            throw new InvalidInput("invalid_email", "an email address is required");
        }
        if (!MAILBOX.matcher(normalized).matches()) {
            throw notValid();
        }
        return normalized;
    }

    private static final Pattern MAILBOX = Pattern.compile(
            "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[\\p{L}\\p{N}]([\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?(\\.[\\p{L}\\p{N}]([\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?)*");

    public static String normalize(String email) {
        if (email == null || email.isEmpty()) {
            return "";
        }
        if (email.length() > MAX_LENGTH) {
            throw notValid();
        }
        if (Usernames.hasControlCharacter(email)) {
            throw new InvalidInput("invalid_email", "email addresses may not contain control characters");
        }
        if (!SHAPE.matcher(email).matches()) {
            throw notValid();
        }
        int at = email.lastIndexOf('@');
        return email.substring(0, at) + "@" + email.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static InvalidInput notValid() {
        return new InvalidInput("invalid_email", "the email address is not valid");
    }
}
