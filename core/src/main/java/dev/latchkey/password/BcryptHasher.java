package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Django's {@code bcrypt} ({@code bcrypt$$2b$12$...}, the raw UTF-8 password, of which bcrypt reads only the first 72
 * bytes) and {@code bcrypt_sha256} (the lower-case hex SHA-256 of the password goes into bcrypt instead, so nothing is
 * truncated). Verification re-encodes with the stored salt and compares the whole strings, as Django does.
 */
public final class BcryptHasher implements PasswordHasher {
    private static final int BCRYPT_MAX_KEY = 72;

    private final String algorithm;
    private final boolean preHash;
    private final int cost;
    private final Secrets secrets;

    private BcryptHasher(String algorithm, boolean preHash, int cost, Secrets secrets) {
        if (cost < HashBounds.BCRYPT_MIN_COST || cost > HashBounds.BCRYPT_MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + HashBounds.BCRYPT_MIN_COST + " and "
                    + HashBounds.BCRYPT_MAX_COST + ", was " + cost);
        }
        this.algorithm = algorithm;
        this.preHash = preHash;
        this.cost = cost;
        this.secrets = secrets;
    }

    /** Django's {@code BCryptPasswordHasher} (12 rounds by default). */
    public static BcryptHasher plain(int cost, Secrets secrets) {
        return new BcryptHasher("bcrypt", false, cost, secrets);
    }

    /** Django's {@code BCryptSHA256PasswordHasher}. */
    public static BcryptHasher sha256(int cost, Secrets secrets) {
        return new BcryptHasher("bcrypt_sha256", true, cost, secrets);
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    /** A salt in the form of {@code bcrypt.gensalt()}: {@code $2b$<cost>$<22 characters>}. */
    @Override
    public String salt() {
        return String.format("$2b$%02d$%s", cost, BcryptBase64.encode(secrets.bytes(16)));
    }

    @Override
    public String encode(byte[] password, String salt) {
        return algorithm + "$" + bcrypt(password, salt);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        var data = data(encoded);
        return Secrets.constantTimeEquals(encoded, algorithm + "$" + bcrypt(password, data));
    }

    @Override
    public boolean mustUpdate(String encoded) {
        return parseCost(data(encoded)) < cost;
    }

    @Override
    public boolean costsAtLeastTheDefault(String encoded) {
        return parseCost(data(encoded)) >= HashBounds.BCRYPT_COSTLY_COST;
    }

    private String data(String encoded) {
        var fields = Encoded.split(algorithm, encoded, 2);
        if (fields[1].length() != 60) {
            throw new MalformedHash(algorithm, "bcrypt string must have 60 characters");
        }
        return fields[1];
    }

    /** {@code settings} is a salt or a whole bcrypt string; its first 29 characters are version, cost and salt. */
    private String bcrypt(byte[] password, String settings) {
        if (settings.length() < 29
                || settings.charAt(0) != '$'
                || settings.charAt(3) != '$'
                || settings.charAt(6) != '$') {
            throw new MalformedHash(algorithm, "bcrypt settings must look like $2b$12$<22 characters>");
        }
        var version = settings.substring(1, 3);
        if (!version.equals("2a") && !version.equals("2b") && !version.equals("2y")) {
            throw new MalformedHash(algorithm, "unknown bcrypt version");
        }
        var salt = BcryptBase64.decode(settings.substring(7, 29), 16)
                .orElseThrow(() -> new MalformedHash(algorithm, "salt is not bcrypt base64"));
        var key = preHash ? hexSha256(password) : password;
        // Python's bcrypt hashes only the first 72 bytes; Bouncy Castle refuses longer input instead.
        if (key.length > BCRYPT_MAX_KEY) {
            key = java.util.Arrays.copyOf(key, BCRYPT_MAX_KEY);
        }
        return OpenBSDBCrypt.generate(version, key, salt, parseCost(settings));
    }

    private int parseCost(String settings) {
        return (int) HashBounds.within(
                algorithm,
                "cost",
                Encoded.number(algorithm, "cost", settings.substring(4, 6)),
                HashBounds.BCRYPT_MIN_COST,
                HashBounds.BCRYPT_MAX_COST);
    }

    private static byte[] hexSha256(byte[] password) {
        return HexFormat.of().formatHex(Secrets.sha256(password)).getBytes(StandardCharsets.US_ASCII);
    }
}
