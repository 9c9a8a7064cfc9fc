package dev.latchkey.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.request.Language;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every mail in every language, the SMTP URL's forms, and the choice of language. */
class MailTextTest {
    private static final Map<String, String> VALUES = Map.of(
            "site", "auth.example.test",
            "username", "<b>ana</b>",
            "email", "ana@example.org",
            "new_email", "new@example.org",
            "expires", "2026-12-01 10:30 UTC",
            "at", "2026-12-01 10:00 UTC",
            "link", "https://auth.example.test/x/TOKEN");

    @Test
    void everyKindIsWrittenInEveryLanguageWithEveryPlaceholderFilledAndHtmlEscaped() {
        var templates = new MailTemplates();
        assertThat(templates.kinds())
                .contains("verify_email", "password_reset", "password_changed", "signup_attempt", "invitation", "test");
        for (var kind : templates.kinds()) {
            for (var language : Language.values()) {
                var mail = templates.write(new Letter(kind, "ana@example.org", language, VALUES));
                assertThat(mail.subject())
                        .as(kind + " " + language)
                        .isNotBlank()
                        .doesNotContain("{");
                assertThat(mail.text())
                        .as(kind + " " + language)
                        .doesNotContain("{")
                        .doesNotContain("}");
                assertThat(mail.html()).as(kind + " " + language).doesNotContain("<b>ana</b>");
                if (mail.text().contains("ana")) {
                    assertThat(mail.html()).contains("&lt;b&gt;ana&lt;/b&gt;");
                }
            }
        }
        var reset = templates.write(new Letter("password_reset", "ana@example.org", Language.KO, VALUES));
        assertThat(reset.subject()).isEqualTo("비밀번호 재설정");
        assertThat(reset.text()).contains("https://auth.example.test/x/TOKEN");
        assertThat(reset.toString()).doesNotContain("TOKEN");
    }

    @Test
    void smtpUrlsAreReadStrictlyAndNeverPrintTheirPassword() {
        var url = SmtpUrl.parse("smtp://mailer:p%40ss%3Aword@mail.example.org");
        assertThat(url.port()).isEqualTo(587);
        assertThat(url.user()).isEqualTo("mailer");
        assertThat(url.password()).isEqualTo("p@ss:word");
        assertThat(url.requiresStartTls()).isTrue();
        assertThat(url.toString()).doesNotContain("p@ss").doesNotContain("word");
        assertThat(SmtpUrl.parse("smtps://mail.example.org").port()).isEqualTo(465);
        assertThat(SmtpUrl.parse("smtps://mail.example.org").requiresStartTls()).isFalse();
        assertThat(SmtpUrl.parse("smtp://127.0.0.1:2525").requiresStartTls()).isFalse();
        assertThat(SmtpUrl.parse("smtp://localhost:25").loopback()).isTrue();
        assertThat(SmtpUrl.parse("smtp://[::1]:25").loopback()).isTrue();
        assertThat(SmtpUrl.parse("smtp://127.0.0.1.evil.example:25").loopback()).isFalse();
        for (var bad : new String[] {
            "http://mail.example.org",
            "smtp://",
            "smtp://h:99999",
            "smtp://h/path",
            "smtp://h?x=1",
            "not a url",
            "smtp://u:%zz@h"
        }) {
            assertThatThrownBy(() -> SmtpUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void acceptLanguageChoosesTheBestKnownLanguage() {
        assertThat(Language.fromAcceptLanguage("ko-KR,ko;q=0.9,en;q=0.8")).isEqualTo(Language.KO);
        assertThat(Language.fromAcceptLanguage("en-US,ko;q=0.5")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr, ko;q=0.1")).isEqualTo(Language.KO);
        assertThat(Language.fromAcceptLanguage("ko;q=0")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage(null)).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("ko;q=abc,;;;,")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("ko".repeat(2000))).isEqualTo(Language.EN);
    }
}
