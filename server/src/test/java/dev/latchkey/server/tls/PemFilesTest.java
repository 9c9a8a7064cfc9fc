package dev.latchkey.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void theSelfSignedPairLoadsWithTheJdkAlone() {
        var pem = SelfSignedCertificate.ensure(dir, Clock.systemUTC());
        var loaded = pem.load();
        assertThat(loaded.leaf().getSubjectX500Principal().getName()).contains("CN=localhost");
        assertThat(Files.exists(dir.resolve(SelfSignedCertificate.KEY_FILE))).isTrue();
    }

    @Test
    void anOldStylePkcs1RsaKeyLoadsToo() throws Exception {
        var pem = SelfSignedCertificate.ensure(dir, Clock.systemUTC());
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(generator.generateKeyPair()); // BEGIN RSA PRIVATE KEY
        }
        var key = dir.resolve("rsa.key.pem");
        Files.writeString(key, out.toString());
        assertThat(out.toString()).contains("BEGIN RSA PRIVATE KEY");
        // The key does not match the certificate, which the key store does not check; what matters is the parse.
        assertThat(new PemFiles(pem.certificate(), key).load().keyStore().size())
                .isEqualTo(1);
    }

    @Test
    void garbageAndMissingFilesAreAClearError() throws Exception {
        var pem = SelfSignedCertificate.ensure(dir, Clock.systemUTC());
        var junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n");
        assertThatThrownBy(() -> new PemFiles(pem.certificate(), junk).load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read TLS files");
        assertThatThrownBy(() -> new PemFiles(junk, pem.privateKey()).load()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PemFiles(dir.resolve("none"), pem.privateKey()).load())
                .isInstanceOf(IllegalStateException.class);
    }
}
