package dev.latchkey.password;

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
        assertThatThrownBy(() -> policy.check("12345678901", "alice", "")).hasMessageContaining("numeric");
        assertThatThrownBy(() -> policy.check("longusername", "LongUserName", ""))
                .hasMessageContaining("username");
        assertThatThrownBy(() -> policy.check("a@example.com", "bob", "A@example.com"))
                .hasMessageContaining("email");
    }

    @Test
    void countsCharactersNotBytesOrUtf16Units() {
        assertThatThrownBy(() -> policy.check("😀😀😀😀", "alice", "")).hasMessageContaining("at least 8");
        assertThatCode(() -> policy.check("密码密码密码密码", "alice", "")).doesNotThrowAnyException();
    }
}
