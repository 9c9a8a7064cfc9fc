package dev.latchkey.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.LatchkeyException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private final Secrets secrets = Secrets.create();
    private final byte[] instanceSecret = secrets.bytes(32);
    private final SecretBox box = new SecretBox(instanceSecret, "signing keys", secrets);

    @Test
    void whatIsSealedOpensWithTheSameSecretPurposeAndAssociatedData() {
        var sealed = box.seal("{\"d\":\"private\"}", "kid-1");
        assertThat(sealed).doesNotContain("private");
        assertThat(box.open(sealed, "kid-1")).isEqualTo("{\"d\":\"private\"}");
        assertThat(new SecretBox(instanceSecret.clone(), "signing keys", secrets).open(sealed, "kid-1"))
                .as("another node with the same secret")
                .isEqualTo("{\"d\":\"private\"}");
        assertThat(box.open(box.seal("", "kid-1"), "kid-1")).isEmpty();
        assertThat(box.open(box.seal("ünïcødé \u202e", "kid-1"), "kid-1")).isEqualTo("ünïcødé \u202e");
    }

    @Test
    void eachSealHasAFreshNonce() {
        var first = Base64.getDecoder().decode(box.seal("same", "kid"));
        var second = Base64.getDecoder().decode(box.seal("same", "kid"));
        assertThat(first).hasSize(12 + 4 + 16).isNotEqualTo(second);
        assertThat(java.util.Arrays.copyOf(first, 12)).isNotEqualTo(java.util.Arrays.copyOf(second, 12));
    }

    @Test
    void aRowMovedToAnotherOwnerDoesNotOpen() {
        var sealed = box.seal("token", "github 42");
        assertWrongSecret(() -> box.open(sealed, "github 43"));
    }

    @Test
    void anotherSecretOrAnotherPurposeDoesNotOpen() {
        var sealed = box.seal("token", "kid");
        assertWrongSecret(() -> new SecretBox(secrets.bytes(32), "signing keys", secrets).open(sealed, "kid"));
        assertWrongSecret(() -> new SecretBox(instanceSecret, "provider tokens", secrets).open(sealed, "kid"));
    }

    @Test
    void anAlteredTruncatedOrGarbledBoxDoesNotOpen() {
        var bytes = Base64.getDecoder().decode(box.seal("token", "kid"));
        for (int i = 0; i < bytes.length; i++) {
            var altered = bytes.clone();
            altered[i] ^= 1;
            var text = Base64.getEncoder().encodeToString(altered);
            assertWrongSecret(() -> box.open(text, "kid"));
        }
        assertWrongSecret(
                () -> box.open(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 27)), "kid"));
        assertWrongSecret(() -> box.open("not base64 at all!", "kid"));
        assertWrongSecret(() -> box.open("", "kid"));
    }

    @Test
    void aShortInstanceSecretIsRefused() {
        assertThatThrownBy(() -> new SecretBox(new byte[31], "signing keys", secrets))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bits");
    }

    private static void assertWrongSecret(org.assertj.core.api.ThrowableAssert.ThrowingCallable open) {
        assertThatThrownBy(open).isInstanceOfSatisfying(LatchkeyException.class, e -> {
            assertThat(e.code()).isEqualTo("wrong_secret");
            assertThat(e.status()).isEqualTo(500);
        });
    }
}
