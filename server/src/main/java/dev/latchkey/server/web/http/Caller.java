package dev.latchkey.server.web.http;

import dev.latchkey.session.Session;
import dev.latchkey.user.User;
import java.util.Optional;

/**
 * Who made the request (Django's {@code request.user}), resolved once per request by
 * {@code web.caller.CurrentUser}: a user and what they proved it with, or anonymous. {@code session} is the request's
 * session, signed in or anonymous, if any.
 */
public record Caller(User user, Via via, Session session) {

    /**
     * What the caller proved themselves with. Unsafe requests of a {@link #SESSION} caller need the CSRF token;
     * {@link #TOKEN} and {@link #JWT} callers sent an {@code Authorization} header, which no browser adds by itself.
     * Which of these a route accepts is its {@link Policy.Proof}s' business.
     */
    public enum Via {
        /** No credential the route accepts, or none at all. */
        ANONYMOUS,
        /** The session cookie of a signed-in browser. */
        SESSION,
        /** An API token ({@code Token …}, or {@code Bearer lk_…}). */
        TOKEN,
        /** A JWT access token ({@code Bearer …}). */
        JWT
    }

    public static Caller anonymous(Session session) {
        return new Caller(null, Via.ANONYMOUS, session);
    }

    public boolean isAuthenticated() {
        return user != null;
    }

    /** The signed-in user; {@link HttpErrors.NotAuthenticated} (401) for an anonymous caller. */
    public User requireUser() {
        if (user == null) {
            throw new HttpErrors.NotAuthenticated();
        }
        return user;
    }

    public Optional<Session> currentSession() {
        return Optional.ofNullable(session);
    }
}
