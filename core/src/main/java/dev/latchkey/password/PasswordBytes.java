package dev.latchkey.password;

import dev.latchkey.error.InvalidInput;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A password's UTF-8 bytes, refused before any hashing when it is not valid Unicode or too long to hash cheaply. */
public final class PasswordBytes {
    /** Longer passwords are refused before hashing, so that nobody can buy minutes of CPU with one request. */
    public static final int MAX_BYTES = 4096;

    private PasswordBytes() {}

    public static byte[] of(String password) {
        if (password == null) {
            throw new InvalidInput("invalid_password", "a password is required");
        }
        if (password.length() > MAX_BYTES) {
            throw tooLong();
        }
        try {
            var buffer = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
            if (buffer.remaining() > MAX_BYTES) {
                throw tooLong();
            }
            var bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new InvalidInput("invalid_password", "the password is not valid Unicode text");
        }
    }

    private static InvalidInput tooLong() {
        return new InvalidInput("invalid_password", "the password is longer than " + MAX_BYTES + " bytes");
    }
}
