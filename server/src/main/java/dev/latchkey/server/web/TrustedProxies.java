package dev.latchkey.server.web;

import dev.latchkey.error.InvalidInput;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.server.Request;

/**
 * The proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed (addresses or CIDR ranges).
 * From anyone else those headers are ignored: a client that could set them could pose as any address and dodge
 * every per-address limit. The client is the rightmost address in {@code X-Forwarded-For} that is not itself a
 * trusted proxy, so a client cannot prepend a fake one.
 */
public final class TrustedProxies {
    private static final java.util.regex.Pattern IP_LITERAL = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");
    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}; a bad entry is refused naming it. */
    public static TrustedProxies of(List<String> entries) {
        var ranges = new ArrayList<Range>();
        for (var entry : entries) {
            ranges.add(Range.parse(entry.trim()));
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public ClientInfo resolve(Request request) {
        var remote = Request.getRemoteAddr(request);
        var userAgent = request.getHeaders().get("User-Agent");
        boolean https = request.isSecure();
        if (!trusts(remote)) {
            return new ClientInfo(remote, https, userAgent);
        }
        var client = remote;
        var forwardedFor = request.getHeaders().getValuesList("X-Forwarded-For");
        var hops = new ArrayList<String>();
        forwardedFor.forEach(v -> {
            for (var hop : v.split(",")) {
                hops.add(hop.trim());
            }
        });
        for (int i = hops.size() - 1; i >= 0; i--) {
            var hop = hops.get(i);
            if (!isAddress(hop)) {
                break;
            }
            client = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        var proto = request.getHeaders().get("X-Forwarded-Proto");
        if (proto != null) {
            https = proto.trim().toLowerCase(Locale.ROOT).equals("https");
        }
        return new ClientInfo(client, https, userAgent);
    }

    boolean trusts(String address) {
        if (ranges.isEmpty()) {
            return false;   // the common case, asked on every request: no parsing at all
        }
        var bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    private static boolean isAddress(String text) {
        return literal(text) != null;
    }

    /** The bytes of an IP literal, or null: never a DNS lookup. */
    private static byte[] literal(String text) {
        if (text == null || text.isEmpty() || !IP_LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Range(byte[] network, int prefix) {
        static Range parse(String entry) {
            var parts = entry.split("/", 2);
            var address = literal(parts[0]);
            if (address == null) {
                throw invalid(entry);
            }
            int prefix = address.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw invalid(entry);
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw invalid(entry);
                }
            }
            return new Range(address, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static InvalidInput invalid(String entry) {
            return new InvalidInput("invalid_setting", "server.trusted_proxies entry \"" + entry
                    + "\" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, ::1)");
        }
    }
}
