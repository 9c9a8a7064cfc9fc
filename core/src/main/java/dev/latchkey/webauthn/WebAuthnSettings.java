package dev.latchkey.webauthn;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who latchkey is to authenticators: the relying party id (a host name; credentials are bound to it for good), the
 * name shown to people, and the exact origins whose browsers may use the credentials. No pattern matching on
 * origins: a credential asserted from any origin not listed here is refused (WebAuthn L3 §13.4.9).
 *
 * @param rpId              the RP id, the host of {@code server.public_url}
 * @param rpName            what authenticators show beside the account ("latchkey" unless set)
 * @param origins           the exact origins ({@code https://auth.example}, an app's origin), at least one
 * @param challengeLifetime how long an issued challenge may be answered
 */
public record WebAuthnSettings(String rpId, String rpName, Set<String> origins, Duration challengeLifetime) {
    public static final Duration DEFAULT_CHALLENGE_LIFETIME = Duration.ofMinutes(5);

    public WebAuthnSettings {
        if (rpId == null || rpId.isEmpty() || rpId.contains("/") || rpId.contains(":")) {
            throw new IllegalArgumentException("the WebAuthn RP id must be a host name, not " + rpId);
        }
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("WebAuthn needs at least one origin");
        }
        for (var origin : origins) {
            var uri = URI.create(origin);
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty())
                    || uri.getQuery() != null) {
                throw new IllegalArgumentException("a WebAuthn origin is scheme://host[:port], not " + origin);
            }
        }
        if (challengeLifetime.isNegative() || challengeLifetime.isZero()) {
            throw new IllegalArgumentException("the challenge lifetime must be positive");
        }
        origins = Set.copyOf(origins);
    }

    /**
     * The settings for a server reached at {@code publicUrl}: its host is the RP id and its origin the first
     * origin; {@code extraOrigins} are added as they are ({@code webauthn.origins}).
     */
    public static WebAuthnSettings forPublicUrl(URI publicUrl, List<String> extraOrigins) {
        var host = publicUrl.getHost().toLowerCase(Locale.ROOT);
        var origins = new LinkedHashSet<String>();
        origins.add(originOf(publicUrl));
        origins.addAll(extraOrigins);
        return new WebAuthnSettings(host, "latchkey", origins, DEFAULT_CHALLENGE_LIFETIME);
    }

    /** {@code scheme://host[:port]} of a URL, the port only when it is not the scheme's default. */
    public static String originOf(URI url) {
        var scheme = url.getScheme().toLowerCase(Locale.ROOT);
        var host = url.getHost().toLowerCase(Locale.ROOT);
        int port = url.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
