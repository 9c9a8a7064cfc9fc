package dev.latchkey.auth;

import dev.latchkey.error.Busy;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.StoreFailure;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import dev.latchkey.user.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered chain of backends (Django's {@code authenticate()}): the first that answers a user wins, a denial stops
 * the chain, and an inactive user is refused here, once, whichever backend vouched for them.
 *
 * <p>A backend that throws by mistake (a bug, a provider answering a shape nobody expected) is logged, counted in
 * {@code latchkey.auth.backend.failures} and treated as "not mine", so it can neither become a 500 nor let a later
 * backend be skipped. Deliberate failures that are not about the user are passed on as they are: input refused
 * before any judgement ({@link InvalidInput}), an unreachable database ({@link StoreFailure}) and a saturated server
 * ({@link Busy}).
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private final List<AuthenticationBackend> backends;
    private final MeterRegistry meters;
    private final Clock clock;

    public Authenticator(List<AuthenticationBackend> backends, MeterRegistry meters, Clock clock) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one authentication backend is required");
        }
        this.backends = List.copyOf(backends);
        this.meters = meters;
        this.clock = clock;
    }

    /** The authenticated user, or {@link AuthenticationDenied} when no backend accepts or one denies. */
    public Authenticated authenticate(RequestContext request, Credentials credentials) {
        for (var backend : backends) {
            Optional<User> answer;
            try {
                answer = backend.authenticate(request, credentials);
            } catch (AuthenticationDenied | InvalidInput | StoreFailure | Busy e) {
                throw e;
            } catch (RuntimeException e) {
                log.warn("authentication backend {} failed; trying the next one", backend.name(), e);
                meters.counter("latchkey.auth.backend.failures", "backend", backend.name()).increment();
                continue;
            }
            if (answer == null || answer.isEmpty()) {
                continue;
            }
            var user = answer.get();
            if (!user.active()) {
                throw new AuthenticationDenied(AuthenticationDenied.Reason.INACTIVE);
            }
            return new Authenticated(user, backend.name(), clock.instant());
        }
        throw new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
    }
}
