package dev.latchkey.user;

import dev.latchkey.error.InvalidInput;
import java.text.Normalizer;

/**
 * What a group name may be: 1 to 150 characters (Django's {@code Group.name}), NFC-normalised, no control or format
 * characters (a newline or U+202E would forge lines in logs and make one name look like another), no spaces at
 * either end. Spaces inside, commas and letters of every script are welcome: wherever names are joined into one line
 * ({@code X-Auth-Groups}) each is percent-encoded first, so a comma in a name can never split it in two.
 */
public final class GroupNames {
    public static final int MAX_LENGTH = 150;

    private GroupNames() {}

    /** The normalised name, or {@link InvalidInput} ({@code invalid_group}) naming the problem. */
    public static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInput("invalid_group", "a group name is required");
        }
        if (name.length() > MAX_LENGTH * 4) {
            throw tooLong();
        }
        if (Usernames.hasControlCharacter(name)) {
            throw new InvalidInput("invalid_group", "group names may not contain control or format characters");
        }
        var normalized = Normalizer.normalize(name, Normalizer.Form.NFC);
        if (normalized.codePointCount(0, normalized.length()) > MAX_LENGTH) {
            throw tooLong();
        }
        if (!normalized.strip().equals(normalized)) {
            throw new InvalidInput("invalid_group", "a group name may not begin or end with a space");
        }
        return normalized;
    }

    private static InvalidInput tooLong() {
        return new InvalidInput("invalid_group", "a group name has at most " + MAX_LENGTH + " characters");
    }
}
