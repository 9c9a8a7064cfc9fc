package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BcryptBase64Test {
    @Test
    void roundTripsSixteenByteSalts() {
        var secrets = Secrets.create();
        for (int i = 0; i < 200; i++) {
            var salt = secrets.bytes(16);
            var text = BcryptBase64.encode(salt);
            assertThat(text).hasSize(22);
            assertThat(BcryptBase64.decode(text, 16)).hasValue(salt);
        }
    }

    @Test
    void refusesCharactersOutsideTheAlphabetAndShortInput() {
        assertThat(BcryptBase64.decode("abcdefghijklmnopqrst+u", 16)).isEmpty();
        assertThat(BcryptBase64.decode("abc", 16)).isEmpty();
    }

    @Test
    void newBcryptSaltsVerifyTheirOwnHashes() {
        var hasher = BcryptHasher.sha256(4, Secrets.create());
        var hash = hasher.encode("pw".getBytes(StandardCharsets.UTF_8), hasher.salt());
        assertThat(hash).startsWith("bcrypt_sha256$$2b$04$");
        assertThat(hasher.verify("pw".getBytes(StandardCharsets.UTF_8), hash)).isTrue();
        assertThat(hasher.verify("pX".getBytes(StandardCharsets.UTF_8), hash)).isFalse();
    }
}
