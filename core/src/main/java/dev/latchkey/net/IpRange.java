package dev.latchkey.net;

import java.util.Objects;
import java.util.Optional;

/**
 * A CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address ({@code 192.0.2.7}, {@code ::1}).
 * IPv4 ranges hold IPv4 addresses, IPv4-mapped ones included ({@link IpAddress} reads those as IPv4); IPv6 ranges
 * hold the other IPv6 addresses, so {@code ::/0} is every IPv6 client and not the IPv4 ones. Bits of the address
 * past the prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 */
public record IpRange(IpAddress network, int prefix) {
    /** Beyond this the text is not a range; the longest is an IPv6 literal with a zone and "/128". */
    private static final int MAX_TEXT = 90;

    private static final int MAPPED_PREFIX = 96;

    public IpRange {
        Objects.requireNonNull(network, "network");
        if (prefix < 0 || prefix > network.bits()) {
            throw new IllegalArgumentException("a prefix from 0 to " + network.bits() + ", not " + prefix);
        }
    }

    /** The range the text spells, or empty: never a lookup, so a hostname is simply not a range. */
    public static Optional<IpRange> parse(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        var address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        // Written as IPv4-mapped IPv6 (::ffff:10.0.0.0/104), read as IPv4: the mapped part's prefix is 96 bits in.
        boolean mapped = address.get().isIpv4() && text.indexOf(':') >= 0;
        int prefix = address.get().bits() + (mapped ? MAPPED_PREFIX : 0);
        if (slash >= 0) {
            var digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(digits);
        }
        if (mapped) {
            prefix -= MAPPED_PREFIX;
        }
        if (prefix < 0 || prefix > address.get().bits()) {
            return Optional.empty();
        }
        return Optional.of(new IpRange(address.get(), prefix));
    }

    public boolean contains(IpAddress address) {
        if (address.bits() != network.bits()) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            if (address.bit(bit) != network.bit(bit)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
