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

    /** @param browserSession true: the session cookie has no Max-Age and ends with the browser */
    public CookiePolicy(Duration sessionMaxAge, boolean browserSession) {
        this.sessionMaxAge = sessionMaxAge;
        this.browserSession = browserSession;
    }

    public String sessionName(boolean https) {
        return (https ? "__Host-" : "") + SESSION;
    }

    public String csrfName(boolean https) {
        return (https ? "__Host-" : "") + CSRF;
    }

    public HttpCookie session(String id, boolean https) {
        var builder = base(sessionName(https), id, https).httpOnly(true);
        if (!browserSession) {
            builder.maxAge(sessionMaxAge.toSeconds());
        }
        return builder.build();
    }

    /** Readable by the page's JavaScript on purpose: an SPA copies it into {@code X-CSRF-Token}. */
    public HttpCookie csrf(String token, boolean https) {
        return base(csrfName(https), token, https).httpOnly(false).build();
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

    public HttpCookie expired(String name, boolean https) {
        return base(name, "", https).maxAge(0).build();
    }

    private static HttpCookie.Builder base(String name, String value, boolean https) {
        return HttpCookie.build(name, value).path("/").secure(https).sameSite(HttpCookie.SameSite.LAX);
    }
}
