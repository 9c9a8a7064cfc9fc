package dev.latchkey.password;

import dev.latchkey.crypto.Secrets;
import org.apache.commons.codec.digest.UnixCrypt;

/**
 * Django's {@code crypt$$<13 characters>}: traditional DES crypt(3), which reads only the first 8 bytes of the
 * password. Accepted for imported accounts only, and re-hashed at their first sign-in.
 */
public final class CryptHasher implements PasswordHasher {
    private static final String ALGORITHM = "crypt";
    private static final String SALT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final Secrets secrets;

    public CryptHasher(Secrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public String salt() {
        var random = secrets.bytes(2);
        return "" + SALT_ALPHABET.charAt(random[0] & 0x3f) + SALT_ALPHABET.charAt(random[1] & 0x3f);
    }

    @Override
    public String encode(byte[] password, String salt) {
        return ALGORITHM + "$$" + crypt(password, salt);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        var fields = Encoded.split(ALGORITHM, encoded, 3);
        var data = fields[2];
        if (data.length() != 13) {
            throw new MalformedHash(ALGORITHM, "crypt data must have 13 characters");
        }
        return Secrets.constantTimeEquals(data, crypt(password, data));
    }

    @Override
    public boolean mustUpdate(String encoded) {
        return true;
    }

    private static String crypt(byte[] password, String salt) {
        if (salt.length() < 2
                || SALT_ALPHABET.indexOf(salt.charAt(0)) < 0
                || SALT_ALPHABET.indexOf(salt.charAt(1)) < 0) {
            throw new MalformedHash(ALGORITHM, "salt must be two characters of [./0-9A-Za-z]");
        }
        return UnixCrypt.crypt(password, salt.substring(0, 2));
    }
}
