package dev.latchkey.server.config;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The secret that seals other secrets at rest (the JWT signing keys, kept provider tokens): {@code LATCHKEY_SECRET}
 * (base64 of at least 32 bytes) when set, as it must be on every node of a cluster; otherwise {@code secret.key} in
 * the data directory, made on first use (256 random bits, readable by its owner only). Lose it and the sealed keys
 * cannot be read: new ones must be made ({@code latchkey keys rotate}).
 */
public final class InstanceSecret {
    public static final String ENV = "LATCHKEY_SECRET";
    static final String FILE = "secret.key";

    private InstanceSecret() {}

    public static byte[] load(Path dataDir, Map<String, String> env, Secrets secrets) {
        var fromEnv = env.get(ENV);
        if (fromEnv != null) {
            return decode(fromEnv.strip(), ENV);
        }
        var file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                var secret = secrets.bytes(32);
                try {
                    OwnerOnly.createFile(file, Base64.getEncoder().encodeToString(secret) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another command made it first: read theirs
                }
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
        } catch (IOException e) {
            throw new InvalidInput(
                    "invalid_setting", "the instance secret " + file + " cannot be read or made: " + e.getMessage());
        }
    }

    private static byte[] decode(String text, String source) {
        try {
            var bytes = Base64.getDecoder().decode(text);
            if (bytes.length >= 32) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidInput(
                "invalid_setting",
                source + " must be base64 of at least 32 random bytes "
                        + "(e.g. the output of: head -c 32 /dev/urandom | base64)");
    }
}
