package dev.latchkey.mfa;

import java.util.Optional;

/**
 * What counts as a typed code. Spaces (U+0020) are dropped, since apps show "123 456" and people copy it so; anything
 * else that is not an ASCII digit — a letter, a Unicode digit such as "١", a dash — makes the code malformed rather
 * than being read as something it is not.
 */
final class Codes {
    private Codes() {}

    /** The six ASCII digits of a TOTP code, or empty when it is not one. */
    static Optional<String> totp(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        var digits = typed.replace(" ", "");
        if (digits.length() != Totp.DIGITS) {
            return Optional.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        return Optional.of(digits);
    }

    /**
     * A recovery code as stored: lower-case letters and digits of {@link RecoveryCodes#ALPHABET}, without the spaces
     * and dashes it is shown with, or empty when it cannot be one.
     */
    static Optional<String> recovery(String typed) {
        if (typed == null || typed.length() > 64) {
            return Optional.empty();
        }
        var out = new StringBuilder(RecoveryCodes.LENGTH);
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (RecoveryCodes.ALPHABET.indexOf(c) < 0) {
                return Optional.empty();
            }
            out.append(c);
        }
        return out.length() == RecoveryCodes.LENGTH ? Optional.of(out.toString()) : Optional.empty();
    }
}
