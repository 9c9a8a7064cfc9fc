package dev.latchkey.server.web.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin requests from the frontends an operator lists ({@code http.cors_origins}), part of every JSON route's
 * policy (pages never take part). An {@code Origin} is allowed only when it is, byte for byte, one of the listed
 * origins as a browser serialises them (RFC 6454 §6.1: lower-case scheme and host, the port only when it is not the
 * scheme's default, nothing after it): {@code https://App.example.com}, {@code https://app.example.com:443/},
 * {@code http://app.example.com} and {@code https://app.example.com.evil.com} are all other origins, and
 * {@code Origin: null} (sandboxed frames, {@code file:} pages, some redirects) is never allowed. Listed origins get
 * {@code Access-Control-Allow-Origin} with their own origin, never {@code *}, and {@code Allow-Credentials}; every
 * other origin gets no CORS header at all, so the browser keeps the answer from its script. Answers of JSON routes
 * always carry {@code Vary: Origin} while CORS is on, so no cache hands one origin's answer to another.
 *
 * <p>Public answers ({@link Policy#isPublic()}: the JWKS, the OpenAPI document) read no credential and are the same for
 * everyone, so any origin may read them: {@code Access-Control-Allow-Origin: *} for every origin, listed or not, and
 * never {@code Allow-Credentials} (a browser refuses {@code *} with credentials; a listed origin reads them the way
 * everyone else does). One rule per kind of answer, whatever the request's {@code Origin}.
 *
 * <p>Being allowed to read answers is all CORS grants: an unsafe request by cookie still needs the CSRF token, which
 * a listed frontend reads from {@code POST /api/session} or {@code GET /api/session} (Fetch standard, "CORS
 * protocol"; OWASP HTML5 Security Cheat Sheet, "Cross Origin Resource Sharing").
 */
public final class Cors {
    /** The request headers a frontend may send; anything else fails the preflight. */
    public static final List<String> ALLOWED_HEADERS = List.of("Authorization", "Content-Type", "X-CSRF-Token");
    /** Response headers beyond the CORS-safelisted ones that a frontend's script may read. */
    static final String EXPOSED_HEADERS = "WWW-Authenticate, Retry-After";
    /** How long a browser may keep a preflight's answer, in seconds (Chromium caps it at 7,200). */
    static final String MAX_AGE = "600";

    private final Set<String> origins;

    private Cors(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** No cross-origin access: no CORS header is ever sent. */
    public static Cors none() {
        return new Cors(Set.of());
    }

    /**
     * The listed origins, each normalised; {@link IllegalArgumentException} names the first that is not an origin
     * ({@code *}, {@code null}, a path, a query, user info, a scheme other than http and https).
     */
    public static Cors of(List<String> listed) {
        var origins = new LinkedHashSet<String>();
        for (var origin : listed) {
            origins.add(normalize(origin));
        }
        return new Cors(origins);
    }

    /** {@code scheme://host[:port]} as a browser sends it in {@code Origin}. */
    static String normalize(String origin) {
        var text = origin.strip();
        var problem = "\"" + text + "\" is not an origin (scheme://host[:port], https or http, nothing after it;"
                + " no wildcards)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem, e);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(problem);
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") ? port == 443 : port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    public boolean enabled() {
        return !origins.isEmpty();
    }

    /** Whether this {@code Origin} header is, exactly, a listed origin. */
    public boolean allows(String origin) {
        return origin != null && origins.contains(origin);
    }

    /** The listed origins, normalised, in no particular order. */
    public Set<String> origins() {
        return origins;
    }

    /**
     * The CORS headers of an answer on a JSON route with {@code policy}: for a public answer {@code *} without
     * credentials; otherwise none unless the request's {@code Origin} is listed.
     */
    public void answer(Exchange x, Policy policy) {
        if (policy.isPublic()) {
            x.setHeader("Access-Control-Allow-Origin", "*");
            return;
        }
        if (policy.readsNoAmbientCredential()) {
            // The OpenID Provider's token, userinfo and revocation endpoints: an SPA on any origin that is a client
            // calls them, with credentials of its own in the request, never the browser's.
            x.setHeader("Access-Control-Allow-Origin", "*");
            x.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
            return;
        }
        if (!enabled()) {
            return;
        }
        x.addHeader("Vary", "Origin");
        var origin = x.header("Origin").orElse(null);
        if (allows(origin)) {
            x.setHeader("Access-Control-Allow-Origin", origin);
            x.setHeader("Access-Control-Allow-Credentials", "true");
            x.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }

    /**
     * Whether the request is a CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}): those are
     * answered by {@link #preflight}, never by a route.
     */
    public static boolean isPreflight(Exchange x) {
        return x.method().equals("OPTIONS")
                && x.header("Access-Control-Request-Method").isPresent();
    }

    /**
     * Answers a preflight for a path whose JSON routes take {@code methods}: 204 with the CORS headers when the
     * origin is listed and the method and every requested header allowed; otherwise {@link HttpErrors.CorsRefused} (403), with no
     * CORS header, so the browser never sends the request itself.
     */
    public void preflight(Exchange x, List<String> methods) {
        preflight(x, methods, false);
    }

    /**
     * A preflight as {@link #preflight(Exchange, List)}; with {@code anyOrigin} (every route of the path reads no
     * ambient credential, {@link Policy#readsNoAmbientCredential}) for any origin, with {@code *} and never
     * {@code Allow-Credentials}.
     */
    public void preflight(Exchange x, List<String> methods, boolean anyOrigin) {
        if (enabled()) {
            x.addHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        }
        var origin = x.header("Origin").orElse(null);
        if (!anyOrigin && !allows(origin)) {
            throw new HttpErrors.CorsRefused("this origin may not call the API from a browser");
        }
        var method = x.header("Access-Control-Request-Method").orElse("").strip();
        if (!methods.contains(method)) {
            throw new HttpErrors.CorsRefused(
                    "the method " + printable(method) + " is not allowed here; allowed: " + String.join(", ", methods));
        }
        for (var header : requestedHeaders(x)) {
            if (ALLOWED_HEADERS.stream().noneMatch(h -> h.equalsIgnoreCase(header))) {
                throw new HttpErrors.CorsRefused("the header " + printable(header)
                        + " may not be sent from another origin; allowed: " + String.join(", ", ALLOWED_HEADERS));
            }
        }
        if (anyOrigin) {
            x.setHeader("Access-Control-Allow-Origin", "*");
        } else {
            x.setHeader("Access-Control-Allow-Origin", origin);
            x.setHeader("Access-Control-Allow-Credentials", "true");
        }
        x.setHeader("Access-Control-Allow-Methods", String.join(", ", methods));
        x.setHeader("Access-Control-Allow-Headers", String.join(", ", ALLOWED_HEADERS));
        x.setHeader("Access-Control-Max-Age", MAX_AGE);
        x.setHeader("Cache-Control", Policy.NO_STORE);
        x.noContent();
    }

    private static List<String> requestedHeaders(Exchange x) {
        var names = new ArrayList<String>();
        var value = x.header("Access-Control-Request-Headers").orElse("");
        for (var name : value.split(",", -1)) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }

    /** At most 64 characters, control characters shown as {@code ?}: what a refusal may echo of the request. */
    private static String printable(String text) {
        var shown = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return "\""
                + shown.codePoints()
                        .map(c -> Character.isISOControl(c) ? '?' : c)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                + "\"";
    }
}
