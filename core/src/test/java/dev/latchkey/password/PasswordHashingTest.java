package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.testing.CountingHasher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    private static final Secrets SECRETS = Secrets.create();
    /** Small parameters keep the tests fast; the format and logic are those of the default. */
    private static final Argon2Settings FAST = new Argon2Settings(1024, 2, 1, 32);

    private final CountingHasher preferred = new CountingHasher(new Argon2Hasher(FAST, SECRETS));
    private final PasswordHashing hashing = new PasswordHashing(
            preferred, List.of(Pbkdf2Hasher.sha256(1000, SECRETS), DigestHasher.md5(SECRETS)), SECRETS, 2);

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
        var hash = weak.encode("pw".getBytes(StandardCharsets.UTF_8), weak.salt());
        assertThat(hashing.verify("pw", hash)).isTrue();
        assertThat(hashing.mustUpdate(hash)).isTrue();
        var argon2i = hash.replace("argon2id", "argon2i");
        assertThat(hashing.mustUpdate(argon2i)).isTrue();
    }

    @Test
    void otherAlgorithmsAreReHashed() {
        var pbkdf2 = Pbkdf2Hasher.sha256(1000, SECRETS);
        assertThat(hashing.mustUpdate(pbkdf2.encode("pw".getBytes(StandardCharsets.UTF_8), pbkdf2.salt())))
                .isTrue();
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
        var garbage = List.of(
                "",
                "$",
                "$$$$",
                "argon2",
                "argon2$",
                "argon2$argon2id$v=19$m=1,t=1,p=1$$",
                "argon2$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
                "argon2$argon2x$v=19$m=1024,t=2,p=1$a$b",
                "argon2$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                "argon2$argon2id$v=19$m=1024,t=2,p=1$!!!$???",
                "pbkdf2_sha256$",
                "pbkdf2_sha256$x$salt$hash",
                "pbkdf2_sha256$-5$salt$aGFzaA==",
                "pbkdf2_sha256$1000$salt$not base64!",
                "pbkdf2_sha256$1000$salt$aGFzaA==",
                "pbkdf2_sha256$999999999999$salt$aGFzaA==",
                "md5$$",
                "md5$salt",
                "scrypt$16384$salt$8$1$hash",
                "unknown$1$2$3",
                "plaintext password",
                "bcrypt$$2b$12$short",
                "\u0000\u0000",
                "x".repeat(100_000));
        for (var encoded : garbage) {
            assertThat(hashing.verify("password", encoded))
                    .as(encoded.length() > 80 ? "long" : encoded)
                    .isFalse();
            hashing.mustUpdate(encoded); // answers, whatever it answers: it is only asked after a match
        }
    }

    @Test
    void passwordsLongerThan4096BytesAreRefusedBeforeHashing() {
        preferred.hashes.set(0);
        var longPassword = "é".repeat(2049); // 4,098 bytes in UTF-8
        assertThatThrownBy(() -> hashing.hash(longPassword))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("4096 bytes");
        assertThatThrownBy(() -> hashing.verify(longPassword, hashing.unusable()))
                .isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> hashing.hash("x".repeat(10_000_000))).isInstanceOf(InvalidInput.class);
        assertThat(preferred.hashes.get()).isZero();
        assertThat(hashing.verify("a".repeat(4096), hashing.hash("a".repeat(4096))))
                .isTrue();
    }

    @Test
    void passwordsThatAreNotUnicodeAreRefused() {
        assertThatThrownBy(() -> hashing.hash("lone \ud800 surrogate"))
                .isInstanceOf(InvalidInput.class)
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

    @Test
    void hashesAskingForMoreWorkThanTheBoundsAreNeverComputedAndCostOneDefaultHash() {
        var pbkdf2 = new CountingHasher(Pbkdf2Hasher.sha256(1000, SECRETS));
        var bcrypt = new CountingHasher(BcryptHasher.plain(12, SECRETS));
        var argon2 = new CountingHasher(new Argon2Hasher(FAST, SECRETS));
        var hashing = new PasswordHashing(argon2, List.of(pbkdf2, bcrypt), SECRETS, 2);
        var hostile = List.of(
                "pbkdf2_sha256$20000000$salt$" + base64(32),
                "pbkdf2_sha256$3000001$salt$" + base64(32),
                "bcrypt$$2b$31$" + "a".repeat(53),
                "bcrypt$$2b$17$" + "a".repeat(53),
                "bcrypt$$2b$03$" + "a".repeat(53),
                "argon2$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$" + base64(32),
                "argon2$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHQ$" + base64(32),
                "argon2$argon2id$v=19$m=262144,t=16,p=1$c2FsdHNhbHQ$" + base64(32),
                "argon2$argon2id$v=19$m=102400,t=2,p=255$c2FsdHNhbHQ$" + base64(32),
                "argon2$argon2id$v=19$m=8,t=1,p=2$c2FsdHNhbHQ$" + base64(32));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (var encoded : hostile) {
                assertThatThrownBy(() -> hashing.checkBounds(encoded))
                        .as(encoded)
                        .isInstanceOf(HashOutOfBounds.class)
                        .hasMessageContaining("latchkey takes");
                argon2.encodes.set(0);
                assertThat(hashing.verify("password", encoded)).as(encoded).isFalse();
                assertThat(argon2.encodes.get())
                        .as("one default hash for " + encoded)
                        .isEqualTo(1);
            }
        });
        assertThat(pbkdf2.verifies.get() + bcrypt.verifies.get() + argon2.verifies.get())
                .as("computed")
                .isZero();
    }

    @Test
    void theBoundsTakeWhatEveryDjangoReleaseWrites() {
        var hashing = PasswordHashing.standard(Argon2Settings.OWASP, SECRETS);
        for (var encoded : List.of(
                "pbkdf2_sha256$1$salt$" + base64(32),
                "pbkdf2_sha256$1000000$salt$" + base64(32),
                "pbkdf2_sha256$1200000$salt$" + base64(32),
                "pbkdf2_sha256$3000000$salt$" + base64(32),
                "pbkdf2_sha1$260000$salt$" + base64(20),
                "bcrypt_sha256$$2b$12$" + "a".repeat(53),
                "bcrypt$$2b$16$" + "a".repeat(53),
                "bcrypt$$2a$04$" + "a".repeat(53),
                "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$" + base64(16),
                "argon2$argon2i$m=512,t=2,p=2$c2FsdHNhbHQ$" + base64(16),
                "argon2$argon2id$v=19$m=262144,t=4,p=64$c2FsdHNhbHQ$" + base64(32),
                "argon2$argon2id$v=19$m=65536,t=16,p=4$c2FsdHNhbHQ$" + base64(32))) {
            hashing.checkBounds(encoded);
        }
        // Malformed and unknown hashes are not a cost problem: stored, they never verify.
        hashing.checkBounds("pbkdf2_sha256$260000$s$h");
        hashing.checkBounds("scrypt$16384$salt$8$1$hash");
        hashing.checkBounds(hashing.unusable());
    }

    @Test
    void aHashWrittenWithStrongerConfiguredParametersIsWithinTheBounds() {
        var strong = new Argon2Settings(1024 * 1024, 20, 1, 32);
        var hashing = new PasswordHashing(new Argon2Hasher(strong, SECRETS), List.of(), SECRETS, 1);
        var encoded = "argon2$argon2id$v=19$m=1048576,t=20,p=1$c2FsdHNhbHQ$" + base64(32);
        hashing.checkBounds(encoded);
        assertThatThrownBy(() ->
                        PasswordHashing.standard(Argon2Settings.OWASP, SECRETS).checkBounds(encoded))
                .isInstanceOf(HashOutOfBounds.class)
                .hasMessageContaining("latchkey takes");
    }

    @Test
    void hashesCheaperThanTheDefaultGetOneDefaultHashBesideThemAndCostlyOnesDoNot() {
        var argon2 = new CountingHasher(new Argon2Hasher(FAST, SECRETS));
        var hashing = new PasswordHashing(
                argon2,
                List.of(
                        Pbkdf2Hasher.sha256(1000, SECRETS),
                        Pbkdf2Hasher.sha1(1000, SECRETS),
                        BcryptHasher.plain(12, SECRETS),
                        BcryptHasher.sha256(12, SECRETS),
                        DigestHasher.md5(SECRETS),
                        DigestHasher.sha1(SECRETS),
                        DigestHasher.unsaltedMd5(SECRETS),
                        DigestHasher.unsaltedSha1(SECRETS),
                        new CryptHasher(SECRETS)),
                SECRETS,
                2);
        var cheap = List.of(
                encode(DigestHasher.md5(SECRETS)),
                encode(DigestHasher.sha1(SECRETS)),
                encode(DigestHasher.unsaltedMd5(SECRETS)),
                encode(DigestHasher.unsaltedSha1(SECRETS)),
                encode(new CryptHasher(SECRETS)),
                encode(Pbkdf2Hasher.sha256(1000, SECRETS)),
                encode(Pbkdf2Hasher.sha1(199_999, SECRETS)),
                encode(BcryptHasher.plain(4, SECRETS)),
                encode(BcryptHasher.sha256(9, SECRETS)),
                encode(new Argon2Hasher(new Argon2Settings(1024, 1, 1, 32), SECRETS)),
                encode(new Argon2Hasher(new Argon2Settings(512, 2, 1, 32), SECRETS)));
        var costly = List.of(
                encode(Pbkdf2Hasher.sha256(200_000, SECRETS)),
                encode(Pbkdf2Hasher.sha1(200_000, SECRETS)),
                encode(BcryptHasher.plain(10, SECRETS)),
                encode(BcryptHasher.sha256(10, SECRETS)),
                encode(new Argon2Hasher(FAST, SECRETS)),
                argon2i(2048, 1),
                encode(new Argon2Hasher(new Argon2Settings(1024, 3, 2, 16), SECRETS)));
        for (var encoded : cheap) {
            assertThat(defaultHashesSpentChecking(hashing, argon2, encoded))
                    .as(encoded)
                    .isEqualTo(2);
        }
        for (var encoded : costly) {
            assertThat(defaultHashesSpentChecking(hashing, argon2, encoded))
                    .as(encoded)
                    .isZero();
        }
    }

    @Test
    void theDefaultHashBesideACheapOneWaitsForAHashingSlotLikeAnyOther() throws Exception {
        var inside = new AtomicInteger();
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var blocking = new CountingHasher(new Argon2Hasher(FAST, SECRETS)) {
            @Override
            public String encode(byte[] password, String salt) {
                inside.incrementAndGet();
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.encode(password, salt);
            }
        };
        var md5 = encode(DigestHasher.md5(SECRETS));
        var hashing = new PasswordHashing(blocking, List.of(DigestHasher.md5(SECRETS)), SECRETS, 1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> hashing.verify("password", md5));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            var second = pool.submit(() -> hashing.hash("another"));
            Thread.sleep(300);
            assertThat(inside.get())
                    .as("the second hash waits for the only slot")
                    .isEqualTo(1);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.get(10, TimeUnit.SECONDS)).startsWith("argon2$");
            assertThat(inside.get()).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** Default hashes spent by checking a right and a wrong password against {@code encoded}. */
    private static int defaultHashesSpentChecking(PasswordHashing hashing, CountingHasher preferred, String encoded) {
        preferred.encodes.set(0);
        assertThat(hashing.verify("password", encoded)).as(encoded).isTrue();
        assertThat(hashing.verify("not the password", encoded)).as(encoded).isFalse();
        return preferred.encodes.get();
    }

    private static String encode(PasswordHasher hasher) {
        return hasher.encode("password".getBytes(StandardCharsets.UTF_8), hasher.salt());
    }

    /** An argon2i hash of "password", which latchkey verifies but never writes. */
    private static String argon2i(int memoryKib, int iterations) {
        var salt = SECRETS.bytes(16);
        var generator = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                        org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i)
                .withVersion(0x13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(1)
                .withSalt(salt)
                .build());
        var hash = new byte[32];
        generator.generateBytes("password".getBytes(StandardCharsets.UTF_8), hash);
        var b64 = Base64.getEncoder().withoutPadding();
        return "argon2$argon2i$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(hash);
    }

    private static String base64(int bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(SECRETS.bytes(bytes));
    }
}
