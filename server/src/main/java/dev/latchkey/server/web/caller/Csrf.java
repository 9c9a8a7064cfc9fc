package dev.latchkey.server.web.caller;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.server.web.http.Cors;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;

/**
 * CSRF protection for requests authenticated by cookie: the token in {@code X-CSRF-Token} (or the form field
 * {@code csrf_token}) must equal the CSRF cookie (compared in constant time), and an {@code Origin} header, when the
 * browser sends one, must be this site. The cookie is {@code __Host-} prefixed over HTTPS, so no other host can set
 * it (OWASP CSRF Cheat Sheet, "double submit cookie" with host-only cookies, plus origin verification). The token is
 * replaced at every sign-in and sign-out.
 */
public final class Csrf {
    public static final String HEADER = "X-CSRF-Token";
    public static final String FORM_FIELD = "csrf_token";

    private final CookiePolicy cookies;
    private final Secrets secrets;
    private final SiteOrigin site;

    public Csrf(CookiePolicy cookies, Secrets secrets, SiteOrigin site) {
        this.site = site;
        this.cookies = cookies;
        this.secrets = secrets;
    }

    /** The CSRF token of this browser, issuing one (as a cookie) when it has none. */
    public String token(Exchange exchange) {
        var https = exchange.client().https();
        var existing = exchange.cookie(cookies.csrfName(https)).filter(t -> t.matches("[A-Za-z0-9_-]{43}"));
        if (existing.isPresent()) {
            return existing.get();
        }
        return rotate(exchange);
    }

    /** A fresh token, set as the cookie. */
    public String rotate(Exchange exchange) {
        var token = secrets.urlSafeToken(32);
        exchange.addCookie(cookies.csrf(token, exchange.client().https()));
        return token;
    }

    /** Refuses (403) unless the submitted token matches the cookie and the origin, if sent, is this site. */
    public void check(Exchange exchange, String submitted) {
        check(exchange, submitted, Cors.none());
    }

    /**
     * As {@link #check(Exchange, String)}, for a JSON route: the origin may also be one of the frontends CORS lists.
     * The token is required all the same.
     */
    public void check(Exchange exchange, String submitted, Cors cors) {
        checkOrigin(exchange, cors);
        var expected =
                exchange.cookie(cookies.csrfName(exchange.client().https())).orElse("");
        if (submitted == null
                || submitted.isEmpty()
                || expected.isEmpty()
                || !Secrets.constantTimeEquals(submitted, expected)) {
            throw new HttpErrors.CsrfFailed("the CSRF token is missing or wrong");
        }
    }

    /** Refuses (403) a request whose {@code Origin} names another site. */
    public void checkOrigin(Exchange exchange) {
        checkOrigin(exchange, Cors.none());
    }

    /** Refuses (403) a request whose {@code Origin} names another site, unless CORS lists it exactly. */
    public void checkOrigin(Exchange exchange, Cors cors) {
        var origin = exchange.header("Origin");
        if (origin.isEmpty()) {
            return;
        }
        if (!site.matches(origin.get(), exchange) && !cors.allows(origin.get())) {
            throw new HttpErrors.CsrfFailed("the request comes from another site");
        }
    }
}
