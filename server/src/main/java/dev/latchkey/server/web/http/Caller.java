package dev.latchkey.server.web.http;

import dev.latchkey.session.Session;
import dev.latchkey.user.User;
import java.util.Optional;

/**
 * Who made the request (Django's {@code request.user}), resolved once per request by {@link CurrentUser}: a user
 * and how they proved it, or anonymous. {@code session} is the request's session, signed in or anonymous, if any.
 */
public record Caller(User user, Method method, Session session) {

    /** How the caller was authenticated; unsafe requests by cookie need a CSRF token, header ones do not. */
    public enum Method { ANONYMOUS, SESSION, TOKEN, JWT }

    public static Caller anonymous(Session session) {
        return new Caller(null, Method.ANONYMOUS, session);
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
