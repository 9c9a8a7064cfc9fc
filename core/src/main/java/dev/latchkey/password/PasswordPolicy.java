package dev.latchkey.password;

import com.nulabinc.zxcvbn.Zxcvbn;
import dev.latchkey.error.InvalidInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a new password must be, after NIST SP 800-63B: at least {@code minLength} characters (and at most 4,096
 * bytes), not the username or the email, and not easy to guess — zxcvbn's estimate, which knows common passwords,
 * words, keyboard walks, dates and the user's own name and address, must reach {@code minStrength} (0–4). No
 * composition rules: a long phrase of plain words passes, {@code Passw0rd!} does not. Checked when a password is set,
 * never at sign-in.
 */
public record PasswordPolicy(int minLength, int minStrength) {
    public static final PasswordPolicy DEFAULT = new PasswordPolicy(8, 2);

    /**
     * zxcvbn's time grows with the length and, steeply, with the number of different characters its l33t table
     * knows (a 25-character mix of them took a second): only the first 32 characters are measured, and a start that
     * mixes more than {@value #MAX_LEET_KINDS} of them is no substituted word — it is judged by its length alone
     * ({@value #LONG_ENOUGH} characters). Measuring then costs at most a few milliseconds.
     */
    private static final int MEASURED_CHARACTERS = 32;

    private static final int MAX_LEET_KINDS = 8;
    private static final int LONG_ENOUGH = 12;
    private static final String LEET = "4@8({[<3691!|70$5+%2";

    public PasswordPolicy {
        if (minLength < 1 || minLength > 1024) {
            throw new IllegalArgumentException("password minimum length must be between 1 and 1024");
        }
        if (minStrength < 0 || minStrength > 4) {
            throw new IllegalArgumentException("password minimum strength must be between 0 and 4");
        }
    }

    public PasswordPolicy(int minLength) {
        this(minLength, DEFAULT.minStrength);
    }

    /** Refuses the password with {@code invalid_password} and a detail that says why. */
    public void check(String password, String username, String email) {
        try {
            PasswordBytes.of(password);
        } catch (InvalidInput e) {
            throw new InvalidInput("invalid_password", e.detail());
        }
        if (password.codePointCount(0, password.length()) < minLength) {
            throw refused("the password must have at least " + minLength + " characters");
        }
        var lower = password.toLowerCase(Locale.ROOT);
        if (lower.equals(username.toLowerCase(Locale.ROOT))
                || (email != null && !email.isEmpty() && lower.equals(email.toLowerCase(Locale.ROOT)))) {
            throw refused("the password must not be the username or the email");
        }
        if (minStrength > 0) {
            var measured =
                    password.length() > MEASURED_CHARACTERS ? password.substring(0, MEASURED_CHARACTERS) : password;
            if (leetKinds(measured) > MAX_LEET_KINDS) {
                if (password.codePointCount(0, password.length()) < LONG_ENOUGH) {
                    throw refused("the password is too easy to guess: make it longer");
                }
                return;
            }
            var strength = Estimator.ZXCVBN.measure(measured, personal(username, email));
            if (strength.getScore() < minStrength) {
                var warning = strength.getFeedback().getWarning();
                throw refused("the password is too easy to guess"
                        + (warning == null || warning.isEmpty() ? "" : ": " + warning));
            }
        }
    }

    private static long leetKinds(String text) {
        return text.chars().filter(c -> LEET.indexOf(c) >= 0).distinct().count();
    }

    private static List<String> personal(String username, String email) {
        var words = new ArrayList<String>();
        words.add("latchkey");
        if (username != null && !username.isEmpty()) {
            words.add(username);
        }
        if (email != null && !email.isEmpty()) {
            words.add(email);
            for (var part : email.split("[@.+_-]", -1)) {
                if (part.length() > 2) {
                    words.add(part);
                }
            }
        }
        return words;
    }

    private static InvalidInput refused(String detail) {
        return new InvalidInput("invalid_password", detail);
    }

    /** zxcvbn's dictionaries load once, when a password is first checked; the estimator itself keeps no state. */
    private static final class Estimator {
        static final Zxcvbn ZXCVBN = new Zxcvbn();
    }
}
