package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import org.junit.jupiter.api.Test;

class EmailsTest {
    @Test
    void controlAndInvisibleCharactersAreRefusedNamingTheField() {
        for (var hidden : UsernamesTest.CONTROL_CHARACTERS) {
            for (var email : new String[] {
                "ali" + hidden + "ce@example.com",
                "alice@exa" + hidden + "mple.com",
                "alice@example.com" + hidden,
                hidden + "alice@example.com"
            }) {
                assertThatThrownBy(() -> Emails.normalize(email))
                        .as(escaped(email))
                        .isInstanceOfSatisfying(InvalidInput.class, e -> {
                            assertThat(e.code()).isEqualTo("invalid_email");
                            assertThat(e.detail()).isEqualTo("email addresses may not contain control characters");
                        });
            }
        }
    }

    @Test
    void lettersOfEveryScriptStayAllowed() {
        assertThat(Emails.normalize("José@Example.COM")).isEqualTo("José@example.com");
        assertThat(Emails.normalize("admin가@例え.テスト")).isEqualTo("admin가@例え.テスト");
        assertThat(Emails.normalize("用户@例子.广告")).isEqualTo("用户@例子.广告");
    }

    static String escaped(String text) {
        var out = new StringBuilder();
        text.codePoints()
                .forEach(
                        c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
