package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.testing.CountingHasher;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    private static final Secrets SECRETS = Secrets.create();
    /** Small parameters keep the tests fast; the format and logic are those of the default. */
    private static final Argon2Settings FAST = new Argon2Settings(1024, 2, 1, 32);

    private final CountingHasher preferred = new CountingHasher(new Argon2Hasher(FAST, SECRETS));
    private final PasswordHashing hashing = new PasswordHashing(preferred,
            List.of(Pbkdf2Hasher.sha256(1000, SECRETS), DigestHasher.md5(SECRETS)), SECRETS, 2);

    @Test
    void newHashesAreArgon2idInDjangosFormat() {
        var hash = hashing.hash("correct horse battery staple");
        assertThat(hash).matches("argon2\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{30}\\$[A-Za-z0-9+/]{43}");
        assertThat(hashing.verify("correct horse battery staple", hash)).isTrue();
        assertThat(hashing.verify("correct horse battery staplE", hash)).isFalse();
        assertThat(hashing.mustUpdate(hash)).isFalse();
    }

    @Test
    void defaultParametersAreAtLeastOwasps() {
        var owasp = Argon2Settings.OWASP;
        assertThat(owasp.memoryKib()).isGreaterThanOrEqualTo(19 * 1024);
        assertThat(owasp.iterations()).isGreaterThanOrEqualTo(2);
        assertThat(owasp.parallelism()).isEqualTo(1);
        var hash = PasswordHashing.standard(owasp, SECRETS).hash("pässwörd-ünïcode-密码");
        assertThat(hash).startsWith("argon2$argon2id$v=19$m=19456,t=2,p=1$");
    }

    @Test
    void twoHashesOfOnePasswordDifferBySalt() {
        assertThat(hashing.hash("same password")).isNotEqualTo(hashing.hash("same password"));
    }

    @Test
    void weakerArgon2ParametersAreReHashed() {
        var weak = new Argon2Hasher(new Argon2Settings(512, 1, 1, 32), SECRETS);
        var hash = weak.encode("pw".getBytes(), weak.salt());
        assertThat(hashing.verify("pw", hash)).isTrue();
        assertThat(hashing.mustUpdate(hash)).isTrue();
        var argon2i = hash.replace("argon2id", "argon2i");
        assertThat(hashing.mustUpdate(argon2i)).isTrue();
    }

    @Test
    void otherAlgorithmsAreReHashed() {
        var pbkdf2 = Pbkdf2Hasher.sha256(1000, SECRETS);
        assertThat(hashing.mustUpdate(pbkdf2.encode("pw".getBytes(), pbkdf2.salt()))).isTrue();
    }

    @Test
    void unusablePasswordsNeverVerifyAndCostAFullHash() {
        var unusable = hashing.unusable();
        assertThat(unusable).startsWith("!").hasSize(41);
        assertThat(PasswordHashing.isUsable(unusable)).isFalse();
        preferred.hashes.set(0);
        assertThat(hashing.verify("", unusable)).isFalse();
        assertThat(hashing.verify(unusable, unusable)).isFalse();
        assertThat(hashing.verify(unusable.substring(1), unusable)).isFalse();
        assertThat(preferred.hashes.get()).isEqualTo(3);
    }

    @Test
    void malformedAndUnknownHashesAreRefusedNotCrashed() {
        var garbage = List.of("", "$", "$$$$", "argon2", "argon2$", "argon2$argon2id$v=19$m=1,t=1,p=1$$",
                "argon2$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "argon2$argon2x$v=19$m=1024,t=2,p=1$a$b",
                "argon2$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                "argon2$argon2id$v=19$m=1024,t=2,p=1$!!!$???", "pbkdf2_sha256$", "pbkdf2_sha256$x$salt$hash",
                "pbkdf2_sha256$-5$salt$aGFzaA==", "pbkdf2_sha256$1000$salt$not base64!",
                "pbkdf2_sha256$1000$salt$aGFzaA==", "pbkdf2_sha256$999999999999$salt$aGFzaA==", "md5$$",
                "md5$salt", "scrypt$16384$salt$8$1$hash", "unknown$1$2$3", "plaintext password",
                "bcrypt$$2b$12$short", "\u0000\u0000", "x".repeat(100_000));
        for (var encoded : garbage) {
            assertThat(hashing.verify("password", encoded)).as(encoded.length() > 80 ? "long" : encoded).isFalse();
            hashing.mustUpdate(encoded); // answers, whatever it answers: it is only asked after a match
        }
    }

    @Test
    void passwordsLongerThan4096BytesAreRefusedBeforeHashing() {
        preferred.hashes.set(0);
        var longPassword = "é".repeat(2049); // 4,098 bytes in UTF-8
        assertThatThrownBy(() -> hashing.hash(longPassword)).isInstanceOf(InvalidInput.class)
                .hasMessageContaining("4096 bytes");
        assertThatThrownBy(() -> hashing.verify(longPassword, hashing.unusable())).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> hashing.hash("x".repeat(10_000_000))).isInstanceOf(InvalidInput.class);
        assertThat(preferred.hashes.get()).isZero();
        assertThat(hashing.verify("a".repeat(4096), hashing.hash("a".repeat(4096)))).isTrue();
    }

    @Test
    void passwordsThatAreNotUnicodeAreRefused() {
        assertThatThrownBy(() -> hashing.hash("lone \ud800 surrogate")).isInstanceOf(InvalidInput.class)
                .hasMessageContaining("not valid Unicode");
    }

    @Test
    void emptyPasswordsHashAsDjangoDoes() {
        // make_password('') works in Django; whether empty passwords are allowed is the policy's call.
        assertThat(hashing.verify("", hashing.hash(""))).isTrue();
    }

    @Test
    void unicodeIsNotNormalised() {
        var nfc = "caf\u00e9";
        var nfd = "cafe\u0301";
        var hash = hashing.hash(nfc);
        assertThat(hashing.verify(nfc, hash)).isTrue();
        assertThat(hashing.verify(nfd, hash)).isFalse();
    }
}
