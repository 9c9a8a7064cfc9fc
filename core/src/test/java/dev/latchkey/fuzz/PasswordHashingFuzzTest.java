package dev.latchkey.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Stored password hashes are data from elsewhere (a Django dump, an old database), so any string must be safe to
 * verify against. Property: for any encoded string and password, {@code verify} answers true or false and
 * {@code mustUpdate} and {@code identify} answer without throwing; the only exception is {@link InvalidInput}
 * {@code invalid_password} for a password that is refused before hashing (too long, not valid Unicode). Nothing
 * may take long.
 *
 * <p>Input: the first line is the encoded hash, the rest is the password (UTF-8).
 *
 * <p>Hashes whose own cost parameters are expensive are skipped here, not verified: a bcrypt cost of 31 or 20
 * million PBKDF2 iterations is slow by design, and whether the code should refuse such hashes is a question for the
 * hashers, not one a fuzzer can answer by waiting.
 */
class PasswordHashingFuzzTest {
    private static final int MAX_INPUT = 8 * 1024;
    private static final Duration SLOW = Duration.ofSeconds(2);
    private static final int MAX_PBKDF2_ITERATIONS = 10_000;
    private static final int MAX_ARGON2_MEMORY_KIB = 1024;
    private static final int MAX_ARGON2_ITERATIONS = 3;
    private static final int MAX_ARGON2_PARALLELISM = 16;
    private static final int MAX_BCRYPT_COST = 6;

    // The cheapest Argon2 there is for new hashes and for the burn that malformed ones cost: the fuzzer runs many.
    private static final PasswordHashing HASHING =
            PasswordHashing.standard(new Argon2Settings(8, 1, 1, 16), Secrets.create());

    @FuzzTest
    void verifyAnswersTrueOrFalseForAnyStoredHash(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var text = new String(data, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        var encoded = newline < 0 ? text : text.substring(0, newline);
        var password = newline < 0 ? "" : text.substring(newline + 1);
        if (expensive(encoded)) {
            return;
        }
        HASHING.identify(encoded);
        HASHING.mustUpdate(encoded);
        long start = System.nanoTime();
        try {
            HASHING.verify(password, encoded);
        } catch (InvalidInput e) {
            assertThat(e.code()).isEqualTo("invalid_password");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW);
    }

    /** Cost parameters above the fuzzing budget, read the way the hashers read them. */
    private static boolean expensive(String encoded) {
        int dollar = encoded.indexOf('$');
        var algorithm = dollar < 0 ? "" : encoded.substring(0, dollar);
        switch (algorithm) {
            case "pbkdf2_sha256", "pbkdf2_sha1" -> {
                var fields = encoded.split("\\$", 4);
                return fields.length > 1 && number(fields[1]) > MAX_PBKDF2_ITERATIONS;
            }
            case "argon2" -> {
                for (var field : encoded.split("\\$", -1)) {
                    for (var pair : field.split(",", -1)) {
                        var kv = pair.split("=", 2);
                        if (kv.length == 2
                                && ((kv[0].equals("m") && number(kv[1]) > MAX_ARGON2_MEMORY_KIB)
                                        || (kv[0].equals("t") && number(kv[1]) > MAX_ARGON2_ITERATIONS)
                                        || (kv[0].equals("p") && number(kv[1]) > MAX_ARGON2_PARALLELISM))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case "bcrypt", "bcrypt_sha256" -> {
                var data = encoded.substring(dollar + 1);
                return data.length() >= 6 && number(data.substring(4, 6)) > MAX_BCRYPT_COST;
            }
            default -> {
                return false;
            }
        }
    }

    /** As {@link Integer#parseInt}, which the hashers use (it takes any Unicode digits); -1 when not a number. */
    private static long number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
