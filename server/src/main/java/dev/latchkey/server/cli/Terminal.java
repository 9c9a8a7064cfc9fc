package dev.latchkey.server.cli;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.PasswordBytes;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * What a command may touch of the outside: standard streams, the environment and, when there is one, the console.
 * Tests give their own; {@link #system()} is the real one.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Console console) {

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, System.getenv(), System.console());
    }

    public boolean interactive() {
        return console != null;
    }

    /**
     * A new password: read whole from standard input ({@code --password-stdin}, one trailing newline removed), or
     * asked for twice at the console. Never from the command line, where other users can read it.
     */
    public String newPassword(boolean fromStdin) {
        if (fromStdin) {
            return readStdinPassword();
        }
        if (console == null) {
            throw new InvalidInput(
                    "no_terminal", "no terminal to ask for the password on; pipe it in with --password-stdin");
        }
        var first = console.readPassword("Password: ");
        var second = console.readPassword("Password (again): ");
        if (first == null || second == null) {
            throw new InvalidInput("invalid_password", "no password was entered");
        }
        try {
            if (!Arrays.equals(first, second)) {
                throw new InvalidInput("invalid_password", "the two passwords differ");
            }
            return new String(first);
        } finally {
            Arrays.fill(first, '\0');
            Arrays.fill(second, '\0');
        }
    }

    private String readStdinPassword() {
        byte[] bytes;
        try {
            bytes = readAtMost(in, PasswordBytes.MAX_BYTES + 3);
        } catch (IOException e) {
            throw new InvalidInput("invalid_password", "standard input could not be read: " + e.getMessage());
        }
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        if (end > PasswordBytes.MAX_BYTES) {
            throw new InvalidInput(
                    "invalid_password", "the password is longer than " + PasswordBytes.MAX_BYTES + " bytes");
        }
        if (end == 0) {
            throw new InvalidInput("invalid_password", "standard input held no password");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, end))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInput("invalid_password", "the password on standard input is not valid UTF-8");
        }
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        var out = new ByteArrayOutputStream();
        var buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > limit) {
                break;
            }
        }
        return out.toByteArray();
    }
}
