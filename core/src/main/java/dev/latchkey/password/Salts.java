package dev.latchkey.password;

/** Django's rule (3.2+): a salt of fewer than 128 bits of entropy, counted over [a-zA-Z0-9], calls for a re-hash. */
final class Salts {
    /** log2(62) bits per character; 22 characters are the shortest that reach 128 bits. */
    private static final double BITS_PER_CHARACTER = Math.log(62) / Math.log(2);

    private Salts() {}

    static boolean tooShort(String salt) {
        return salt.length() * BITS_PER_CHARACTER < 128;
    }
}
