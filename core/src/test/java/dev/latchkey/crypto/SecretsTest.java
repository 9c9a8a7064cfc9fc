package dev.latchkey.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private final Secrets secrets = Secrets.create();

    @Test
    void bytesAreFreshEveryTime() {
        assertThat(secrets.bytes(32)).hasSize(32).isNotEqualTo(secrets.bytes(32));
        assertThat(secrets.bytes(0)).isEmpty();
    }

    @Test
    void everyRandomValueComesFromTheOneSourceItWasGiven() {
        var first = new Secrets(seeded());
        var second = new Secrets(seeded());
        assertThat(first.bytes(16)).isEqualTo(second.bytes(16));
        assertThat(first.urlSafeToken(32)).isEqualTo(second.urlSafeToken(32));
        assertThat(first.alphanumeric(22)).isEqualTo(second.alphanumeric(22));
    }

    @Test
    void aUrlSafeTokenIsUnpaddedBase64UrlOfThatManyBytes() {
        var token = secrets.urlSafeToken(32);
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(Secrets.isUrlSafeToken(token, 0, 43)).isTrue();
        assertThat(Secrets.isUrlSafeToken("lkr_" + token, 4, 43))
                .as("after a prefix")
                .isTrue();
    }

    @Test
    void anythingButExactlyThatShapeIsNotAToken() {
        var token = secrets.urlSafeToken(32);
        assertThat(Secrets.isUrlSafeToken(null, 0, 43)).isFalse();
        assertThat(Secrets.isUrlSafeToken(token.substring(1), 0, 43))
                .as("too short")
                .isFalse();
        assertThat(Secrets.isUrlSafeToken(token + "A", 0, 43)).as("too long").isFalse();
        for (var bad : new String[] {"=", "+", "/", " ", "\u0000", "\u00e9", "\u202e"}) {
            assertThat(Secrets.isUrlSafeToken(bad + token.substring(1), 0, 43))
                    .as(bad)
                    .isFalse();
        }
    }

    @Test
    void alphanumericUsesLettersAndDigitsOnlyAndAllOfThem() {
        var seen = new HashSet<Character>();
        for (int i = 0; i < 200; i++) {
            var salt = secrets.alphanumeric(22);
            assertThat(salt).hasSize(22).matches("[A-Za-z0-9]+");
            salt.chars().forEach(c -> seen.add((char) c));
        }
        assertThat(seen).hasSize(62);
    }

    @Test
    void sha256HexIsTheLowerCaseDigestOfTheUtf8Bytes() {
        assertThat(Secrets.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Secrets.sha256Hex("\u00e9"))
                .as("UTF-8, not Latin-1")
                .isEqualTo(Secrets.sha256Hex(
                        new String(new byte[] {(byte) 0xc3, (byte) 0xa9}, java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void constantTimeEqualsComparesWholeValues() {
        assertThat(Secrets.constantTimeEquals("secret", "secret")).isTrue();
        assertThat(Secrets.constantTimeEquals("secret", "secreT")).isFalse();
        assertThat(Secrets.constantTimeEquals("secret", "secret "))
                .as("a longer one")
                .isFalse();
        assertThat(Secrets.constantTimeEquals("", "")).isTrue();
        assertThat(Secrets.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 2}))
                .isTrue();
        assertThat(Secrets.constantTimeEquals(new byte[] {1, 2}, new byte[] {1}))
                .isFalse();
    }

    @Test
    void anUnknownDigestIsAPlatformError() {
        assertThat(Secrets.digest("SHA-256").getDigestLength()).isEqualTo(32);
        assertThatThrownBy(() -> Secrets.digest("NO-SUCH-DIGEST"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NO-SUCH-DIGEST");
    }

    private static SecureRandom seeded() {
        try {
            var random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(42L);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
