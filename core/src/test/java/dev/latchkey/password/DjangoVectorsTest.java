package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every entry of the vectors made by real Django 3.2 ({@code vectors/django-password-hashes.json}): the hash is
 * identified as Django identifies it, the password verifies, the wrong ones do not (or do, where bcrypt's 72 bytes
 * and crypt's 8 say so), and fixed-salt entries are reproduced byte for byte.
 */
class DjangoVectorsTest {
    private static final Secrets SECRETS = Secrets.create();
    private static final PasswordHashing HASHING = PasswordHashing.standard(Argon2Settings.OWASP, SECRETS);

    @TestFactory
    Stream<DynamicTest> everyDjangoVectorBehavesAsDjangoDecided() throws IOException {
        var tests = new ArrayList<DynamicTest>();
        int index = 0;
        for (var vector : vectors()) {
            var name = index++ + " " + vector.get("hasher").asText() + " "
                    + vector.get("kind").asText() + " " + vector.get("encoded").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> check(vector)));
        }
        return tests.stream();
    }

    private static void check(JsonNode vector) {
        var encoded = vector.get("encoded").asText();
        var hasher = HASHING.identify(encoded);
        assertThat(hasher).as("identified").isPresent();
        assertThat(hasher.get().algorithm())
                .isEqualTo(vector.get("identified_as").asText());

        assertThat(HASHING.verify(vector.get("password").asText(), encoded))
                .as("the password")
                .isEqualTo(vector.get("verifies").asBoolean());
        assertThat(HASHING.verify(vector.get("wrong_password").asText(), encoded))
                .as("the wrong password")
                .isEqualTo(vector.get("wrong_verifies").asBoolean());
        for (var other : vector.path("other_passwords")) {
            assertThat(HASHING.verify(other.get("password").asText(), encoded))
                    .as(other.get("why").asText())
                    .isEqualTo(other.get("verifies").asBoolean());
        }

        if (vector.has("salt")) {
            var encoder = encoderLike(vector.get("hasher").asText(), encoded);
            var password = vector.get("password").asText().getBytes(StandardCharsets.UTF_8);
            assertThat(encoder.encode(password, vector.get("salt").asText()))
                    .as("re-encoded")
                    .isEqualTo(encoded);
        }

        // latchkey's preferred hasher is Argon2id, so every other format is re-hashed at the next sign-in; an
        // Argon2 hash at least as strong as the preferred parameters (Django's 100 MiB, t=2) is left alone.
        assertThat(HASHING.mustUpdate(encoded))
                .as("must update")
                .isEqualTo(!vector.get("hasher").asText().equals("argon2"));
    }

    /** An encoder with the parameters Django used for this entry. */
    private static PasswordHasher encoderLike(String algorithm, String encoded) {
        return switch (algorithm) {
            case "pbkdf2_sha256" -> Pbkdf2Hasher.sha256(Integer.parseInt(encoded.split("\\$", -1)[1]), SECRETS);
            case "pbkdf2_sha1" -> Pbkdf2Hasher.sha1(Integer.parseInt(encoded.split("\\$", -1)[1]), SECRETS);
            case "argon2" -> new Argon2Hasher(new Argon2Settings(102_400, 2, 8, 16), SECRETS);
            case "bcrypt" -> BcryptHasher.plain(12, SECRETS);
            case "bcrypt_sha256" -> BcryptHasher.sha256(12, SECRETS);
            case "sha1" -> DigestHasher.sha1(SECRETS);
            case "md5" -> DigestHasher.md5(SECRETS);
            case "crypt" -> new CryptHasher(SECRETS);
            default -> throw new AssertionError("no encoder for " + algorithm);
        };
    }

    static List<JsonNode> vectors() throws IOException {
        try (var in = DjangoVectorsTest.class.getResourceAsStream("/vectors/django-password-hashes.json")) {
            var all = new ArrayList<JsonNode>();
            new ObjectMapper().readTree(in).forEach(all::add);
            assertThat(all).hasSize(71);
            return all;
        }
    }
}
