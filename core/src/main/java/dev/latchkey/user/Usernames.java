package dev.latchkey.user;

import dev.latchkey.error.InvalidInput;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Django's username rules: {@code UnicodeUsernameValidator} ({@code ^[\w.@+-]+\Z}) and 150 characters at most,
 * after NFKC normalisation ({@code AbstractBaseUser.normalize_username}). Usernames are compared exactly, as in
 * Django, so "Alice" and "alice" are two users.
 *
 * <p>Control and format characters are refused with a message of their own, here and in {@link Emails}: a newline
 * forges lines in logs and terminals, an escape rewrites the terminal, and invisible ones (U+200B zero width space,
 * U+202E right-to-left override, U+FEFF) make one name look like another in a list of users.
 */
public final class Usernames {
    public static final int MAX_LENGTH = 150;
    private static final Pattern VALID = Pattern.compile("[\\p{L}\\p{N}\\p{M}_.@+-]+");

    private Usernames() {}

    /** The normalised form of a valid username, or {@link InvalidInput} naming the problem. */
    public static String normalize(String username) {
        if (username == null || username.isEmpty()) {
            throw new InvalidInput("invalid_username", "a username is required");
        }
        if (username.length() > MAX_LENGTH * 4) {
            throw tooLong();
        }
        if (hasControlCharacter(username)) {
            throw new InvalidInput("invalid_username", "usernames may not contain control characters");
        }
        var normalized = Normalizer.normalize(username, Normalizer.Form.NFKC);
        if (normalized.codePointCount(0, normalized.length()) > MAX_LENGTH) {
            throw tooLong();
        }
        if (!VALID.matcher(normalized).matches()) {
            throw new InvalidInput(
                    "invalid_username", "a username may contain only letters, digits and the characters @ . + - _");
        }
        return normalized;
    }

    /** The normalised form, or empty for anything that could never be a username (for sign-in lookups). */
    public static java.util.Optional<String> tryNormalize(String username) {
        try {
            return java.util.Optional.of(normalize(username));
        } catch (InvalidInput e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * True when {@code text} holds a control character (Unicode Cc: NUL, TAB, CR, LF, ESC, ...), a format character
     * (Cf: U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF, ...) or a line or paragraph separator (U+2028,
     * U+2029). Letters of every script pass.
     */
    static boolean hasControlCharacter(String text) {
        return text.codePoints().anyMatch(c -> {
            int type = Character.getType(c);
            return type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
        });
    }

    private static InvalidInput tooLong() {
        return new InvalidInput("invalid_username", "a username has at most " + MAX_LENGTH + " characters");
    }
}
