package dev.latchkey.server.web.caller;

import java.time.Duration;
import org.eclipse.jetty.http.HttpCookie;

/**
 * The session and CSRF cookies. Over HTTPS they are {@code __Host-} prefixed and {@code Secure} (a browser then
 * refuses them from any other host or path, so a sibling subdomain cannot plant one); on plain HTTP, which only a
 * deployment behind a TLS-terminating proxy should see, both are dropped because browsers would ignore them.
 */
public final class CookiePolicy {
    private static final String SESSION = "lk_session";
    private static final String CSRF = "lk_csrf";
    private static final String PENDING = "lk_social";

    private final Duration sessionMaxAge;
    private final boolean browserSession;
    private final HttpCookie.SameSite sameSite;

    /** @param browserSession true: the session cookie has no Max-Age and ends with the browser */
    public CookiePolicy(Duration sessionMaxAge, boolean browserSession) {
        this(sessionMaxAge, browserSession, HttpCookie.SameSite.LAX);
    }

    /**
     * @param sameSite the session and CSRF cookies' {@code SameSite} ({@code session.cookie_samesite}): {@code Lax}
     *                 by default; {@code None} lets a frontend on another site send them, and browsers accept it only
     *                 on a {@code Secure} cookie, so over plain HTTP those cookies stay {@code Lax}
     */
    public CookiePolicy(Duration sessionMaxAge, boolean browserSession, HttpCookie.SameSite sameSite) {
        this.sessionMaxAge = sessionMaxAge;
        this.browserSession = browserSession;
        this.sameSite = sameSite;
    }

    public String sessionName(boolean https) {
        return (https ? "__Host-" : "") + SESSION;
    }

    public String csrfName(boolean https) {
        return (https ? "__Host-" : "") + CSRF;
    }

    public HttpCookie session(String id, boolean https) {
        var builder =
                base(sessionName(https), id, https).sameSite(sameSite(https)).httpOnly(true);
        if (!browserSession) {
            builder.maxAge(sessionMaxAge.toSeconds());
        }
        return builder.build();
    }

    /** Readable by the page's JavaScript on purpose: an SPA copies it into {@code X-CSRF-Token}. */
    public HttpCookie csrf(String token, boolean https) {
        return base(csrfName(https), token, https)
                .sameSite(sameSite(https))
                .httpOnly(false)
                .build();
    }

    public String pendingName(boolean https) {
        return (https ? "__Host-" : "") + PENDING;
    }

    /** A sign-in in progress at a provider (sealed); it lives as long as the sign-in may take. */
    public HttpCookie pending(String sealed, Duration lifetime, boolean https) {
        return base(pendingName(https), sealed, https)
                .httpOnly(true)
                .maxAge(lifetime.toSeconds())
                .build();
    }

    /** {@code None} only on a cookie that is {@code Secure}: a browser drops a {@code SameSite=None} cookie that is not. */
    private HttpCookie.SameSite sameSite(boolean https) {
        return sameSite == HttpCookie.SameSite.NONE && !https ? HttpCookie.SameSite.LAX : sameSite;
    }

    public HttpCookie expired(String name, boolean https) {
        return base(name, "", https).maxAge(0).build();
    }

    private static HttpCookie.Builder base(String name, String value, boolean https) {
        return HttpCookie.build(name, value).path("/").secure(https).sameSite(HttpCookie.SameSite.LAX);
    }
}
