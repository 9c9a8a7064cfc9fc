package dev.latchkey.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IP address read from its literal text and never looked up: a client address, an {@code X-Forwarded-For} hop,
 * a configured proxy. {@code InetAddress.getByName} is not used because it resolves whatever is not a literal
 * ({@code cafe.de} passes a "hex digits and dots" check and would be a DNS query on the request path).
 *
 * <p>Accepted: IPv4 as a strict dotted quad (four decimal numbers 0–255, no leading zeros, since {@code 010} is 8 to
 * some parsers and 10 to others) and IPv6 as in RFC 4291 section 2.2, with or without the brackets of a URL or of
 * Jetty's remote address ({@code [::1]}), an IPv4 tail included. A zone ({@code fe80::1%eth0}, RFC 4007 section 11)
 * is accepted and dropped: it names the interface a link-local address was reached on, not a different host, and
 * the JDK reports link-local peers with one. An IPv4-mapped address ({@code ::ffff:192.0.2.1}) is that IPv4
 * address, so a dual-stack socket's peer matches IPv4 ranges.
 */
public final class IpAddress {
    /** Longer text is refused before any parsing; the longest IPv6 literal with brackets is 47 characters. */
    private static final int MAX_TEXT = 64;

    private static final int MAX_ZONE = 15;

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The address the text spells, or empty for anything else (a hostname, a malformed literal, null). */
    public static Optional<IpAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        byte[] bytes;
        if (text.charAt(0) == '[') {
            bytes = text.length() > 2 && text.charAt(text.length() - 1) == ']'
                    ? ipv6(text.substring(1, text.length() - 1))
                    : null;
        } else if (text.indexOf(':') >= 0) {
            bytes = ipv6(text);
        } else {
            bytes = ipv4(text, 0, text.length());
        }
        return bytes == null ? Optional.empty() : Optional.of(new IpAddress(unmapped(bytes)));
    }

    /**
     * The address as counted by per-client limits: an IPv6 address is its /64 ({@code 2001:db8:1:2::/64}), since
     * whoever holds one address of a /64 usually holds all of it (RFC 6177 hands a site at least a /64); IPv4 is
     * itself. Text that is not an IP literal comes back unchanged, so it still counts, as itself.
     */
    public static String network(String clientIp) {
        if (clientIp == null) {
            return "";
        }
        return parse(clientIp).map(IpAddress::network).orElse(clientIp);
    }

    /** As {@link #network(String)}: the /64 of an IPv6 address, an IPv4 address itself. */
    public String network() {
        if (isIpv4()) {
            return toString();
        }
        var prefix = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            prefix.append(Integer.toHexString(group(group))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    public boolean isIpv4() {
        return bytes.length == 4;
    }

    /** 4 bytes for IPv4, 16 for IPv6; a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bit at {@code index}, counted from the most significant bit of the first byte. */
    boolean bit(int index) {
        return (bytes[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    int bits() {
        return bytes.length * 8;
    }

    /** The canonical text: a dotted quad, or RFC 5952 (lower case, the longest run of zero groups as {@code ::}). */
    @Override
    public String toString() {
        if (isIpv4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int runStart = -1;
        int runLength = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group(j) == 0) {
                j++;
            }
            if (j - i > runLength && j - i > 1) { // RFC 5952 section 4.2.2: never :: for a single zero group
                runStart = i;
                runLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        var text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(group(i)));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    private int group(int index) {
        return ((bytes[2 * index] & 0xff) << 8) | (bytes[2 * index + 1] & 0xff);
    }

    /** Four decimal numbers 0–255 separated by dots, no leading zeros, ASCII digits only. */
    private static byte[] ipv4(String text, int from, int to) {
        var bytes = new byte[4];
        int octet = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && text.charAt(i) != '.') {
                continue;
            }
            int length = i - start;
            if (octet == 4 || length < 1 || length > 3 || (length > 1 && text.charAt(start) == '0')) {
                return null;
            }
            int value = 0;
            for (int k = start; k < i; k++) {
                char c = text.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            bytes[octet++] = (byte) value;
            start = i + 1;
        }
        return octet == 4 ? bytes : null;
    }

    /** RFC 4291 section 2.2: eight groups of 1–4 hex digits, one {@code ::} for a run of zero groups, an IPv4 tail. */
    private static byte[] ipv6(String text) {
        int zone = text.indexOf('%');
        if (zone >= 0) {
            if (!isZone(text, zone + 1)) {
                return null;
            }
            text = text.substring(0, zone);
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        var groups = new int[8];
        int count;
        if (gap < 0) {
            count = groups(text, 0, text.length(), groups, 0, true);
            return count == 8 ? bytes(groups) : null;
        }
        int head = gap == 0 ? 0 : groups(text, 0, gap, groups, 0, false);
        if (head < 0) {
            return null;
        }
        var tail = new int[8];
        int tailCount = gap + 2 == text.length() ? 0 : groups(text, gap + 2, text.length(), tail, head, true);
        if (tailCount < 0 || head + tailCount > 7) {
            return null;
        }
        System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
        return bytes(groups);
    }

    /**
     * Reads colon-separated groups of {@code text[from, to)} into {@code into}; when {@code last} (they end the
     * address), the final one may be an IPv4 address (two groups). Answers how many groups, or -1 if malformed.
     * {@code before} groups come earlier in the address.
     */
    private static int groups(String text, int from, int to, int[] into, int before, boolean last) {
        int count = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && text.charAt(i) != ':') {
                continue;
            }
            if (last && i == to && text.indexOf('.', start) >= 0) {
                var v4 = ipv4(text, start, to);
                if (v4 == null || before + count + 2 > 8) {
                    return -1;
                }
                into[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                into[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                return count;
            }
            int length = i - start;
            if (length < 1 || length > 4 || before + count == 8) {
                return -1;
            }
            int value = 0;
            for (int k = start; k < i; k++) {
                int digit = hex(text.charAt(k));
                if (digit < 0) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            into[count++] = value;
            start = i + 1;
        }
        return count;
    }

    /** RFC 6874's zone characters (unreserved), which also covers the JDK's numeric zones and interface names. */
    private static boolean isZone(String text, int from) {
        int length = text.length() - from;
        if (length < 1 || length > MAX_ZONE) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (!unreserved) {
                return false;
            }
        }
        return true;
    }

    /** ASCII hex only: {@code Character.digit} would also take full-width and other scripts' digits. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static byte[] bytes(int[] groups) {
        var bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (groups[i] >>> 8);
            bytes[2 * i + 1] = (byte) groups[i];
        }
        return bytes;
    }

    /** {@code ::ffff:a.b.c.d} (RFC 4291 section 2.5.5.2) is the IPv4 address a.b.c.d; anything else is itself. */
    private static byte[] unmapped(byte[] bytes) {
        if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        return Arrays.copyOfRange(bytes, 12, 16);
    }
}
