package dev.latchkey.auth;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.session.IssuedSession;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.User;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Usernames;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.error.Busy;
import dev.latchkey.error.Throttled;
import dev.latchkey.throttle.SignInThrottle;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Django's {@code authenticate()} followed by {@code login()}: the throttle may refuse first (no hash is spent) and
 * otherwise takes the attempt from the budget before any hash, then the chain decides who, the session id is rotated, the user's last-login time is recorded, and every attempt, won
 * or lost, goes into the audit trail.
 */
public final class SignIn {
    public static final String AUDIT_KIND = "sign_in";

    private final Authenticator authenticator;
    private final Sessions sessions;
    private final UserStore users;
    private final AuditStore audit;
    private final Clock clock;
    private final SignInThrottle throttle;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter throttledCount;
    private final Cache<String, Boolean> auditedThrottles = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    public SignIn(Authenticator authenticator, Sessions sessions, UserStore users, AuditStore audit,
                  SignInThrottle throttle, Clock clock, MeterRegistry meters) {
        this.succeeded = meters.counter("latchkey.signins", "method", "password", "outcome", "success");
        this.failed = meters.counter("latchkey.signins", "method", "password", "outcome", "failure");
        this.throttledCount = meters.counter("latchkey.signins", "method", "password", "outcome", "throttled");
        this.throttle = throttle;
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
        SignInThrottle.Attempt attempt;
        try {
            attempt = throttle.attempt(credentials.username(), request.clientIp());
        } catch (Throttled throttled) {
            throttledCount.increment();
            // Audited once a minute per address, whatever usernames it tries, so a flood cannot flood the table.
            if (auditedThrottles.asMap().putIfAbsent(SignInThrottle.network(request.clientIp()), true) == null) {
                audit.append(failure(request, credentials, "throttled"));
            }
            throw throttled;
        }
        Authenticated authenticated;
        try {
            authenticated = authenticator.authenticate(request, credentials);
        } catch (AuthenticationDenied denied) {
            failed.increment();
            recordFailure(request, credentials, denied);
            throw denied;
        } catch (Busy busy) {
            attempt.notAGuess();
            throw busy;
        }
        attempt.succeeded();
        succeeded.increment();
        var user = authenticated.user();
        users.updateLastLogin(user.id(), authenticated.at());
        audit.append(new AuditEvent(authenticated.at(), AUDIT_KIND, user.id(), user.username(), "success", "",
                request.clientIp(), request.userAgent()));
        return authenticated;
    }

    private void recordFailure(RequestContext request, Credentials.Password credentials, AuthenticationDenied denied) {
        var reason = switch (denied.reason()) {
            case INACTIVE -> "inactive";
            case DENIED_BY_BACKEND -> "denied";
            case INVALID_CREDENTIALS -> userOf(credentials).isPresent() ? "bad_password" : "unknown_user";
        };
        audit.append(failure(request, credentials, reason));
    }

    private AuditEvent failure(RequestContext request, Credentials.Password credentials, String reason) {
        return new AuditEvent(clock.instant(), AUDIT_KIND, userOf(credentials).map(User::id).orElse(null),
                credentials.username(), "failure", reason, request.clientIp(), request.userAgent());
    }

    private Optional<User> userOf(Credentials.Password credentials) {
        return Usernames.tryNormalize(credentials.username()).flatMap(users::findByUsername);
    }

    /** Who signed in, and the session that now carries them. */
    public record SignedIn(Authenticated authenticated, IssuedSession session) {
    }
}
