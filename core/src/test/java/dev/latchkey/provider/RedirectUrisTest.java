package dev.latchkey.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redirect URIs are compared as exact strings (OAuth 2.1 §4.1.1, RFC 9700 §4.1.3), with the one RFC 8252 §7.3
 * exception of a loopback port. Each near miss below is a bypass that some normalising server once let through.
 */
class RedirectUrisTest {
    private static final List<String> REGISTERED = List.of("https://app.example.com/cb");

    @Test
    void theRegisteredUriItselfMatches() {
        assertThat(RedirectUris.matches(REGISTERED, "https://app.example.com/cb"))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com/cb/",
                "https://app.example.com/cb?x=1",
                "https://app.example.com/cb?",
                "https://app.example.com/cb#f",
                "https://app.example.com/cb#",
                "https://APP.example.com/cb",
                "HTTPS://app.example.com/cb",
                "https://app.example.com/CB",
                "https://app.example.com:443/cb",
                "https://app.example.com./cb",
                "http://app.example.com/cb",
                "https://app.example.com/cb/..;/",
                "https://app.example.com/cb/../cb",
                "https://app.example.com/./cb",
                "https://app.example.com//cb",
                "https://app.example.com/%2e%2e/cb",
                "https://app.example.com/%63b",
                "https://app.example.com%25@evil.com/cb",
                "https://app.example.com@evil.com/cb",
                "https://user@app.example.com/cb",
                "https://app.example.com.evil.com/cb",
                "https://evil.com/cb",
                "https://evil.com/https://app.example.com/cb",
                "https://app.example.com\\@evil.com/cb",
                "https://app.example.com/cb%00",
                "https://app.example.com/cb%20",
                "//app.example.com/cb",
                "/cb",
                "app.example.com/cb"
            })
    void aNearMissIsNotAMatch(String requested) {
        assertThat(RedirectUris.matches(REGISTERED, requested)).as(requested).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com/cb ",
                " https://app.example.com/cb",
                "https://app.example.com/cb\t",
                "https://app.example.com/cb\n",
                "https://app.example.com/cb\r\n",
                "https://app.example.com/cb\u0000",
                "https://app.example.com/cb\u00a0",
                "https://app.example.com/cb\u200b",
                "https://app.example.com/cb\u202e",
                "https://аpp.example.com/cb" // Cyrillic а
            })
    void whitespaceControlAndLookAlikeCharactersAreNotAMatch(String requested) {
        assertThat(RedirectUris.matches(REGISTERED, requested)).isFalse();
    }

    @Test
    void nothingAndTooMuchAreNotAMatch() {
        assertThat(RedirectUris.matches(REGISTERED, null)).isFalse();
        assertThat(RedirectUris.matches(REGISTERED, "")).isFalse();
        assertThat(RedirectUris.matches(List.of(), "https://app.example.com/cb"))
                .isFalse();
        var longUri = "https://app.example.com/" + "a".repeat(RedirectUris.MAX_LENGTH);
        assertThat(RedirectUris.matches(List.of(longUri), longUri))
                .as("over the length bound even when registered (registration refuses it too)")
                .isFalse();
    }

    @Test
    void aQueryMatchesOnlyWhenRegisteredExactlySo() {
        var withQuery = List.of("https://app.example.com/cb?x=1");
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb?x=1"))
                .isTrue();
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb?x=2"))
                .isFalse();
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb?x=1&x=2"))
                .isFalse();
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb?x=1&next=https://evil.com"))
                .isFalse();
        assertThat(RedirectUris.matches(withQuery, "https://app.example.com/cb?X=1"))
                .isFalse();
    }

    @Test
    void aNativeAppsLoopbackRedirectMatchesAnyPortButNothingElse() {
        var loopback = List.of("http://127.0.0.1/cb");
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1/cb")).isTrue();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/cb")).isTrue();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:1/cb")).isTrue();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:65535/cb")).isTrue();

        assertThat(RedirectUris.matches(loopback, "http://localhost:53121/cb"))
                .as("the name localhost may resolve elsewhere (RFC 8252 §8.3)")
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1.evil.com/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1.evil.com:53121/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121@evil.com/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/other"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/cb/")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/cb/../cb"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/cb?x=1"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:53121/cb#f"))
                .isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:0/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:65536/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:99999/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:123456/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.1:-1/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "https://127.0.0.1:53121/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://127.0.0.2:53121/cb")).isFalse();
        assertThat(RedirectUris.matches(loopback, "http://[::1]:53121/cb"))
                .as("another loopback address is another registration")
                .isFalse();

        var ipv6 = List.of("http://[::1]/cb");
        assertThat(RedirectUris.matches(ipv6, "http://[::1]:53121/cb")).isTrue();
        assertThat(RedirectUris.matches(ipv6, "http://[0:0:0:0:0:0:0:1]:53121/cb"))
                .isFalse();
    }

    @Test
    void theAnyPortRuleIsForLoopbackHttpAlone() {
        assertThat(RedirectUris.matches(List.of("https://app.example.com/cb"), "https://app.example.com:8443/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(List.of("https://127.0.0.1/cb"), "https://127.0.0.1:8443/cb"))
                .isFalse();
        assertThat(RedirectUris.matches(List.of("http://127.0.0.1:8080/cb"), "http://127.0.0.1:8080/cb"))
                .isTrue();
        assertThat(RedirectUris.matches(List.of("http://127.0.0.1:8080/cb"), "http://127.0.0.1:9090/cb"))
                .as("a registered port is part of the URI")
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com/cb",
                "https://app.example.com/cb?x=1",
                "https://app.example.com:8443/cb",
                "https://xn--pp-tka.example.com/cb",
                "http://127.0.0.1/cb",
                "http://127.0.0.1:8080/cb",
                "http://[::1]/cb"
            })
    void whatAnyClientMayRegister(String uri) {
        assertThat(RedirectUris.checkRegistrable(uri, false)).isEqualTo(uri);
        assertThat(RedirectUris.checkRegistrable(uri, true)).isEqualTo(uri);
    }

    @Test
    void aPrivateUseSchemeIsForPublicClientsOnly() {
        assertThat(RedirectUris.checkRegistrable("com.example.app:/cb", true)).isEqualTo("com.example.app:/cb");
        assertThatThrownBy(() -> RedirectUris.checkRegistrable("com.example.app:/cb", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedirectUris.checkRegistrable("myapp:/cb", true))
                .as("RFC 8252 §7.1: a reverse domain name, not a bare word another app may claim too")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedirectUris.checkRegistrable("com.example.app://user@host/cb", true))
                .hasMessageContaining("userinfo");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/cb",
                "cb",
                "//app.example.com/cb",
                "http://app.example.com/cb",
                "http://localhost/cb",
                "http://localhost:8080/cb",
                "http://127.0.0.1.evil.com/cb",
                "https://app.example.com/cb#f",
                "https://app.example.com/cb#",
                "https://*.example.com/cb",
                "https://app.example.com/*",
                "https://a@b/cb",
                "https://app.example.com%25@evil.com/cb",
                "https://user:pass@app.example.com/cb",
                "javascript:alert(1)",
                "javascript://app.example.com/%0aalert(1)",
                "data:text/html,hi",
                "file:///etc/passwd",
                "ftp://app.example.com/cb",
                "HTTPS://app.example.com/cb",
                "https://APP.example.com/cb",
                "https://app.example.com/cb/../admin",
                "https://app.example.com/cb/..;/admin",
                "https://app.example.com/./cb",
                "https://app.example.com/%2e%2e/cb",
                "https://app.example.com/%2E%2E/cb",
                "https://app.example.com\\cb",
                "https://app.example.com/cb\\..\\x",
                "https://app.example.com/cb ",
                "https://app.example.com/cb\t",
                "https://app.example.com/c b",
                "https://app.example.com/cb\u0000",
                "https://äpp.example.com/cb",
                "https:///cb",
                "https:cb"
            })
    void whatNoClientMayRegister(String uri) {
        assertThatThrownBy(() -> RedirectUris.checkRegistrable(uri, false))
                .as(uri)
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedirectUris.checkRegistrable(uri, true))
                .as(uri + " (public)")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullAndOverlongAreRefusedToRegister() {
        assertThatThrownBy(() -> RedirectUris.checkRegistrable(null, false))
                .isInstanceOf(IllegalArgumentException.class);
        var longUri = "https://app.example.com/" + "a".repeat(RedirectUris.MAX_LENGTH);
        assertThatThrownBy(() -> RedirectUris.checkRegistrable(longUri, false)).hasMessageContaining("longer than");
        var justFits = "https://app.example.com/" + "a".repeat(RedirectUris.MAX_LENGTH - 24);
        assertThat(justFits).hasSize(RedirectUris.MAX_LENGTH);
        assertThat(RedirectUris.checkRegistrable(justFits, false)).isEqualTo(justFits);
    }
}
