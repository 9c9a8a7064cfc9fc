package dev.latchkey.auth;

import dev.latchkey.session.IssuedSession;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.UserStore;

/**
 * Django's {@code authenticate()} followed by {@code login()}: the chain decides who, the session id is rotated,
 * and the user's last-login time is recorded.
 */
public final class SignIn {
    private final Authenticator authenticator;
    private final Sessions sessions;
    private final UserStore users;

    public SignIn(Authenticator authenticator, Sessions sessions, UserStore users) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.users = users;
    }

    /** The new session of the authenticated user; {@link AuthenticationDenied} when the chain refuses. */
    public SignedIn withSession(RequestContext request, Credentials credentials, String currentSessionId) {
        var authenticated = authenticator.authenticate(request, credentials);
        var issued = sessions.login(currentSessionId, authenticated.user().id(), request);
        users.updateLastLogin(authenticated.user().id(), authenticated.at());
        return new SignedIn(authenticated, issued);
    }

    /** Who signed in, and the session that now carries them. */
    public record SignedIn(Authenticated authenticated, IssuedSession session) {
    }
}
