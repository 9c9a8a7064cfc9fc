package dev.latchkey.server.web.caller;

import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.session.IssuedSession;
import dev.latchkey.session.Sessions;
import java.util.Optional;

/**
 * What signing in and out does to a browser, in one place for the pages and the JSON API: the session cookie set or
 * expired, the session ended on the server, and the CSRF token replaced each time.
 */
public final class SessionCookies {
    private final Sessions sessions;
    private final CookiePolicy cookies;
    private final Csrf csrf;
    private final Audits audits;

    public SessionCookies(Sessions sessions, CookiePolicy cookies, Csrf csrf, Audits audits) {
        this.audits = audits;
        this.sessions = sessions;
        this.cookies = cookies;
        this.csrf = csrf;
    }

    /** The session id the browser sent, if any (checked by whoever uses it). */
    public Optional<String> current(Exchange x) {
        return x.cookie(cookies.sessionName(x.client().https()));
    }

    /** Sets the new session's cookie and answers the new CSRF token. */
    public String signedIn(Exchange x, IssuedSession issued) {
        x.addCookie(cookies.session(issued.id(), x.client().https()));
        return csrf.rotate(x);
    }

    /**
     * The browser's CSRF token, issuing one when it has none: what a frontend on another origin, which cannot read
     * the CSRF cookie, asks for after a reload ({@code GET /api/session}).
     */
    public String csrfToken(Exchange x) {
        return csrf.token(x);
    }

    /** Ends the browser's session on the server and expires its cookie. */
    public void signOut(Exchange x) {
        var https = x.client().https();
        var ended = current(x).map(sessions::logout).orElse(false);
        if (ended && x.caller().via() == Caller.Via.SESSION) {
            audits.record(x, "sign_out", x.caller().user(), "");
        }
        x.addCookie(cookies.expired(cookies.sessionName(https), https));
        csrf.rotate(x);
    }
}
