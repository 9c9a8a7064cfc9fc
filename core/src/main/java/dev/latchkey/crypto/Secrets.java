package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The one home of random secrets and of the rules for handling them: one {@link SecureRandom}, secrets compared in
 * constant time, and only their SHA-256 kept at rest.
 */
public final class Secrets {
    private static final char[] ALPHANUMERIC =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    /** Uses the platform's strongest non-blocking source. */
    public static Secrets create() {
        return new Secrets(new SecureRandom());
    }

    public byte[] bytes(int count) {
        var out = new byte[count];
        random.nextBytes(out);
        return out;
    }

    /** {@code byteCount} random bytes as unpadded base64url: the form of session ids and tokens on the wire. */
    public String urlSafeToken(int byteCount) {
        return URL_SAFE.encodeToString(bytes(byteCount));
    }

    /** Random letters and digits, the alphabet of Django's salts (22 characters carry 131 bits). */
    public String alphanumeric(int length) {
        var out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(out);
    }

    /** True when {@code text} is exactly {@code length} base64url characters: the shape of every token made here. */
    public static boolean isUrlSafeToken(String text, int offset, int length) {
        if (text == null || text.length() != offset + length) {
            return false;
        }
        for (int i = offset; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes: how a secret is stored and looked up. */
    public static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] data) {
        return digest("SHA-256").digest(data);
    }

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the Java platform", e);
        }
    }

    /** Compares in time that depends only on the lengths, never on where the first difference is. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
