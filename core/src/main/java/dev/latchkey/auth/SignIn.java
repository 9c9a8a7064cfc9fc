package dev.latchkey.auth;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.session.IssuedSession;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Usernames;
import java.time.Clock;

/**
 * Django's {@code authenticate()} followed by {@code login()}: the chain decides who, the session id is rotated,
 * the user's last-login time is recorded, and every attempt, won or lost, goes into the audit trail.
 */
public final class SignIn {
    public static final String AUDIT_KIND = "sign_in";

    private final Authenticator authenticator;
    private final Sessions sessions;
    private final UserStore users;
    private final AuditStore audit;
    private final Clock clock;

    public SignIn(Authenticator authenticator, Sessions sessions, UserStore users, AuditStore audit, Clock clock) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** The new session of the authenticated user; {@link AuthenticationDenied} when the chain refuses. */
    public SignedIn withSession(RequestContext request, Credentials.Password credentials, String currentSessionId) {
        var authenticated = verify(request, credentials);
        var issued = sessions.login(currentSessionId, authenticated.user().id(), request);
        return new SignedIn(authenticated, issued);
    }

    /**
     * A password sign-in that makes no session (DRF's {@code obtain_auth_token}): checked, audited and recorded as
     * the user's last login like any other.
     */
    public Authenticated verify(RequestContext request, Credentials.Password credentials) {
        Authenticated authenticated;
        try {
            authenticated = authenticator.authenticate(request, credentials);
        } catch (AuthenticationDenied denied) {
            recordFailure(request, credentials, denied);
            throw denied;
        }
        var user = authenticated.user();
        users.updateLastLogin(user.id(), authenticated.at());
        audit.append(new AuditEvent(authenticated.at(), AUDIT_KIND, user.id(), user.username(), "success", "",
                request.clientIp(), request.userAgent()));
        return authenticated;
    }

    private void recordFailure(RequestContext request, Credentials.Password credentials, AuthenticationDenied denied) {
        var user = Usernames.tryNormalize(credentials.username()).flatMap(users::findByUsername);
        var reason = switch (denied.reason()) {
            case INACTIVE -> "inactive";
            case DENIED_BY_BACKEND -> "denied";
            case INVALID_CREDENTIALS -> user.isPresent() ? "bad_password" : "unknown_user";
        };
        audit.append(new AuditEvent(clock.instant(), AUDIT_KIND, user.map(u -> u.id()).orElse(null),
                credentials.username(), "failure", reason, request.clientIp(), request.userAgent()));
    }

    /** Who signed in, and the session that now carries them. */
    public record SignedIn(Authenticated authenticated, IssuedSession session) {
    }
}
