package dev.latchkey.auth;

import dev.latchkey.error.Busy;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.request.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
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
 * ({@link Busy}). A backend failure that names itself as the server's side (a social provider that is down: 502) is
 * the answer when no later backend accepts, rather than a misleading "invalid credentials".
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
        LatchkeyException failure = null;
        for (var backend : backends) {
            Optional<AuthenticationBackend.Proof> answer;
            try {
                answer = backend.prove(request, credentials);
            } catch (AuthenticationDenied | InvalidInput | StoreFailure | Busy e) {
                throw e;
            } catch (RuntimeException e) {
                if (e instanceof LatchkeyException known) {
                    log.warn(
                            "authentication backend {} failed ({}); trying the next one",
                            backend.name(),
                            known.detail());
                } else {
                    log.warn("authentication backend {} failed; trying the next one", backend.name(), e);
                }
                meters.counter("latchkey.auth.backend.failures", "backend", backend.name())
                        .increment();
                if (failure == null && e instanceof LatchkeyException known && known.status() >= 500) {
                    failure = known;
                }
                continue;
            }
            if (answer == null || answer.isEmpty()) {
                continue;
            }
            var user = answer.get().user();
            if (!user.active()) {
                throw new AuthenticationDenied(AuthenticationDenied.Reason.INACTIVE);
            }
            return new Authenticated(
                    user, backend.name(), clock.instant(), answer.get().amr());
        }
        // Nobody accepted. If one failed for a reason it named (a provider down: 502), that is the honest answer;
        // a bug's exception never is.
        if (failure != null) {
            throw failure;
        }
        throw new AuthenticationDenied(AuthenticationDenied.Reason.INVALID_CREDENTIALS);
    }
}
