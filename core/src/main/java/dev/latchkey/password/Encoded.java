package dev.latchkey.password;

import java.util.Base64;

/** Splitting and number parsing shared by the hashers; every failure is a {@link MalformedHash}. */
final class Encoded {
    private Encoded() {}

    /** Splits into exactly {@code parts} fields on {@code $}; the last field keeps any further {@code $}. */
    static String[] split(String algorithm, String encoded, int parts) {
        var fields = encoded.split("\\$", parts);
        if (fields.length != parts || !fields[0].equals(algorithm)) {
            throw new MalformedHash(algorithm, "expected " + parts + " fields separated by '$'");
        }
        return fields;
    }

    /** A whole number as written; whether it is a sane one is {@link HashBounds}'s call. */
    static long number(String algorithm, String name, String text) {
        // Digits only: Long.parseLong would also take a sign and digits of other scripts.
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedHash(algorithm, name + " is not a number");
        }
        return Long.parseLong(text);
    }

    static byte[] base64(String algorithm, String name, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedHash(algorithm, name + " is not base64");
        }
    }
}
