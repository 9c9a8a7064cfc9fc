package dev.latchkey.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold secrets (TLS keys, the instance secret) are created readable by their owner only (0600). */
public final class OwnerOnly {
    private OwnerOnly() {}

    /**
     * Creates {@code file} with mode 0600 from the start (never briefly readable by others) and writes
     * {@code content}; {@link java.nio.file.FileAlreadyExistsException} when it exists.
     */
    public static void createFile(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }
}
