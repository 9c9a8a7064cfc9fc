package dev.latchkey.server.web.caller;

import dev.latchkey.server.web.http.Exchange;
import java.net.URI;
import java.util.Locale;

/**
 * This site's origin as browsers see it: {@code server.public_url} when set, else the scheme of the client's
 * connection and the request's {@code Host}. Behind a proxy that rewrites {@code Host} (nginx's default
 * {@code proxy_pass} sends the upstream's address), only the configured URL is right; it decides which
 * {@code Origin} an unsafe browser request may come from and where providers send the browser back.
 */
public final class SiteOrigin {
    private final String configured;

    /** @param publicUrl {@code https://auth.example} (scheme and authority only), or null to go by each request */
    public SiteOrigin(URI publicUrl) {
        this.configured =
                publicUrl == null ? null : normalize(publicUrl.getScheme(), publicUrl.getHost(), publicUrl.getPort());
    }

    /** {@code https://host[:port]}, the port only when it is not the scheme's default. */
    public String of(Exchange x) {
        if (configured != null) {
            return configured;
        }
        var scheme = x.client().https() ? "https" : "http";
        return scheme + "://"
                + x.header("Host")
                        .orElse("localhost")
                        .toLowerCase(Locale.ROOT)
                        .replaceFirst(scheme.equals("https") ? ":443$" : ":80$", "");
    }

    /** Whether an {@code Origin} header names this site. */
    public boolean matches(String origin, Exchange x) {
        URI uri;
        try {
            uri = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        return normalize(uri.getScheme(), uri.getHost(), uri.getPort()).equals(of(x));
    }

    private static String normalize(String scheme, String host, int port) {
        var s = scheme.toLowerCase(Locale.ROOT);
        var defaultPort = s.equals("https") ? 443 : 80;
        return s + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 || port == defaultPort ? "" : ":" + port);
    }
}
