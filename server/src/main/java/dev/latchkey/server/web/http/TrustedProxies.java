package dev.latchkey.server.web.http;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.net.IpAddress;
import dev.latchkey.net.IpRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * The proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed (addresses or CIDR ranges,
 * IPv4 or IPv6). From anyone else those headers are ignored: a client that could set them could pose as any address
 * and dodge every per-address limit. The client is the rightmost address in {@code X-Forwarded-For} that is not
 * itself a trusted proxy, so a client cannot prepend a fake one.
 *
 * <p>Addresses are read as literals only ({@link IpAddress}), never looked up, and the client's address is answered
 * in canonical form ({@code 2001:db8::7}; Jetty's {@code [::1]} without its brackets; an IPv4-mapped address as
 * IPv4), so one client is one string in sessions, the audit trail and the logs.
 */
public final class TrustedProxies {
    private final List<IpRange> ranges;

    private TrustedProxies(List<IpRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32}; a bad entry is refused. */
    public static TrustedProxies of(List<String> entries) {
        var ranges = new ArrayList<IpRange>();
        for (var entry : entries) {
            ranges.add(IpRange.parse(entry.trim()).orElseThrow(() -> invalid(entry)));
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public ClientInfo resolve(Request request) {
        var remoteText = Request.getRemoteAddr(request);
        var remote = IpAddress.parse(remoteText);
        var userAgent = request.getHeaders().get("User-Agent");
        boolean https = request.isSecure();
        var client = remote.map(IpAddress::toString).orElse(remoteText);
        if (!trusts(remote)) {
            return new ClientInfo(client, https, userAgent);
        }
        var hops = new ArrayList<String>();
        request.getHeaders().getValuesList("X-Forwarded-For").forEach(line -> hops.addAll(hopsOf(line)));
        for (int i = hops.size() - 1; i >= 0; i--) {
            var hop = IpAddress.parse(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get().toString();
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

    /**
     * The hops of one {@code X-Forwarded-For} line, trimmed. Empty hops at the end of the line are dropped, so
     * {@code "192.0.2.1,"} is one hop (and {@code ","} none); any other empty hop is kept, and ends the walk as a
     * malformed one does.
     */
    static List<String> hopsOf(String line) {
        var parts = line.split(",", -1);
        int end = parts.length;
        while (parts.length > 1 && end > 0 && parts[end - 1].isEmpty()) {
            end--;
        }
        var hops = new ArrayList<String>(end);
        for (int i = 0; i < end; i++) {
            hops.add(parts[i].trim());
        }
        return hops;
    }

    boolean trusts(String address) {
        return trusts(IpAddress.parse(address));
    }

    private boolean trusts(Optional<IpAddress> address) {
        if (ranges.isEmpty() || address.isEmpty()) { // no proxies, the common case: nothing to compare
            return false;
        }
        for (var range : ranges) {
            if (range.contains(address.get())) {
                return true;
            }
        }
        return false;
    }

    private static InvalidInput invalid(String entry) {
        return new InvalidInput(
                "invalid_setting",
                "server.trusted_proxies entry \"" + entry
                        + "\" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, ::1, 2001:db8::/32)");
    }
}
