package dev.latchkey.mfa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.Authenticated;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.Intent;
import dev.latchkey.auth.SecondStep;
import dev.latchkey.auth.SignIn;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.request.RequestContext;
import dev.latchkey.throttle.SignInThrottle;
import dev.latchkey.user.User;
import dev.latchkey.user.UserStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Two-step sign-in for every path: after a right first factor, a user with a second factor gets an {@code mfa_token}
 * instead of a session or token ({@link MfaRequired}), and {@link #verify} turns it and a proof into the sign-in the
 * first call was for. It never names a kind of factor: the kinds are the {@link SecondFactor}s it is built with.
 *
 * <p>An {@code mfa_token} is 256 random bits, kept only as its SHA-256, lives {@link #TOKEN_LIFETIME}, works from the
 * address it was issued to only, and is spent on its first success or its {@link #MAX_ATTEMPTS}-th wrong proof — each
 * a single SQL statement, so a hundred parallel guesses get {@link #MAX_ATTEMPTS} checks. Proofs are also throttled
 * per user and address like password guesses ({@link SignInThrottle}, under the username {@code mfa:<name>}).
 */
public final class TwoStep implements SecondStep {
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    public static final int MAX_ATTEMPTS = 5;
    static final String ENROL = "enrol";
    private static final int TOKEN_BYTES = 32;

    private final List<SecondFactor> factors;
    private final MfaTokenStore tokens;
    private final UserStore users;
    private final SignIn signIn;
    private final SignInThrottle throttle;
    private final AuditStore audit;
    private final Secrets secrets;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final BiConsumer<User, String> notices;
    private volatile MfaSettings settings = MfaSettings.DEFAULT;

    /**
     * Wires the second step.
     *
     * @param notices told of a security event to mail the user about (a recovery code used): user and mail kind */
    public TwoStep(
            List<SecondFactor> factors,
            MfaTokenStore tokens,
            UserStore users,
            SignIn signIn,
            SignInThrottle throttle,
            AuditStore audit,
            Secrets secrets,
            ObjectMapper json,
            Clock clock,
            MeterRegistry meters,
            BiConsumer<User, String> notices) {
        this.factors = List.copyOf(factors);
        this.tokens = tokens;
        this.users = users;
        this.signIn = signIn;
        this.throttle = throttle;
        this.audit = audit;
        this.secrets = secrets;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.notices = notices;
    }

    /** Who must have a factor and whether social sign-ins are trusted; {@link MfaSettings#DEFAULT} until set. */
    public void settings(MfaSettings settings) {
        this.settings = Objects.requireNonNull(settings);
    }

    public MfaSettings settings() {
        return settings;
    }

    /** The sign-in proven in full by its second step, and what its first call was for. */
    public record Completed(Authenticated authenticated, Intent intent) {}

    /** The methods the user has a factor of, in the order of the kinds: the {@code methods} of mfa_required. */
    public List<String> methods(long userId) {
        var out = new ArrayList<String>();
        for (var factor : factors) {
            if (!factor.enrolled(userId).isEmpty()) {
                out.add(factor.method());
            }
        }
        return List.copyOf(out);
    }

    /** Every enrolled factor of the user, of every kind (GET /api/mfa). */
    public List<EnrolledFactor> enrolled(long userId) {
        var out = new ArrayList<EnrolledFactor>();
        factors.forEach(f -> out.addAll(f.enrolled(userId)));
        return List.copyOf(out);
    }

    /** Whether the user has a factor other than recovery codes (which only stand in for one). */
    public boolean hasFactor(long userId) {
        return factors.stream()
                .anyMatch(f -> !RecoveryCodes.METHOD.equals(f.method())
                        && !f.enrolled(userId).isEmpty());
    }

    public Optional<SecondFactor> factor(String method) {
        return factors.stream().filter(f -> f.method().equals(method)).findFirst();
    }

    @Override
    public void demand(Authenticated authenticated, Credentials credentials, Intent intent, RequestContext request) {
        if (credentials instanceof Credentials.SocialCode && settings.trustSocial()) {
            return;
        }
        var user = authenticated.user();
        var methods = methods(user.id());
        if (methods.isEmpty()) {
            if (settings.required().requires(user)) {
                count("enrol", "required");
                throw new MfaEnrollmentRequired(issue(user, request, ENROL, intent, authenticated));
            }
            return;
        }
        count("any", "required");
        throw new MfaRequired(issue(user, request, intent.answer(), intent, authenticated), methods);
    }

    private String issue(User user, RequestContext request, String kind, Intent intent, Authenticated first) {
        var token = secrets.urlSafeToken(TOKEN_BYTES);
        String details;
        try {
            details = json.writeValueAsString(
                    Map.of("details", intent.details(), "amr", first.amr(), "backend", first.backend()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pending sign-in could not be written", e);
        }
        tokens.insert(
                Secrets.sha256Hex(token),
                new MfaTokenStore.Pending(
                        user.id(),
                        request.clientIp(),
                        kind,
                        details,
                        0,
                        clock.instant().plus(TOKEN_LIFETIME)));
        return token;
    }

    /**
     * The method a proof is for when the client names none: "totp" for six digits (spaces allowed), else
     * "recovery".
     */
    public static String defaultMethod(String proof) {
        return Codes.totp(proof).isPresent() ? TotpFactor.METHOD : RecoveryCodes.METHOD;
    }

    /**
     * The second step: {@code proof} for {@code method}, against the sign-in waiting under {@code token}. Throws
     * {@link InvalidMfaToken} for a token that is not (or no longer) good from this address, {@link WrongCode} for a
     * wrong proof, {@link InvalidInput} for a malformed one or a method the user cannot use, and
     * {@link dev.latchkey.error.Throttled} while the user's proofs from this address are throttled.
     */
    public Completed verify(String token, String method, String proof, RequestContext request) {
        var hash = tokenHash(token);
        var pending = live(hash, request).filter(p -> !ENROL.equals(p.intent())).orElseThrow(InvalidMfaToken::new);
        var user = users.findById(pending.userId()).filter(User::active).orElseThrow(InvalidMfaToken::new);
        var factor = factor(method)
                .filter(f -> !f.enrolled(user.id()).isEmpty())
                .orElseThrow(() -> new InvalidInput("unsupported_method", "you cannot sign in with " + method));
        var factorAmr = prove(user, factor, proof, request, () -> tokens.attempt(hash, MAX_ATTEMPTS, clock.instant()));
        if (!tokens.take(hash)) {
            throw new InvalidMfaToken();
        }
        var details = read(pending.details());
        var amr = new LinkedHashSet<String>(details.amr());
        amr.addAll(factorAmr);
        amr.add("mfa");
        var authenticated = new Authenticated(user, details.backend(), clock.instant(), List.copyOf(amr));
        signIn.completed(request, authenticated, "mfa_" + method);
        return new Completed(authenticated, new Intent(pending.intent(), details.details()));
    }

    /**
     * Checks a second factor of a signed-in user again (a step-up after a password), throttled and audited like the
     * second step of a sign-in; answers the amr it adds. Throws as {@link #verify} does.
     */
    public List<String> reprove(User user, String method, String proof, RequestContext request) {
        var factor = factor(method)
                .filter(f -> !f.enrolled(user.id()).isEmpty())
                .orElseThrow(() -> new InvalidInput("unsupported_method", "you cannot confirm with " + method));
        return prove(user, factor, proof, request, () -> true);
    }

    /** One attempt, throttled: the budget first, then the token's attempts, then the factor's own check. */
    private List<String> prove(
            User user,
            SecondFactor factor,
            String proof,
            RequestContext request,
            java.util.function.BooleanSupplier spend) {
        var attempt = throttle.attempt("mfa:" + user.username(), request.clientIp());
        if (!spend.getAsBoolean()) {
            attempt.notAGuess();
            throw new InvalidMfaToken();
        }
        List<String> amr;
        try {
            amr = factor.verify(user, proof, request);
        } catch (AuthenticationDenied | InvalidInput wrong) {
            attempt.failed();
            count(factor.method(), "failure");
            record("mfa_failure", user, "failure", factor.method(), request);
            throw wrong instanceof AuthenticationDenied ? new WrongCode() : wrong;
        } catch (RuntimeException unexpected) {
            attempt.failed();
            throw unexpected;
        }
        attempt.succeeded();
        count(factor.method(), "success");
        record("mfa_success", user, "success", factor.method(), request);
        if (RecoveryCodes.METHOD.equals(factor.method())) {
            record("recovery_code_used", user, "success", "", request);
            notices.accept(user, "recovery_code_used");
        }
        return amr;
    }

    /**
     * Runs {@code check} of a code the user typed to confirm a new factor under the same throttle as proofs: an
     * {@link InvalidInput} from it counts as a wrong guess, and {@link dev.latchkey.error.Throttled} comes first while
     * the user's proofs from this address are blocked.
     */
    public void throttled(User user, RequestContext request, Runnable check) {
        var attempt = throttle.attempt("mfa:" + user.username(), request.clientIp());
        try {
            check.run();
        } catch (InvalidInput wrong) {
            attempt.failed();
            throw wrong;
        } catch (RuntimeException other) {
            attempt.notAGuess();
            throw other;
        }
        attempt.succeeded();
    }

    /**
     * The user an enrolment token ({@link MfaEnrollmentRequired}) is for, while it is good from this address; it stays
     * good until {@link #enrolmentDone}. {@link InvalidMfaToken} otherwise.
     */
    public User enrolling(String token, RequestContext request) {
        var pending = live(tokenHash(token), request)
                .filter(p -> ENROL.equals(p.intent()))
                .orElseThrow(InvalidMfaToken::new);
        return users.findById(pending.userId()).filter(User::active).orElseThrow(InvalidMfaToken::new);
    }

    /**
     * The user a sign-in's {@code mfa_token} is for, while it is good from this address, without spending it: what a
     * passkey's options for the second step are made for. {@link InvalidMfaToken} otherwise.
     */
    public User signingIn(String token, RequestContext request) {
        var pending = live(tokenHash(token), request)
                .filter(p -> !ENROL.equals(p.intent()))
                .orElseThrow(InvalidMfaToken::new);
        return users.findById(pending.userId()).filter(User::active).orElseThrow(InvalidMfaToken::new);
    }

    /** Spends an enrolment token: its user now signs in again, with both factors. */
    public void enrolmentDone(String token) {
        tokens.take(tokenHash(token));
    }

    /** Audits a factor added or removed ({@code mfa_enabled}, {@code mfa_disabled}), and counts it. */
    public void changed(String kind, User user, String method, RequestContext request) {
        count(method, kind);
        record(kind, user, "success", method, request);
    }

    /** Deletes the pending sign-ins that have expired; answers how many went. */
    public int purgeExpired() {
        return tokens.deleteExpired(clock.instant());
    }

    private Optional<MfaTokenStore.Pending> live(String hash, RequestContext request) {
        if (hash == null) {
            return Optional.empty();
        }
        var now = clock.instant();
        return tokens.find(hash)
                .filter(p -> now.isBefore(p.expires()))
                .filter(p -> p.clientIp().equals(request.clientIp()));
    }

    /** Null for what cannot be a token (so nothing is looked up for it). */
    private static String tokenHash(String token) {
        if (token == null || token.length() != 43 || !Secrets.isUrlSafeToken(token, 0, 43)) {
            return null;
        }
        return Secrets.sha256Hex(token);
    }

    private record Details(Map<String, String> details, List<String> amr, String backend) {}

    private Details read(String text) {
        try {
            return json.readValue(text, Details.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pending sign-in could not be read", e);
        }
    }

    private void record(String kind, User user, String outcome, String reason, RequestContext request) {
        audit.append(new AuditEvent(
                clock.instant(),
                kind,
                user.id(),
                user.username(),
                outcome,
                reason,
                request.clientIp(),
                request.userAgent()));
    }

    private void count(String method, String outcome) {
        meters.counter("latchkey.mfa", "method", method, "outcome", outcome).increment();
    }
}
