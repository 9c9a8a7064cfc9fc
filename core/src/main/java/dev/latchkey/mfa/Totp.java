package dev.latchkey.mfa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords: HOTP (RFC 4226) over HMAC-SHA1 of the number of 30-second steps since the
 * epoch, truncated dynamically (RFC 4226 section 5.3). latchkey uses 6 digits; the generator takes any from 6 to 8 so
 * that the RFC's own test vectors (8 digits, Appendix B) check it.
 */
public final class Totp {
    /** RFC 6238 section 4: the default time step, which every authenticator app assumes. */
    public static final long STEP_SECONDS = 30;

    public static final int DIGITS = 6;

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {}

    /** The time step that {@code at} falls in. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code for {@code step}, as a number of {@code digits} digits (left-padded with zeros when shown). */
    public static int code(byte[] key, long step, int digits) {
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("a TOTP code has 6 to 8 digits");
        }
        byte[] hash;
        try {
            var mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return binary % POWERS[digits];
    }

    /** The code for {@code step} as the user types it: {@code digits} ASCII digits. */
    public static String text(byte[] key, long step, int digits) {
        var number = Integer.toString(code(key, step, digits));
        return "0".repeat(digits - number.length()) + number;
    }
}
