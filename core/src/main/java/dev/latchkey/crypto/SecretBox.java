package dev.latchkey.crypto;

import dev.latchkey.error.LatchkeyException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Encryption of secrets at rest (signing keys, kept provider tokens): AES-256-GCM from the JDK, a fresh 96-bit nonce
 * per message, and associated data that binds a ciphertext to what it belongs to (a key id, a provider account), so
 * rows cannot be swapped. The AES key is derived with HKDF-SHA256 from the instance secret ({@code LATCHKEY_SECRET}
 * or the data directory's {@code secret.key}) and a purpose label, so one secret can serve several purposes.
 */
public final class SecretBox {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final Secrets secrets;

    public SecretBox(byte[] instanceSecret, String purpose, Secrets secrets) {
        if (instanceSecret.length < 32) {
            throw new IllegalArgumentException("the instance secret must have at least 256 bits");
        }
        this.key = new SecretKeySpec(derive(instanceSecret, purpose), "AES");
        this.secrets = secrets;
    }

    /** 256 bits derived from the instance secret for one purpose alone (HKDF-SHA256, the purpose as its info). */
    public static byte[] derive(byte[] instanceSecret, String purpose) {
        var hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(instanceSecret, null, ("latchkey " + purpose).getBytes(StandardCharsets.UTF_8)));
        var derived = new byte[32];
        hkdf.generateBytes(derived, 0, derived.length);
        return derived;
    }

    /** base64(nonce || ciphertext || tag). */
    public String seal(String plaintext, String associatedData) {
        try {
            var nonce = secrets.bytes(NONCE_BYTES);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            var sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the Java platform", e);
        }
    }

    /** The plaintext; a {@link LatchkeyException} when the box was made under another secret or was altered. */
    public String open(String box, String associatedData) {
        try {
            var bytes = Base64.getDecoder().decode(box);
            if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("too short");
            }
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            var plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new LatchkeyException(
                    "wrong_secret",
                    500,
                    "a stored secret cannot be decrypted: the instance "
                            + "secret (LATCHKEY_SECRET or secret.key in the data directory) is not the one it was made with");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the Java platform", e);
        }
    }
}
