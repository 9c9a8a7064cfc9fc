package dev.latchkey.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void ipv4RangesHoldIpv4AddressesMappedOnesIncluded() {
        var range = range("10.0.0.0/8");
        assertThat(range.contains(ip("10.255.1.2"))).isTrue();
        assertThat(range.contains(ip("11.0.0.1"))).isFalse();
        assertThat(range.contains(ip("::ffff:10.9.8.7")))
                .as("a dual-stack socket's IPv4 peer")
                .isTrue();
        assertThat(range.contains(ip("[::ffff:10.9.8.7]"))).isTrue();
        assertThat(range.contains(ip("::a09:807")))
                .as("not mapped: an IPv6 address")
                .isFalse();
        assertThat(range("192.0.2.7").contains(ip("192.0.2.7"))).isTrue();
        assertThat(range("192.0.2.7").contains(ip("192.0.2.8"))).isFalse();
        assertThat(range("0.0.0.0/0").contains(ip("203.0.113.1"))).isTrue();
        assertThat(range("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(range("10.1.2.3/8").contains(ip("10.200.0.1")))
                .as("bits past the prefix are ignored")
                .isTrue();
    }

    @Test
    void ipv6RangesHoldIpv6Addresses() {
        var range = range("2001:db8::/32");
        assertThat(range.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(range.contains(ip("[2001:DB8::7]"))).isTrue();
        assertThat(range.contains(ip("2001:db9::1"))).isFalse();
        assertThat(range.contains(ip("32.1.13.184")))
                .as("the same first bytes, but IPv4")
                .isFalse();
        assertThat(range("::1").contains(ip("[::1]"))).isTrue();
        assertThat(range("::1").contains(ip("::2"))).isFalse();
        assertThat(range("[::1]/128").contains(ip("::1"))).isTrue();
        assertThat(range("fe80::/10").contains(ip("fe80::1%eth0"))).isTrue();
        assertThat(range("2001:db8::1/127").contains(ip("2001:db8::"))).isTrue();
        assertThat(range("::/0").contains(ip("192.0.2.1")))
                .as("IPv4 needs an IPv4 range")
                .isFalse();
    }

    @Test
    void aRangeWrittenAsIpv4MappedIsTheIpv4Range() {
        assertThat(range("::ffff:10.0.0.0/104")).isEqualTo(range("10.0.0.0/8"));
        assertThat(range("::ffff:192.0.2.7")).isEqualTo(range("192.0.2.7/32"));
        assertThat(range("::ffff:0:0/96")).isEqualTo(range("0.0.0.0/0"));
        assertThat(IpRange.parse("::ffff:0:0/95")).as("beyond the mapped space").isEmpty();
    }

    @Test
    void hostnamesAndBadPrefixesAreNotRanges() {
        for (var text : List.of(
                "10.0.0.0/33",
                "::/129",
                "10.0.0.0/",
                "10.0.0.0/-1",
                "10.0.0.0/+8",
                "10.0.0.0/08x",
                "10.0.0.0/8/8",
                "10.0.0.0/ 8",
                "proxy.example",
                "cafe.de",
                "cafe.de/8",
                "/8",
                "",
                "10.0.0/8",
                "10.0.0.0/0008",
                "10.0.0.0/８")) {
            assertThat(IpRange.parse(text)).as("\"%s\"", text).isEmpty();
        }
        assertThat(IpRange.parse(null)).isEmpty();
    }

    private static IpRange range(String text) {
        return IpRange.parse(text).orElseThrow(() -> new AssertionError("not a range: " + text));
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow(() -> new AssertionError("not an address: " + text));
    }
}
