package dev.latchkey.server.cli;

import static dev.latchkey.server.cli.UserCommandTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    @TempDir
    Path data;

    @Test
    void rotateMakesANewSigningKeySealedUnderTheDataDirectorysSecret() throws Exception {
        var cli = new Cli(data);
        var first = cli.run("keys", "rotate");
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("new signing key ").contains("RS256");
        var secret = data.resolve("secret.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");

        var second = cli.run("keys", "rotate");
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var kid = second.out().split(" ", -1)[3];
            assertThat(latchkey.signingKeys().signingKey().getKeyID()).isEqualTo(kid);
            assertThat(latchkey.signingKeys().publicJwks().getKeys()).hasSize(2);
            var rotations = latchkey.audit()
                    .search(new dev.latchkey.audit.AuditQuery(null, "key_rotated", null, null, null, 10));
            assertThat(rotations).hasSize(2);
        }
    }

    @Test
    void aSecretFromTheEnvironmentMustBeStrongAndTheSameOneReadsTheKeys() {
        var weak = new Cli(data).env("LATCHKEY_SECRET", "c2hvcnQ=");
        assertRefused(weak.run("keys", "rotate"), "LATCHKEY_SECRET must be base64 of at least 32 random bytes");

        var strong = "q0Jm3Xq8b6rU7Y2mZ9w1c5v4t3s2r1p0o9i8u7y6t5E=";
        assertThat(new Cli(data)
                        .env("LATCHKEY_SECRET", strong)
                        .run("keys", "rotate")
                        .status())
                .isZero();
        var other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        var wrong = new Cli(data).env("LATCHKEY_SECRET", other).run("keys", "rotate");
        assertThat(wrong.status()).isZero(); // rotating needs no old key: it makes a new one
        try (var latchkey =
                Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of("LATCHKEY_SECRET", strong))) {
            // The newest key was sealed under the other secret: this one cannot open it.
            var result = org.assertj.core.api.Assertions.catchThrowable(
                    () -> latchkey.signingKeys().signingKey());
            assertThat(result).hasMessageContaining("cannot be decrypted");
        }
    }
}
