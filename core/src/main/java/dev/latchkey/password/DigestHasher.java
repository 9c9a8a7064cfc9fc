package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Django's legacy digests, kept only so that imported accounts can still sign in (and be re-hashed at once):
 * {@code sha1$salt$hex}, {@code md5$salt$hex}, {@code sha1$$hex} (unsalted_sha1) and a bare 32-character hex MD5 or
 * {@code md5$$hex} (unsalted_md5). Verification re-encodes and compares whole strings in constant time.
 */
public final class DigestHasher implements PasswordHasher {
    private final String algorithm;
    private final String digest;
    private final boolean salted;
    private final Secrets secrets;

    private DigestHasher(String algorithm, String digest, boolean salted, Secrets secrets) {
        this.algorithm = algorithm;
        this.digest = digest;
        this.salted = salted;
        this.secrets = secrets;
    }

    public static DigestHasher sha1(Secrets secrets) {
        return new DigestHasher("sha1", "SHA-1", true, secrets);
    }

    public static DigestHasher md5(Secrets secrets) {
        return new DigestHasher("md5", "MD5", true, secrets);
    }

    public static DigestHasher unsaltedSha1(Secrets secrets) {
        return new DigestHasher("unsalted_sha1", "SHA-1", false, secrets);
    }

    public static DigestHasher unsaltedMd5(Secrets secrets) {
        return new DigestHasher("unsalted_md5", "MD5", false, secrets);
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public String salt() {
        return salted ? secrets.alphanumeric(22) : "";
    }

    @Override
    public String encode(byte[] password, String salt) {
        if (salted && (salt.isEmpty() || salt.contains("$"))) {
            throw new IllegalArgumentException("salt must be non-empty and free of '$'");
        }
        var md = Secrets.digest(digest);
        md.update((salted ? salt : "").getBytes(StandardCharsets.UTF_8));
        var hex = HexFormat.of().formatHex(md.digest(password));
        return switch (algorithm) {
            case "unsalted_md5" -> hex;
            case "unsalted_sha1" -> "sha1$$" + hex;
            default -> algorithm + "$" + salt + "$" + hex;
        };
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        if (algorithm.equals("unsalted_md5")) {
            var bare = encoded.length() == 37 && encoded.startsWith("md5$$") ? encoded.substring(5) : encoded;
            return Secrets.constantTimeEquals(bare, encode(password, ""));
        }
        if (!salted) {
            return Secrets.constantTimeEquals(encoded, encode(password, ""));
        }
        var fields = Encoded.split(algorithm, encoded, 3);
        if (fields[1].isEmpty() || fields[1].contains("$")) {
            throw new MalformedHash(algorithm, "salt is missing");
        }
        return Secrets.constantTimeEquals(encoded, encode(password, fields[1]));
    }

    /** These formats are never the default; {@link PasswordHashing} re-hashes them for that reason alone. */
    @Override
    public boolean mustUpdate(String encoded) {
        return true;
    }
}
