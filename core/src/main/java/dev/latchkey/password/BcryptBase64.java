package dev.latchkey.password;

import java.util.Optional;

/**
 * bcrypt's own base64 alphabet ({@code ./A-Za-z0-9}, no padding), needed to read the 16-byte salt out of a stored
 * bcrypt string: Bouncy Castle keeps its decoder private. This is an encoding, not cryptography.
 */
final class BcryptBase64 {
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private BcryptBase64() {}

    static String encode(byte[] data) {
        var out = new StringBuilder();
        int i = 0;
        while (i < data.length) {
            int c1 = data[i++] & 0xff;
            out.append(ALPHABET.charAt(c1 >>> 2));
            c1 = (c1 & 0x03) << 4;
            if (i >= data.length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            int c2 = data[i++] & 0xff;
            c1 |= c2 >>> 4;
            out.append(ALPHABET.charAt(c1));
            c1 = (c2 & 0x0f) << 2;
            if (i >= data.length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            c2 = data[i++] & 0xff;
            c1 |= c2 >>> 6;
            out.append(ALPHABET.charAt(c1));
            out.append(ALPHABET.charAt(c2 & 0x3f));
        }
        return out.toString();
    }

    /** Decodes exactly {@code length} bytes, or empty if {@code text} holds a character outside the alphabet. */
    static Optional<byte[]> decode(String text, int length) {
        var out = new byte[length];
        int bits = 0;
        int bitCount = 0;
        int n = 0;
        for (int i = 0; i < text.length() && n < length; i++) {
            int value = ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                return Optional.empty();
            }
            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 8) {
                bitCount -= 8;
                out[n++] = (byte) (bits >>> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }
        return n == length ? Optional.of(out) : Optional.empty();
    }
}
