package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import org.junit.jupiter.api.Test;

class UsernamesTest {
    /** NUL, TAB, LF, CR, ESC, DEL, C1 NEL, U+00AD, U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+2028/9, U+FEFF. */
    static final String[] CONTROL_CHARACTERS = {
        "\u0000",
        "\t",
        "\n",
        "\r",
        "\r\n",
        "\u001b",
        "\u001b[2J",
        "\u007f",
        "\u0085",
        "\u00ad",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\udb40\udc01"
    };

    @Test
    void acceptsDjangosCharacters() {
        for (var name : new String[] {"alice", "a.b@c+d-e_f", "Zoë", "用户", "x".repeat(150), "١٢٣"}) {
            assertThat(Usernames.normalize(name)).isEqualTo(name);
        }
    }

    @Test
    void normalisesNfkcLikeDjango() {
        assertThat(Usernames.normalize("\uff41lice")).isEqualTo("alice");
        assertThat(Usernames.normalize("e\u0301")).isEqualTo("\u00e9");
    }

    @Test
    void refusesEmptyLongAndForbiddenCharacters() {
        for (var name : new String[] {
            null, "", " ", "a b", "a/b", "a\u0000b", "<script>", "x".repeat(151), "x".repeat(1_000_000), "tab\t"
        }) {
            assertThatThrownBy(() -> Usernames.normalize(name)).isInstanceOf(InvalidInput.class);
            assertThat(Usernames.tryNormalize(name)).isEmpty();
        }
    }

    @Test
    void controlAndInvisibleCharactersAreRefusedWithAMessageOfTheirOwn() {
        for (var hidden : CONTROL_CHARACTERS) {
            for (var name : new String[] {"ad" + hidden + "min", "admin" + hidden, hidden + "admin", hidden}) {
                assertThatThrownBy(() -> Usernames.normalize(name))
                        .as(EmailsTest.escaped(name))
                        .isInstanceOfSatisfying(InvalidInput.class, e -> {
                            assertThat(e.code()).isEqualTo("invalid_username");
                            assertThat(e.detail()).isEqualTo("usernames may not contain control characters");
                        });
                assertThat(Usernames.tryNormalize(name)).isEmpty();
                assertThatThrownBy(() -> NewUser.named(name))
                        .isInstanceOf(InvalidInput.class)
                        .hasMessageContaining("control characters");
            }
        }
    }

    @Test
    void lettersOfEveryScriptStayAllowed() {
        for (var name : new String[] {"admin가", "José", "Zoë", "用户", "Ελένη", "محمد", "देवनागरी"}) {
            assertThat(Usernames.normalize(name))
                    .isEqualTo(java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKC));
        }
    }

    @Test
    void emailsKeepTheirLocalPartAndLowerTheDomain() {
        assertThat(Emails.normalize("Alice@Example.COM")).isEqualTo("Alice@example.com");
        assertThat(Emails.normalize(null)).isEmpty();
        assertThatThrownBy(() -> Emails.normalize("not an email")).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Emails.normalize("a@b@c")).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Emails.normalize("a@" + "b".repeat(300))).isInstanceOf(InvalidInput.class);
    }
}
