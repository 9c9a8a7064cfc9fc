package dev.latchkey.server.web.caller;

import dev.latchkey.auth.SignIn;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Step-up authentication: changing the password, the email address or a second factor, making an API token from
 * the browser and ending every other session need a browser session whose user proved who they are within
 * {@link #WINDOW} (OWASP ASVS 3.7.1); an older one gets 401 {@code reauthentication_required}, and pages ask again.
 * The time is the session's {@code auth_time}, set at sign-in and by re-authentication; a session from before that
 * existed counts from its creation. Callers by token or JWT are not browser sessions and are not asked: the routes
 * that need it take their proof in the body (the current password) or do not accept them.
 */
public final class StepUp {
    public static final Duration WINDOW = Duration.ofMinutes(10);

    private StepUp() {}

    /** The sign-in is too old for this: authenticate again ({@code POST /api/session/reauth}). */
    public static final class ReauthenticationRequired extends LatchkeyException {
        public ReauthenticationRequired() {
            super(
                    "reauthentication_required",
                    401,
                    "this needs a recent sign-in: confirm your password (and second factor) again");
        }
    }

    /** Refuses a session caller whose last authentication is older than {@link #WINDOW}. */
    public static void require(Exchange exchange, Instant now) {
        var caller = exchange.caller();
        if (caller.via() != dev.latchkey.server.web.http.Caller.Via.SESSION) {
            return;
        }
        if (!recent(caller.session(), now)) {
            throw new ReauthenticationRequired();
        }
    }

    /**
     * For a change of second factors: a browser session whose sign-in is within {@link #WINDOW}. A JWT or an API
     * token says nothing of when its user last proved who they are (a JWT is refreshed for weeks, a token lives as
     * long as it was made to), so neither may add or remove a factor: a stolen one must not take the second factor
     * away, nor put its thief's own in.
     */
    public static void requireForFactors(Exchange exchange, Instant now) {
        if (exchange.caller().via() != dev.latchkey.server.web.http.Caller.Via.SESSION) {
            throw new ReauthenticationRequired();
        }
        require(exchange, now);
    }

    /** Whether the session's user proved who they are within {@link #WINDOW} of {@code now}. */
    public static boolean recent(Session session, Instant now) {
        return session != null && !authTime(session).plus(WINDOW).isBefore(now);
    }

    public static Instant authTime(Session session) {
        var value = session.data().get(SignIn.SESSION_AUTH_TIME);
        return value instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : session.created();
    }

    /** The session's RFC 8176 amr, or empty for one signed in before amr was recorded. */
    public static List<String> amr(Session session) {
        if (session == null || !(session.data().get(SignIn.SESSION_AMR) instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }
}
