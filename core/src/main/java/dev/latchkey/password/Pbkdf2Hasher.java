package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Django's {@code pbkdf2_sha256} and {@code pbkdf2_sha1}: {@code algorithm$iterations$salt$base64(dk)}.
 *
 * <p>PBKDF2 is the JDK's ({@code PBKDF2WithHmacSHA256}), whose SHA-256 uses the CPU's SHA instructions where
 * there are some: about twice as fast as a pure-Java digest, which matters for every imported Django user's sign-in.
 * It takes the password as characters and hashes their UTF-8 encoding, which is exactly the bytes Django hashes.
 */
public final class Pbkdf2Hasher implements PasswordHasher {
    /** Django 3.2's default; Django 5.2 uses 1,000,000. */
    public static final int DJANGO_32_ITERATIONS = 260_000;

    private final String algorithm;
    private final String jdkAlgorithm;
    private final int keyLength;
    private final int iterations;
    private final Secrets secrets;

    private Pbkdf2Hasher(String algorithm, String jdkAlgorithm, int keyLength, int iterations, Secrets secrets) {
        if (iterations < HashBounds.PBKDF2_MIN_ITERATIONS || iterations > HashBounds.PBKDF2_MAX_ITERATIONS) {
            throw new IllegalArgumentException("pbkdf2 iterations must be between " + HashBounds.PBKDF2_MIN_ITERATIONS
                    + " and " + HashBounds.PBKDF2_MAX_ITERATIONS + ", was " + iterations);
        }
        this.algorithm = algorithm;
        this.jdkAlgorithm = jdkAlgorithm;
        this.keyLength = keyLength;
        this.iterations = iterations;
        this.secrets = secrets;
    }

    public static Pbkdf2Hasher sha256(int iterations, Secrets secrets) {
        return new Pbkdf2Hasher("pbkdf2_sha256", "PBKDF2WithHmacSHA256", 32, iterations, secrets);
    }

    public static Pbkdf2Hasher sha1(int iterations, Secrets secrets) {
        return new Pbkdf2Hasher("pbkdf2_sha1", "PBKDF2WithHmacSHA1", 20, iterations, secrets);
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public String salt() {
        return secrets.alphanumeric(22);
    }

    @Override
    public String encode(byte[] password, String salt) {
        return encode(password, salt, iterations);
    }

    private String encode(byte[] password, String salt, int rounds) {
        if (salt.isEmpty() || salt.contains("$")) {
            throw new IllegalArgumentException("salt must be non-empty and free of '$'");
        }
        var derived = derive(password, salt.getBytes(StandardCharsets.UTF_8), rounds);
        return algorithm + "$" + rounds + "$" + salt + "$" + Base64.getEncoder().encodeToString(derived);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        var fields = Encoded.split(algorithm, encoded, 4);
        int rounds = rounds(fields);
        var expected = Encoded.base64(algorithm, "hash", fields[3]);
        if (expected.length != keyLength) {
            throw new MalformedHash(algorithm, "hash has the wrong length");
        }
        var actual = derive(password, fields[2].getBytes(StandardCharsets.UTF_8), rounds);
        return Secrets.constantTimeEquals(expected, actual);
    }

    @Override
    public boolean mustUpdate(String encoded) {
        var fields = Encoded.split(algorithm, encoded, 4);
        return rounds(fields) < iterations || Salts.tooShort(fields[2]);
    }

    @Override
    public boolean costsAtLeastTheDefault(String encoded) {
        return rounds(Encoded.split(algorithm, encoded, 4)) >= HashBounds.PBKDF2_COSTLY_ITERATIONS;
    }

    private int rounds(String[] fields) {
        return (int) HashBounds.within(
                algorithm,
                "iterations",
                Encoded.number(algorithm, "iterations", fields[1]),
                HashBounds.PBKDF2_MIN_ITERATIONS,
                HashBounds.PBKDF2_MAX_ITERATIONS);
    }

    private byte[] derive(byte[] password, byte[] salt, int rounds) {
        // The bytes are valid UTF-8 (PasswordBytes checked), so decoding and the JDK's re-encoding are exact.
        var chars = new String(password, StandardCharsets.UTF_8).toCharArray();
        var spec = new PBEKeySpec(chars, salt, rounds, keyLength * 8);
        try {
            return SecretKeyFactory.getInstance(jdkAlgorithm)
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jdkAlgorithm + " is required by the Java platform", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
