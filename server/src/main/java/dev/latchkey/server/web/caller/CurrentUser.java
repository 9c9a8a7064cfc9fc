package dev.latchkey.server.web.caller;

import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.Credentials;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.session.Sessions;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.User;
import dev.latchkey.user.UserCache;
import java.util.Locale;

/**
 * The one component that turns a request's credentials into its {@link Caller}. Handlers read the caller; they never
 * parse credentials.
 *
 * <p>An {@code Authorization: Token <key>} or {@code Bearer <key-or-jwt>} header (scheme case-insensitive, as in DRF)
 * is tried first; after {@code Bearer}, an {@code lk_} key is an API token and anything else a JWT access token: a
 * bad one is a 401 ({@link InvalidToken}), never a silent fall-back to the cookie. Other schemes are not ours and are
 * ignored. Otherwise a session cookie names a user while the session is live and the user active; anything else
 * (no cookie, garbage, an ended or expired session) is anonymous, never an error.
 */
public final class CurrentUser {
    /** Longer credentials are refused before any parsing. */
    static final int MAX_CREDENTIALS = 8 * 1024;

    private final Sessions sessions;
    private final UserCache users;
    private final Authenticator authenticator;
    private final CookiePolicy cookies;

    public CurrentUser(Sessions sessions, UserCache users, Authenticator authenticator, CookiePolicy cookies) {
        this.sessions = sessions;
        this.users = users;
        this.authenticator = authenticator;
        this.cookies = cookies;
    }

    /**
     * The caller by the proofs the route accepts, and only those: a route that takes no header never parses one, and
     * a page never learns of a token. Without any of them the caller is anonymous (with the browser's anonymous
     * session, if the route takes the cookie).
     */
    public Caller resolve(Exchange exchange, Policy policy) {
        var proofs = policy.proofs();
        if (proofs.contains(Policy.Proof.HEADER)) {
            var authorization = exchange.header("Authorization");
            if (authorization.isPresent()) {
                var byHeader = fromHeader(exchange, authorization.get());
                if (byHeader != null) {
                    return byHeader;
                }
            }
        }
        return proofs.contains(Policy.Proof.COOKIE) ? fromCookie(exchange) : Caller.anonymous(null);
    }

    /** The caller named by the header, or null when the header's scheme is not one of ours. */
    private Caller fromHeader(Exchange exchange, String header) {
        var value = header.strip();
        int space = value.indexOf(' ');
        var scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("token") && !scheme.equals("bearer")) {
            return null;
        }
        var challenge = scheme.equals("token") ? "Token" : "Bearer";
        if (value.length() > MAX_CREDENTIALS) {
            throw new InvalidToken(challenge, "the token is not valid");
        }
        var credentials = space < 0 ? "" : value.substring(space + 1).strip();
        if (credentials.isEmpty()) {
            throw new InvalidToken(challenge, "the Authorization header has no credentials");
        }
        if (credentials.indexOf(' ') >= 0) {
            throw new InvalidToken(challenge, "the Authorization header must hold exactly one token");
        }
        var jwt = scheme.equals("bearer") && !credentials.startsWith(ApiTokens.PREFIX);
        try {
            var authenticated = authenticator.authenticate(
                    exchange.client().context(),
                    jwt ? new Credentials.AccessJwt(credentials) : new Credentials.ApiToken(credentials));
            return new Caller(authenticated.user(), jwt ? Caller.Via.JWT : Caller.Via.TOKEN, null);
        } catch (AuthenticationDenied e) {
            throw new InvalidToken(challenge, "the token is not valid");
        }
    }

    private Caller fromCookie(Exchange exchange) {
        var cookie = exchange.cookie(cookies.sessionName(exchange.client().https()));
        if (cookie.isEmpty()) {
            return Caller.anonymous(null);
        }
        var session = sessions.find(cookie.get());
        if (session.isEmpty()) {
            return Caller.anonymous(null);
        }
        var userId = session.get().userId();
        if (userId == null) {
            return Caller.anonymous(session.get());
        }
        return users.find(userId)
                .filter(User::active)
                .map(u -> new Caller(u, Caller.Via.SESSION, session.get()))
                .orElseGet(() -> Caller.anonymous(null));
    }
}
