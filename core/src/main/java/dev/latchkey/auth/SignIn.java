package dev.latchkey.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.error.Busy;
import dev.latchkey.error.Throttled;
import dev.latchkey.request.RequestContext;
import dev.latchkey.session.IssuedSession;
import dev.latchkey.session.Sessions;
import dev.latchkey.throttle.SignInThrottle;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import dev.latchkey.user.Usernames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one way a person signs in, whatever they sign in with (a password, a provider's code): Django's
 * {@code authenticate()} followed by {@code login()}. For a password the throttle may refuse first (no hash is
 * spent) and otherwise takes the attempt from the budget before any hash; then the chain decides who, the session
 * id is rotated, the user's last-login time is recorded, sign-ins are counted by method and outcome, and every
 * attempt, won or lost, goes into the audit trail. Request authentication (a token or JWT on each request) is not a
 * sign-in and goes straight to the {@link Authenticator}.
 */
public final class SignIn {
    public static final String AUDIT_KIND = "sign_in";

    private final Authenticator authenticator;
    private final Sessions sessions;
    private final UserStore users;
    private final AuditStore audit;
    private final Clock clock;
    private final SignInThrottle throttle;
    private final MeterRegistry meters;
    private volatile boolean verifiedEmailRequired;
    private volatile SecondStep secondStep;
    private final Cache<String, Boolean> auditedThrottles = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    public SignIn(
            Authenticator authenticator,
            Sessions sessions,
            UserStore users,
            AuditStore audit,
            SignInThrottle throttle,
            Clock clock,
            MeterRegistry meters) {
        this.meters = meters;
        this.throttle = throttle;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * From now on, a user who made their account by signing up and has not confirmed their email is refused after a
     * right password ({@link EmailNotVerified}) and gets no session or token ({@code accounts.email_verification =
     * required}). The refusal comes only after the password was right, so it tells nobody else anything.
     */
    public void requireVerifiedEmail(boolean required) {
        this.verifiedEmailRequired = required;
    }

    /**
     * From now on, a right first factor is followed by {@code step}'s decision whether a second one is due (every
     * sign-in path then gets it, since they all come here); none until set.
     */
    public void secondStep(SecondStep step) {
        this.secondStep = step;
    }

    /** Session data: the RFC 8176 {@code amr} values of the sign-in (a list of strings). */
    public static final String SESSION_AMR = "amr";
    /** Session data: when the user last proved who they are, in epoch seconds (OpenID Connect's auth_time). */
    public static final String SESSION_AUTH_TIME = "auth_time";

    /**
     * Checks that {@code password} is the signed-in user's own (a password change, an email change): throttled and
     * audited like a sign-in ({@code password_confirm}), but no sign-in — no session, no last-login time.
     * {@link AuthenticationDenied} when it is wrong.
     */
    public void confirmPassword(RequestContext request, User user, String password) {
        var credentials = new Credentials.Password(user.username(), password);
        var attempt = reserve(request, credentials);
        Authenticated authenticated;
        try {
            authenticated = authenticator.authenticate(request, credentials);
        } catch (AuthenticationDenied denied) {
            attempt.failed();
            audit.append(confirmation(request, user, "failure", "bad_password"));
            throw denied;
        } catch (Busy busy) {
            attempt.notAGuess();
            throw busy;
        } catch (RuntimeException unexpected) {
            attempt.failed();
            throw unexpected;
        }
        if (authenticated.user().id() != user.id()) {
            attempt.failed();
            throw new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
        }
        attempt.succeeded();
        audit.append(confirmation(request, user, "success", ""));
    }

    private AuditEvent confirmation(RequestContext request, User user, String outcome, String reason) {
        return new AuditEvent(
                clock.instant(),
                "password_confirm",
                user.id(),
                user.username(),
                outcome,
                reason,
                request.clientIp(),
                request.userAgent());
    }

    /** The new session of the authenticated user; {@link AuthenticationDenied} when the chain refuses. */
    public SignedIn withSession(RequestContext request, Credentials credentials, String currentSessionId) {
        return withSession(request, credentials, currentSessionId, Intent.of(Intent.SESSION));
    }

    /** As {@link #withSession(RequestContext, Credentials, String)}, for a sign-in page ({@link Intent#PAGE}). */
    public SignedIn withSession(
            RequestContext request, Credentials credentials, String currentSessionId, Intent intent) {
        return startSession(request, verify(request, credentials, intent), currentSessionId);
    }

    /**
     * The session of a sign-in proven already (its second step just passed): a new id, carrying the sign-in's
     * {@code amr} and time in its data ({@link #SESSION_AMR}, {@link #SESSION_AUTH_TIME}).
     */
    public SignedIn startSession(RequestContext request, Authenticated authenticated, String currentSessionId) {
        var issued = sessions.login(
                currentSessionId,
                authenticated.user().id(),
                request,
                Map.of(
                        SESSION_AMR,
                        authenticated.amr(),
                        SESSION_AUTH_TIME,
                        authenticated.at().getEpochSecond()));
        return new SignedIn(authenticated, issued);
    }

    /**
     * A sign-in that makes no session (DRF's {@code obtain_auth_token}, a token pair for an app): checked, audited
     * and recorded as the user's last login like any other. When a second factor is due, the {@link SecondStep}
     * refuses with what starts it ({@code mfa_required}), remembering {@code intent} for the answer after it.
     */
    public Authenticated verify(RequestContext request, Credentials credentials, Intent intent) {
        return check(request, credentials, intent);
    }

    /** As {@link #verify(RequestContext, Credentials, Intent)} for a token pair ({@link Intent#JWT}). */
    public Authenticated verify(RequestContext request, Credentials credentials) {
        return check(request, credentials, Intent.of(Intent.JWT));
    }

    private Authenticated check(RequestContext request, Credentials credentials, Intent intent) {
        var method = method(credentials);
        var attempt = credentials instanceof Credentials.Password password
                ? reserve(request, password)
                : reserveAddress(request, method);
        Authenticated authenticated;
        try {
            authenticated = authenticator.authenticate(request, credentials);
        } catch (AuthenticationDenied denied) {
            attempt.failed();
            count(method, "failure");
            audit.append(failure(request, credentials, reason(credentials, denied)));
            throw denied;
        } catch (Busy busy) {
            attempt.notAGuess();
            throw busy;
        } catch (RuntimeException unexpected) {
            // A failure nobody planned for (the database refused something) still costs the budget.
            attempt.failed();
            throw unexpected;
        }
        attempt.succeeded();
        var user = authenticated.user();
        if (verifiedEmailRequired && credentials instanceof Credentials.Password && user.mustVerifyEmail()) {
            count(method, "unverified");
            audit.append(failure(request, credentials, "email_not_verified"));
            throw new EmailNotVerified();
        }
        var step = secondStep;
        if (step != null && !credentials.multiFactor()) {
            try {
                step.demand(authenticated, credentials, intent, request);
            } catch (RuntimeException due) {
                count(method, "second_step");
                throw due;
            }
        }
        count(method, "success");
        return completed(request, authenticated, via(credentials));
    }

    /**
     * Records a sign-in proven in full — by the first call, or by its second step afterwards — as the user's last
     * login and in the audit trail ({@code reason}: how, such as "via_github" or "mfa_totp").
     */
    public Authenticated completed(RequestContext request, Authenticated authenticated, String reason) {
        var user = authenticated.user();
        users.updateLastLogin(user.id(), authenticated.at());
        audit.append(new AuditEvent(
                authenticated.at(),
                AUDIT_KIND,
                user.id(),
                user.username(),
                "success",
                reason,
                request.clientIp(),
                request.userAgent()));
        return authenticated;
    }

    private SignInThrottle.Attempt reserve(RequestContext request, Credentials.Password credentials) {
        try {
            return throttle.attempt(credentials.username(), request.clientIp());
        } catch (Throttled throttled) {
            count("password", "throttled");
            // Audited once a minute per address, whatever usernames it tries, so a flood cannot flood the table.
            if (auditedThrottles.asMap().putIfAbsent(SignInThrottle.network(request.clientIp()), true) == null) {
                audit.append(failure(request, credentials, "throttled"));
            }
            throw throttled;
        }
    }

    /**
     * A provider's code costs a call to the provider, and a passkey assertion a signature check: the address's
     * budget counts failed ones too.
     */
    private SignInThrottle.Attempt reserveAddress(RequestContext request, String method) {
        try {
            return throttle.attemptFromAddress(request.clientIp());
        } catch (Throttled throttled) {
            count(method, "throttled");
            throw throttled;
        }
    }

    private String reason(Credentials credentials, AuthenticationDenied denied) {
        return switch (denied.reason()) {
            case INACTIVE -> "inactive";
            case DENIED_BY_BACKEND -> "denied";
            case INVALID_CREDENTIALS ->
                !(credentials instanceof Credentials.Password)
                        ? via(credentials)
                        : userOf(credentials).isPresent() ? "bad_password" : "unknown_user";
        };
    }

    /** How a sign-in without a password came, for the audit trail: "via_github", "via_passkey". */
    private static String via(Credentials credentials) {
        if (credentials instanceof Credentials.SocialCode code) {
            return "via_" + code.provider();
        }
        return credentials instanceof Credentials.Passkey ? "via_passkey" : "";
    }

    private AuditEvent failure(RequestContext request, Credentials credentials, String reason) {
        var username = credentials instanceof Credentials.Password password ? password.username() : "";
        return new AuditEvent(
                clock.instant(),
                AUDIT_KIND,
                userOf(credentials).map(User::id).orElse(null),
                username,
                "failure",
                reason,
                request.clientIp(),
                request.userAgent());
    }

    private Optional<User> userOf(Credentials credentials) {
        if (!(credentials instanceof Credentials.Password password)) {
            return Optional.empty();
        }
        return Usernames.tryNormalize(password.username()).flatMap(users::findByUsername);
    }

    private void count(String method, String outcome) {
        meters.counter("latchkey.signins", "method", method, "outcome", outcome).increment();
    }

    private static String method(Credentials credentials) {
        if (credentials instanceof Credentials.Password) {
            return "password";
        }
        if (credentials instanceof Credentials.SocialCode) {
            return "social";
        }
        if (credentials instanceof Credentials.Passkey) {
            return "passkey";
        }
        throw new IllegalArgumentException(
                "a sign-in takes a password, a provider's code or a passkey, not " + credentials);
    }

    /** Who signed in, and the session that now carries them. */
    public record SignedIn(Authenticated authenticated, IssuedSession session) {}
}
