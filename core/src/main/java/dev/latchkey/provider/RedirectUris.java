package dev.latchkey.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place where redirect URIs are judged: which may be registered, and whether a requested one is registered.
 *
 * <p>Matching is exact string comparison, nothing else (OAuth 2.1 §4.1.1, RFC 9700 §4.1.3): no decoding, no case
 * folding, no path normalisation, no prefix match — every redirect bypass on record ({@code ..;/}, {@code %2e%2e},
 * {@code /../}, {@code %25@} userinfo) lived in a normalising comparison. The one exception is RFC 8252 §7.3: a native
 * app's loopback redirect {@code http://127.0.0.1/cb} or {@code http://[::1]/cb} matches with any port, because the
 * app can only learn its port when it runs; everything but the port is still compared exactly.
 */
public final class RedirectUris {
    public static final int MAX_LENGTH = 2000;
    private static final Pattern LOOPBACK_WITH_PORT =
            Pattern.compile("^http://(127\\.0\\.0\\.1|\\[::1\\]):([0-9]{1,5})((?:[/?][^#]*)?)$");
    private static final Pattern PRIVATE_USE_SCHEME = Pattern.compile("^[a-z][a-z0-9+-]*(\\.[a-z0-9+-]+)+$");
    private static final Pattern DOT_SEGMENT =
            Pattern.compile("(^|/)(\\.|\\.\\.)(/|;|$)|%2e|\\\\", Pattern.CASE_INSENSITIVE);

    private RedirectUris() {}

    /** Whether {@code requested} is one of {@code registered}, as above. */
    public static boolean matches(List<String> registered, String requested) {
        if (requested == null || requested.isEmpty() || requested.length() > MAX_LENGTH || !printableAscii(requested)) {
            return false;
        }
        if (registered.contains(requested)) {
            return true;
        }
        var loopback = LOOPBACK_WITH_PORT.matcher(requested);
        if (!loopback.matches()) {
            return false;
        }
        int port = Integer.parseInt(loopback.group(2));
        if (port < 1 || port > 65535) {
            return false;
        }
        var withoutPort = "http://" + loopback.group(1) + loopback.group(3);
        return registered.contains(withoutPort);
    }

    /**
     * Refuses, with {@link IllegalArgumentException} naming why, a URI that may not be registered: anything but
     * absolute {@code https}, {@code http} on a loopback address (native apps and local development), or a
     * private-use scheme such as {@code com.example.app:/cb} for a public client; with a fragment, userinfo, a
     * wildcard, dot segments, a backslash, whitespace, control or non-ASCII characters (register an IDN host in its
     * {@code xn--} form), or over {@value #MAX_LENGTH} characters.
     */
    public static String checkRegistrable(String uri, boolean publicClient) {
        if (uri == null || uri.isEmpty()) {
            throw new IllegalArgumentException("a redirect URI must not be empty");
        }
        if (uri.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a redirect URI must not be longer than " + MAX_LENGTH + " characters");
        }
        if (!printableAscii(uri)) {
            throw new IllegalArgumentException(
                    "a redirect URI must be printable ASCII (no spaces or control characters; an IDN host in xn-- form)");
        }
        if (uri.contains("*")) {
            throw new IllegalArgumentException("a redirect URI is matched exactly: no wildcards");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URI: " + uri);
        }
        if (!parsed.isAbsolute()) {
            throw new IllegalArgumentException("a redirect URI must be absolute");
        }
        if (parsed.getRawFragment() != null || uri.contains("#")) {
            throw new IllegalArgumentException("a redirect URI must not have a fragment");
        }
        var scheme = parsed.getScheme();
        if (!scheme.equals(scheme.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("write the scheme in lower case");
        }
        var path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        if (DOT_SEGMENT.matcher(path).find()) {
            throw new IllegalArgumentException("a redirect URI must not have dot segments or backslashes in its path");
        }
        switch (scheme) {
            case "https" -> requireHost(parsed);
            case "http" -> {
                requireHost(parsed);
                if (!isLoopback(parsed.getHost())) {
                    throw new IllegalArgumentException(
                            "plain http is for loopback redirects only (http://127.0.0.1 or http://[::1])");
                }
            }
            default -> {
                if (!publicClient || !PRIVATE_USE_SCHEME.matcher(scheme).matches()) {
                    throw new IllegalArgumentException(
                            publicClient
                                    ? "use https, a loopback http address, or a private-use scheme such as com.example.app:/cb"
                                    : "use https, or a loopback http address");
                }
                if (parsed.getRawAuthority() != null && parsed.getRawAuthority().contains("@")) {
                    throw new IllegalArgumentException("a redirect URI must not have userinfo");
                }
            }
        }
        return uri;
    }

    /** Where a loopback redirect is allowed: the IP literals of RFC 8252 §7.3, not the name {@code localhost}. */
    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("[::1]");
    }

    private static void requireHost(URI parsed) {
        if (parsed.getRawUserInfo() != null
                || (parsed.getRawAuthority() != null && parsed.getRawAuthority().contains("@"))) {
            throw new IllegalArgumentException("a redirect URI must not have userinfo");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw new IllegalArgumentException("a redirect URI must name a host");
        }
        if (!parsed.getHost().equals(parsed.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("write the host in lower case");
        }
    }

    static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
