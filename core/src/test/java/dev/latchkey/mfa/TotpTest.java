package dev.latchkey.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6238 Appendix B, the SHA-1 rows: 8 digits there, so the generator is checked at 8 (latchkey uses 6). */
class TotpTest {
    private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({
        "59, 94287082",
        "1111111109, 07081804",
        "1111111111, 14050471",
        "1234567890, 89005924",
        "2000000000, 69279037",
        "20000000000, 65353130"
    })
    void theRfcTestVectorsComeOut(long seconds, String expected) {
        var step = Totp.step(Instant.ofEpochSecond(seconds));
        assertThat(Totp.text(RFC_KEY, step, 8)).isEqualTo(expected);
        // Six digits are the last six of the same truncation (RFC 4226 section 5.3: modulo 10^digits).
        assertThat(Totp.text(RFC_KEY, step, 6)).isEqualTo(expected.substring(2));
    }

    @Test
    void base32RoundTripsAndMatchesRfc4648() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        var twenty = new byte[20];
        for (int i = 0; i < twenty.length; i++) {
            twenty[i] = (byte) (i * 37);
        }
        assertThat(Base32.encode(twenty)).hasSize(32);
        assertThat(Base32.decode(Base32.encode(twenty))).isEqualTo(twenty);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"123456|123456", "123 456|123456", " 12 34 56 |123456"})
    void spacesAreDroppedFromATypedCode(String typed, String digits) {
        assertThat(Codes.totp(typed)).contains(digits);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"12345a", "1234567", "12345", "١٢٣٤٥٦", "１２３４５６", "123-456", "123\t456", "12345\u0000"})
    void lettersSevenDigitsAndUnicodeDigitsAreNotCodes(String typed) {
        assertThat(Codes.totp(typed)).isEmpty();
    }
}
