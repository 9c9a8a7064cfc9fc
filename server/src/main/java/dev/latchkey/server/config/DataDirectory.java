package dev.latchkey.server.config;

import dev.latchkey.error.InvalidInput;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds the database, keys and certificate: it is created readable by its owner only (0700), and
 * an existing one that others can read is reported.
 */
public final class DataDirectory {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataDirectory() {}

    public static Path prepare(Path dir) {
        var path = dir.toAbsolutePath().normalize();
        try {
            if (!Files.exists(path)) {
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                try {
                    Files.createDirectory(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (FileAlreadyExistsException raced) {
                    // another command created it first
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectory(path);
                }
                Files.setPosixFilePermissions(path, OWNER_ONLY);
            } else if (!Files.isDirectory(path)) {
                throw new InvalidInput("invalid_setting", "the data directory " + path + " is not a directory");
            } else {
                warnIfOpen(path);
            }
        } catch (IOException e) {
            throw new InvalidInput(
                    "invalid_setting", "the data directory " + path + " cannot be created: " + e.getMessage());
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: nothing to set
        }
        return path;
    }

    private static void warnIfOpen(Path path) throws IOException {
        try {
            var permissions = Files.getPosixFilePermissions(path);
            if (!OWNER_ONLY.containsAll(permissions)) {
                log.warn(
                        "the data directory {} is readable by others ({}); run: chmod 700 {}",
                        path,
                        PosixFilePermissions.toString(permissions),
                        path);
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to check
        }
    }
}
