package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.server.web.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedProxiesTest {
    @TempDir
    Path dir;

    @Test
    void rangesMatchAddressesOfTheirFamily() {
        var proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.7", "::1"));
        assertThat(proxies.trusts("10.1.2.3")).isTrue();
        assertThat(proxies.trusts("11.1.2.3")).isFalse();
        assertThat(proxies.trusts("192.0.2.7")).isTrue();
        assertThat(proxies.trusts("192.0.2.8")).isFalse();
        assertThat(proxies.trusts("::1")).isTrue();
        assertThat(proxies.trusts("not-an-ip.example")).isFalse();
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example"))).isInstanceOf(InvalidInput.class);
    }

    @Test
    void anIpv6ProxyMatchesAsJettyReportsItWithBrackets() {
        var proxies = TrustedProxies.of(List.of("::1", "2001:db8:aa::/48"));
        assertThat(proxies.trusts("[::1]")).isTrue();
        assertThat(proxies.trusts("[2001:db8:aa:1::5]")).isTrue();
        assertThat(proxies.trusts("2001:DB8:AA::9")).isTrue();
        assertThat(proxies.trusts("[2001:db8:ab::5]")).isFalse();
        assertThat(proxies.trusts("[::2]")).isFalse();
        assertThat(proxies.trusts("[::1")).isFalse();
        assertThat(TrustedProxies.of(List.of("[::1]")).trusts("::1")).isTrue();
    }

    @Test
    void anIpv4ProxyOnADualStackSocketMatchesItsIpv4Range() {
        var proxies = TrustedProxies.of(List.of("10.0.0.0/8"));
        assertThat(proxies.trusts("[::ffff:10.1.2.3]")).isTrue();
        assertThat(proxies.trusts("::ffff:11.1.2.3")).isFalse();
        assertThat(TrustedProxies.of(List.of("::ffff:10.0.0.0/104")).trusts("10.200.0.1"))
                .isTrue();
    }

    @Test
    void hostnamesAreNeverLookedUpInSettingsOrHeaders() {
        // cafe.de is all hex letters and dots: the old check let it through to a DNS lookup.
        assertThatThrownBy(() -> TrustedProxies.of(List.of("cafe.de")))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("\"cafe.de\"");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("localhost"))).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8x"))).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> TrustedProxies.of(List.of("::1/129"))).isInstanceOf(InvalidInput.class);
        var proxies = TrustedProxies.of(List.of("0.0.0.0/0", "::/0"));
        int trusted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            trusted += proxies.trusts(Integer.toHexString(0xbeef00 + i) + ".cafe.de") ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(trusted).isZero();
        assertThat(elapsed)
                .as("10,000 new names, each a lookup if any were resolved")
                .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aForwardedForLineDropsOnlyTheEmptyHopsAtItsEnd() {
        assertThat(TrustedProxies.hopsOf("203.0.113.9")).containsExactly("203.0.113.9");
        assertThat(TrustedProxies.hopsOf("203.0.113.9,,")).containsExactly("203.0.113.9");
        assertThat(TrustedProxies.hopsOf(",")).isEmpty();
        assertThat(TrustedProxies.hopsOf("")).containsExactly("");
        assertThat(TrustedProxies.hopsOf(",203.0.113.9")).containsExactly("", "203.0.113.9");
        assertThat(TrustedProxies.hopsOf("203.0.113.9,,198.51.100.2"))
                .containsExactly("203.0.113.9", "", "198.51.100.2");
        assertThat(TrustedProxies.hopsOf(" 203.0.113.9 , 198.51.100.2 "))
                .containsExactly("203.0.113.9", "198.51.100.2");
        assertThat(TrustedProxies.hopsOf("203.0.113.9, ")).containsExactly("203.0.113.9", "");
    }

    @Test
    void forwardedHeadersCountOnlyFromATrustedProxy() throws Exception {
        // Plain HTTP behind a proxy on loopback.
        try (var trusted = TestServer.plain(dir.resolve("a"), List.of("127.0.0.1"));
                var untrusted = TestServer.plain(dir.resolve("b"), List.of())) {
            var viaProxy = trusted.client();
            var token = viaProxy.send(viaProxy.builder("/api/session")
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "203.0.113.50, 198.51.100.2")
                    .header("X-Forwarded-Proto", "https")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}")));
            assertThat(token.statusCode()).isEqualTo(200);
            // The proxy said HTTPS, so the cookies are the __Host- ones.
            assertThat(token.headers().allValues("set-cookie"))
                    .anySatisfy(
                            c -> assertThat(c).startsWith("__Host-lk_session=").contains("Secure"));
            var alice = trusted.latchkey().users().find("alice").orElseThrow();
            assertThat(trusted.latchkey().sessions().forUser(alice.id()).get(0).clientIp())
                    .isEqualTo("198.51.100.2");

            var spoofed = untrusted.client();
            var plain = spoofed.send(spoofed.builder("/api/session")
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "203.0.113.50")
                    .header("X-Forwarded-Proto", "https")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}")));
            assertThat(plain.headers().allValues("set-cookie"))
                    .anySatisfy(c -> assertThat(c).startsWith("lk_session=").doesNotContain("Secure"));
            var bob = untrusted.latchkey().users().find("alice").orElseThrow();
            assertThat(untrusted.latchkey().sessions().forUser(bob.id()).get(0).clientIp())
                    .isEqualTo("127.0.0.1");
        }
    }
}
