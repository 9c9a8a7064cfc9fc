package dev.latchkey.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IpAddressTest {

    @Test
    void literalsParseToTheirBytes() {
        assertThat(bytes("192.0.2.1")).containsExactly(192, 0, 2, 1);
        assertThat(bytes("0.0.0.0")).containsExactly(0, 0, 0, 0);
        assertThat(bytes("255.255.255.255")).containsExactly(255, 255, 255, 255);
        assertThat(bytes("::1")).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(bytes("[::1]")).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(bytes("::")).containsExactly(new int[16]);
        assertThat(bytes("2001:DB8::7")).containsExactly(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7);
        assertThat(bytes("1:2:3:4:5:6:7:8")).containsExactly(0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8);
        assertThat(bytes("1:2:3:4:5:6:7::")).endsWith(0, 7, 0, 0);
        assertThat(bytes("::2:3:4:5:6:7:8")).startsWith(0, 0, 0, 2);
        assertThat(bytes("64:ff9b::192.0.2.33")).endsWith(192, 0, 2, 33);
        assertThat(bytes("1:2:3:4:5:6:192.0.2.33")).endsWith(0, 6, 192, 0, 2, 33);
    }

    @Test
    void anyTextTheJdkAgreesIsALiteralReadsAsTheJdkReadsIt() throws Exception {
        for (var text : List.of(
                "10.0.0.1",
                "::1",
                "fe80::1:2",
                "2001:db8:85a3::8a2e:370:7334",
                "::ffff:10.1.2.3",
                "::10.1.2.3",
                "1::",
                "a:b:c:d:e:f:1:2",
                "0:0:0:0:0:0:0:0")) {
            // These are literals, so the JDK does not look them up either.
            var jdk = InetAddress.getByName(text.contains(":") ? "[" + text + "]" : text);
            assertThat(IpAddress.parse(text)).as(text).hasValueSatisfying(a -> {
                assertThat(a.bytes()).isEqualTo(jdk.getAddress());
                assertThat(a.isIpv4()).isEqualTo(!(jdk instanceof Inet6Address));
            });
        }
    }

    @Test
    void hostnamesAndMalformedLiteralsAreRefused() {
        for (var text : List.of(
                "cafe.de",
                "localhost",
                "example.com",
                "1.2.3",
                "1.2.3.4.5",
                "::g",
                "[::1",
                "::1]",
                "01.2.3.4",
                "1.2.3.04",
                "256.0.0.1",
                "1.2.3.4.",
                ".1.2.3.4",
                "1..2.3",
                "1.2.3.-4",
                "",
                " 1.2.3.4",
                "1.2.3.4 ",
                "[1.2.3.4]",
                "[]",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                ":::",
                "1:::2",
                "1::2::3",
                ":1::",
                "::1:",
                "12345::",
                "::ffff:1.2.3",
                "1.2.3.4::",
                "::1.2.3.4:5",
                "fe80::1%",
                "fe80::1%eth0/x",
                "::1%a%b",
                "١.٢.٣.٤",
                "１.２.３.４",
                "::１",
                "0x7f.0.0.1",
                "2130706433",
                "1:2:3:4:5:6:7:1.2.3.4",
                "[::1]:8080",
                "1.2.3.4:80",
                "::" + "0:".repeat(30) + "1")) {
            assertThat(IpAddress.parse(text)).as("\"%s\"", text).isEmpty();
        }
        assertThat(IpAddress.parse(null)).isEmpty();
    }

    @Test
    void tenThousandHostnamesAreRefusedWithoutAnyLookup() {
        // Names of hex letters and dots are what the old "[0-9a-fA-F:.]+" check let through to a DNS lookup. Every
        // name is new, so no resolver cache could answer them: a lookup each would take seconds, not milliseconds.
        int parsed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            parsed += IpAddress.parse(Integer.toHexString(0xcafe00 + i) + ".cafe.de")
                            .isPresent()
                    ? 1
                    : 0;
            parsed += IpAddress.parse("host" + i + ".example.com").isPresent() ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(parsed).isZero();
        assertThat(elapsed).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aZoneIsDroppedAndAnIpv4MappedAddressIsIpv4() {
        assertThat(IpAddress.parse("fe80::1%eth0")).isEqualTo(IpAddress.parse("fe80::1"));
        assertThat(IpAddress.parse("[fe80::1%2]")).isEqualTo(IpAddress.parse("fe80::1"));
        assertThat(IpAddress.parse("::ffff:192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(IpAddress.parse("[::FFFF:c000:201]")).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(IpAddress.parse("::ffff:192.0.2.1").orElseThrow().isIpv4()).isTrue();
        assertThat(IpAddress.parse("::192.0.2.1").orElseThrow().isIpv4())
                .as("IPv4-compatible stays IPv6")
                .isFalse();
    }

    @Test
    void theTextIsCanonicalAsRfc5952Says() {
        assertThat(text("2001:0DB8:0000:0000:0000:0000:0000:0001")).isEqualTo("2001:db8::1");
        assertThat(text("[::1]")).isEqualTo("::1");
        assertThat(text("::")).isEqualTo("::");
        assertThat(text("2001:db8:0:1:1:1:1:1")).as("no :: for one zero group").isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(text("2001:db8:0:0:1:0:0:1")).as("the first of equal runs").isEqualTo("2001:db8::1:0:0:1");
        assertThat(text("2001:0:0:1:0:0:0:1")).as("the longest run").isEqualTo("2001:0:0:1::1");
        assertThat(text("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(text("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(text("fe80::1%eth0")).isEqualTo("fe80::1");
    }

    @Test
    void theNetworkAsCountedIsTheSameAsBeforeForEveryAddress() throws Exception {
        for (var text : List.of(
                "192.0.2.1",
                "::1",
                "[::1]",
                "2001:db8:1:2:3:4:5:6",
                "2001:DB8:1:2::9",
                "[2001:db8:a:b::1]",
                "::ffff:198.51.100.7",
                "fe80::1",
                "::",
                "1:2:3:4:5:6:7:8",
                "0:0:0:1::")) {
            assertThat(IpAddress.network(text)).as(text).isEqualTo(countedBefore(text));
        }
        assertThat(IpAddress.network("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddress.network("2001:db8:1:2:ffff::")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddress.network("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        for (var text : List.of("unknown", "cafe.de", "::g", "[::1", "01.2.3.4", "")) {
            assertThat(IpAddress.network(text))
                    .as("not an address: counted as itself")
                    .isEqualTo(text);
        }
        assertThat(IpAddress.network(null)).isEmpty();
    }

    /** What {@code SignInThrottle.network} did with the JDK's parser, for literals only (no lookup happens). */
    private static String countedBefore(String clientIp) throws Exception {
        if (clientIp.indexOf(':') < 0) {
            return clientIp;
        }
        var address = InetAddress.getByName(clientIp.startsWith("[") ? clientIp : "[" + clientIp + "]");
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        var bytes = address.getAddress();
        var prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
                    .append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static int[] bytes(String text) {
        var bytes = IpAddress.parse(text)
                .orElseThrow(() -> new AssertionError("not parsed: " + text))
                .bytes();
        var unsigned = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            unsigned[i] = bytes[i] & 0xff;
        }
        return unsigned;
    }

    private static String text(String literal) {
        return IpAddress.parse(literal).orElseThrow().toString();
    }
}
