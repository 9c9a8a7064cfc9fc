package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Django's {@code pbkdf2_sha256} and {@code pbkdf2_sha1}: {@code algorithm$iterations$salt$base64(dk)}.
 *
 * <p>PBKDF2 is Bouncy Castle's over raw bytes: the JDK's {@code PBKDF2WithHmacSHA256} key factory takes the password
 * as {@code char[]} and refuses an empty one, while Django hashes the exact UTF-8 bytes, empty included.
 */
public final class Pbkdf2Hasher implements PasswordHasher {
    /** Django 3.2's default; Django 5.2 uses 1,000,000. */
    public static final int DJANGO_32_ITERATIONS = 260_000;
    private static final int MAX_ITERATIONS = 100_000_000;

    private final String algorithm;
    private final Supplier<Digest> digest;
    private final int keyLength;
    private final int iterations;
    private final Secrets secrets;

    private Pbkdf2Hasher(String algorithm, Supplier<Digest> digest, int keyLength, int iterations, Secrets secrets) {
        this.algorithm = algorithm;
        this.digest = digest;
        this.keyLength = keyLength;
        this.iterations = iterations;
        this.secrets = secrets;
    }

    public static Pbkdf2Hasher sha256(int iterations, Secrets secrets) {
        return new Pbkdf2Hasher("pbkdf2_sha256", SHA256Digest::new, 32, iterations, secrets);
    }

    public static Pbkdf2Hasher sha1(int iterations, Secrets secrets) {
        return new Pbkdf2Hasher("pbkdf2_sha1", SHA1Digest::new, 20, iterations, secrets);
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
        int rounds = Encoded.positiveInt(algorithm, "iterations", fields[1], MAX_ITERATIONS);
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
        int rounds = Encoded.positiveInt(algorithm, "iterations", fields[1], MAX_ITERATIONS);
        return rounds < iterations || Salts.tooShort(fields[2]);
    }

    private byte[] derive(byte[] password, byte[] salt, int rounds) {
        var generator = new PKCS5S2ParametersGenerator(digest.get());
        generator.init(password, salt, rounds);
        return ((KeyParameter) generator.generateDerivedParameters(keyLength * 8)).getKey();
    }
}
