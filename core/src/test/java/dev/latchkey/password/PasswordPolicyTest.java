package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    private final PasswordPolicy policy = PasswordPolicy.DEFAULT;

    @Test
    void acceptsAReasonablePassword() {
        assertThatCode(() -> policy.check("correct horse battery staple", "alice", "alice@example.com"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesShortNumericAndSelfDescribingPasswords() {
        assertThatThrownBy(() -> policy.check("short", "alice", ""))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("at least 8");
        assertThatThrownBy(() -> policy.check("12345678901", "alice", "")).hasMessageContaining("too easy to guess");
        assertThatThrownBy(() -> policy.check("longusername", "LongUserName", ""))
                .hasMessageContaining("username");
        assertThatThrownBy(() -> policy.check("a@example.com", "bob", "A@example.com"))
                .hasMessageContaining("email");
    }

    @Test
    void countsCharactersNotBytesOrUtf16Units() {
        var lengthOnly = new PasswordPolicy(8, 0);
        assertThatThrownBy(() -> lengthOnly.check("😀😀😀😀", "alice", "")).hasMessageContaining("at least 8");
        assertThatCode(() -> lengthOnly.check("密码密码密码密码", "alice", "")).doesNotThrowAnyException();
    }

    /** A mix of l33t characters that once cost zxcvbn seconds a password is judged cheaply, by its length. */
    @Test
    void aPasswordMadeToSlowTheEstimatorCostsMilliseconds() {
        var slow = "4@8({[</369&#!1/|0$5+7%2/".repeat(4);
        for (int length : new int[] {20, 25, 42, 75, 100}) {
            long start = System.nanoTime();
            assertThatCode(() -> policy.check(slow.substring(0, length), "alice", ""))
                    .doesNotThrowAnyException();
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                    .as("%d characters", length)
                    .isLessThan(java.time.Duration.ofMillis(500));
        }
        assertThatThrownBy(() -> policy.check("4@8({[</369", "alice", "")).hasMessageContaining("longer");
    }

    @Test
    void refusesWhatIsEasyToGuessWithoutAnyCompositionRule() {
        for (var weak :
                new String[] {"password1", "Passw0rd!", "qwertyuiop", "aaaaaaaaaaaa", "alice2026", "19851231"}) {
            assertThatThrownBy(() -> policy.check(weak, "alice", "alice@example.com"))
                    .as(weak)
                    .isInstanceOf(InvalidInput.class)
                    .hasFieldOrPropertyWithValue("code", "invalid_password")
                    .hasMessageContaining("too easy to guess");
        }
        // The user's own name and address count as guessable words.
        assertThatThrownBy(() -> policy.check("aliceexample", "alice", "alice@example.com"))
                .hasMessageContaining("too easy to guess");
        // Plain words, all lower case, no digits or symbols: long enough is strong enough.
        assertThatCode(() -> policy.check("purple elephants juggle quietly", "alice", ""))
                .doesNotThrowAnyException();
        assertThatCode(() -> policy.check("purple elephants juggle quietly ".repeat(120), "alice", ""))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check("x".repeat(4097), "alice", ""))
                .hasFieldOrPropertyWithValue("code", "invalid_password");
    }
}
