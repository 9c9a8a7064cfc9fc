package dev.latchkey.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import org.junit.jupiter.api.Test;

class UsernamesTest {
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
        for (var name : new String[] {null, "", " ", "a b", "a/b", "a\u0000b", "<script>", "x".repeat(151),
            "x".repeat(1_000_000), "tab\t"}) {
            assertThatThrownBy(() -> Usernames.normalize(name)).isInstanceOf(InvalidInput.class);
            assertThat(Usernames.tryNormalize(name)).isEmpty();
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
