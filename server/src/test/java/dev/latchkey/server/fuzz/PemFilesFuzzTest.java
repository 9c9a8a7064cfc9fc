package dev.latchkey.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.server.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS files are the operator's (or certbot's), and {@code CertificateReloader} reads them again while they are
 * being rewritten. Property: any pair of files loads into a key store with one entry and a leaf certificate, or
 * fails with {@link IllegalStateException} "cannot read TLS files …" (which the reloader logs and retries); nothing
 * else is thrown.
 *
 * <p>Input: the certificate file's bytes, a NUL byte, the key file's bytes. The last NUL separates them, so a DER
 * certificate (which has NUL bytes of its own) can come first; without one, both files hold the same bytes.
 */
class PemFilesFuzzTest {
    private static final int MAX_INPUT = 64 * 1024;

    @TempDir
    static Path dir;

    @FuzzTest
    void anyPairOfFilesLoadsOrIsRefusedWithItsReason(byte[] data) throws IOException, KeyStoreException {
        if (data.length > MAX_INPUT) {
            return;
        }
        int nul = lastIndexOf(data, (byte) 0);
        var certificate = nul < 0 ? data : Arrays.copyOfRange(data, 0, nul);
        var key = nul < 0 ? data : Arrays.copyOfRange(data, nul + 1, data.length);
        var pem = new PemFiles(
                Files.write(dir.resolve("cert.pem"), certificate), Files.write(dir.resolve("key.pem"), key));
        try {
            var loaded = pem.load();
            assertThat(loaded.keyStore().size()).isEqualTo(1);
            assertThat(loaded.leaf()).isNotNull();
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).startsWith("cannot read TLS files ");
        }
    }

    private static int lastIndexOf(byte[] data, byte value) {
        for (int i = data.length - 1; i >= 0; i--) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
