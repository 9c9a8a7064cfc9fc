package dev.latchkey.server.web.caller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.eclipse.jetty.http.HttpCookie;
import org.junit.jupiter.api.Test;

class CookiePolicyTest {
    private final CookiePolicy cookies = new CookiePolicy(Duration.ofDays(14), false);

    @Test
    void overHttpsEveryCookieIsHostPrefixedSecureLaxAndForTheWholeSite() {
        for (var cookie : new HttpCookie[] {
            cookies.session("id", true),
            cookies.csrf("t", true),
            cookies.pending("sealed", Duration.ofMinutes(10), true)
        }) {
            assertThat(cookie.getName()).startsWith("__Host-lk_");
            assertThat(cookie.isSecure()).as(cookie.getName()).isTrue();
            assertThat(cookie.getPath()).isEqualTo("/");
            assertThat(cookie.getDomain()).as("host-only: no Domain").isNull();
            assertThat(cookie.getSameSite()).isEqualTo(HttpCookie.SameSite.LAX);
        }
        assertThat(cookies.sessionName(true)).isEqualTo("__Host-lk_session");
        assertThat(cookies.csrfName(true)).isEqualTo("__Host-lk_csrf");
        assertThat(cookies.pendingName(true)).isEqualTo("__Host-lk_social");
    }

    @Test
    void overPlainHttpTheyLoseThePrefixAndSecureWhichBrowsersWouldRefuseThere() {
        var session = cookies.session("id", false);
        assertThat(session.getName()).isEqualTo("lk_session");
        assertThat(session.isSecure()).isFalse();
        assertThat(cookies.csrf("t", false).getName()).isEqualTo("lk_csrf");
        assertThat(cookies.pendingName(false)).isEqualTo("lk_social");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndLivesAsLongAsTheIdleTimeout() {
        var session = cookies.session("abc", true);
        assertThat(session.getValue()).isEqualTo("abc");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getMaxAge()).isEqualTo(Duration.ofDays(14).toSeconds());
    }

    @Test
    void withExpireAtBrowserCloseTheSessionCookieHasNoMaxAge() {
        var session = new CookiePolicy(Duration.ofDays(14), true).session("abc", true);
        assertThat(session.getMaxAge()).isEqualTo(-1);
        assertThat(session.isHttpOnly()).isTrue();
    }

    @Test
    void theCsrfCookieIsReadableByThePagesScriptOnPurpose() {
        var csrf = cookies.csrf("token", true);
        assertThat(csrf.isHttpOnly()).isFalse();
        assertThat(csrf.getValue()).isEqualTo("token");
    }

    @Test
    void aPendingSignInIsHttpOnlyAndLivesAsLongAsTheSignInMayTake() {
        var pending = cookies.pending("sealed", Duration.ofMinutes(10), true);
        assertThat(pending.isHttpOnly()).isTrue();
        assertThat(pending.getMaxAge()).isEqualTo(600);
    }

    @Test
    void anExpiredCookieIsEmptyWithMaxAgeZeroUnderTheSameName() {
        var expired = cookies.expired(cookies.sessionName(true), true);
        assertThat(expired.getName()).isEqualTo("__Host-lk_session");
        assertThat(expired.getValue()).isEmpty();
        assertThat(expired.getMaxAge()).isZero();
        assertThat(expired.isSecure()).isTrue();
        assertThat(expired.getPath()).isEqualTo("/");
    }
}
