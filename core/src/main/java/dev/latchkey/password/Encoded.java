package dev.latchkey.password;

import java.util.Base64;

/** Splitting and number parsing shared by the hashers; every failure is a {@link MalformedHash}. */
final class Encoded {
    private Encoded() {
    }

    /** Splits into exactly {@code parts} fields on {@code $}; the last field keeps any further {@code $}. */
    static String[] split(String algorithm, String encoded, int parts) {
        var fields = encoded.split("\\$", parts);
        if (fields.length != parts || !fields[0].equals(algorithm)) {
            throw new MalformedHash(algorithm, "expected " + parts + " fields separated by '$'");
        }
        return fields;
    }

    static int positiveInt(String algorithm, String name, String text, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value < 1 || value > max) {
                throw new MalformedHash(algorithm, name + " out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new MalformedHash(algorithm, name + " is not a number");
        }
    }

    static byte[] base64(String algorithm, String name, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedHash(algorithm, name + " is not base64");
        }
    }
}
