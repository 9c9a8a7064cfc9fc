package dev.latchkey.password;

import dev.latchkey.error.InvalidInput;
import java.util.Locale;

/**
 * What a new password must be, after Django's default validators: at least {@code minLength} characters, not all
 * digits, and not the username or the email. Checked when a password is set, never at sign-in.
 */
public record PasswordPolicy(int minLength) {
    public static final PasswordPolicy DEFAULT = new PasswordPolicy(8);

    public PasswordPolicy {
        if (minLength < 1 || minLength > 1024) {
            throw new IllegalArgumentException("password minimum length must be between 1 and 1024");
        }
    }

    public void check(String password, String username, String email) {
        PasswordBytes.of(password);
        if (password.codePointCount(0, password.length()) < minLength) {
            throw new InvalidInput("weak_password", "the password must have at least " + minLength + " characters");
        }
        if (password.chars().allMatch(Character::isDigit)) {
            throw new InvalidInput("weak_password", "the password must not be entirely numeric");
        }
        var lower = password.toLowerCase(Locale.ROOT);
        if (lower.equals(username.toLowerCase(Locale.ROOT))
                || (email != null && !email.isEmpty() && lower.equals(email.toLowerCase(Locale.ROOT)))) {
            throw new InvalidInput("weak_password", "the password must not be the username or the email");
        }
    }
}
