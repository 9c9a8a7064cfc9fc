package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.Intent;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.mfa.EnrolledFactor;
import dev.latchkey.mfa.RecoveryCodes;
import dev.latchkey.mfa.TotpFactor;
import dev.latchkey.mfa.TwoStep;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.User;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Second factors over JSON: enrolling an authenticator app ({@code /api/mfa/totp}, then {@code /confirm}), recovery
 * codes, the list of the caller's factors, the second step of a sign-in ({@code /api/mfa/verify}) and a browser
 * session's re-authentication ({@code /api/session/reauth}).
 *
 * <p>Changing a factor needs a recent sign-in ({@link StepUp}). A user whom {@code mfa.required} makes enrol before
 * signing in has no session yet: they call the enrolment routes with the {@code mfa_token} of their
 * {@code mfa_enrollment_required} in the body instead, which is good for that and nothing else.
 */
public final class MfaApi {
    private static final int MAX_PROOF = 8 * 1024;

    private final TwoStep twoStep;
    private final TotpFactor totp;
    private final RecoveryCodes recovery;
    private final SignIn signIn;
    private final Sessions sessions;
    private final SessionApi sessionApi;
    private final JwtApi jwtApi;
    private final TokenApi tokenApi;
    private final Clock clock;

    public MfaApi(
            TwoStep twoStep,
            TotpFactor totp,
            RecoveryCodes recovery,
            SignIn signIn,
            Sessions sessions,
            SessionApi sessionApi,
            JwtApi jwtApi,
            TokenApi tokenApi,
            Clock clock) {
        this.twoStep = twoStep;
        this.totp = totp;
        this.recovery = recovery;
        this.signIn = signIn;
        this.sessions = sessions;
        this.sessionApi = sessionApi;
        this.jwtApi = jwtApi;
        this.tokenApi = tokenApi;
        this.clock = clock;
    }

    public void register(Router router) {
        var codes = Schemas.object("recovery_codes*", Schemas.array(Schemas.string()));
        var signedInOrEnrolling = Policy.anyone().by(Policy.Proof.COOKIE, Policy.Proof.HEADER, Policy.Proof.BODY);
        router.add(
                "GET",
                "/api/mfa",
                Policy.signedIn(),
                Doc.of("The caller's second factors, of every kind")
                        .answers(
                                200,
                                "Factors",
                                Schemas.object(
                                        "factors*", Schemas.array(Schemas.ref("Factor")),
                                        "methods*", Schemas.array(Schemas.string()))),
                (x, p) -> list(x));
        router.add(
                "POST",
                "/api/mfa/totp",
                signedInOrEnrolling,
                Doc.of("Start enrolling an authenticator app: a new pending secret (replaces a pending one)")
                        .description("Signed in (with a sign-in within 10 minutes), or `{\"mfa_token\"}` of an "
                                + "`mfa_enrollment_required`. Send `{}` otherwise.")
                        .json(Schemas.object("mfa_token", Schemas.string()))
                        .answers(
                                200,
                                "The secret (base32) and its otpauth URI, for a QR code",
                                Schemas.object("secret*", Schemas.string(), "otpauth_uri*", Schemas.string()))
                        .errors(400, 401, 409),
                (x, p) -> begin(x));
        router.add(
                "POST",
                "/api/mfa/totp/confirm",
                signedInOrEnrolling,
                Doc.of("Enable the pending secret with a code from the app: answers the recovery codes, once")
                        .json(Schemas.object("code*", Schemas.string(), "mfa_token", Schemas.string()))
                        .answers(200, "Enabled; ten recovery codes, shown this once", codes)
                        .errors(400, 401, 409, 429),
                (x, p) -> confirm(x));
        router.add(
                "DELETE",
                "/api/mfa/totp",
                Policy.signedIn(),
                Doc.of("Remove the authenticator app (and the recovery codes, when no other factor is left)")
                        .answers(204, "Removed")
                        .errors(401, 404),
                (x, p) -> remove(x));
        router.add(
                "POST",
                "/api/mfa/recovery-codes",
                Policy.signedIn(),
                Doc.of("Ten new recovery codes; the old ones stop working")
                        .answers(200, "The new codes, shown this once", codes)
                        .errors(401, 409),
                (x, p) -> regenerate(x));
        router.add(
                "POST",
                "/api/mfa/verify",
                Policy.anyone().by(Policy.Proof.BODY),
                Doc.of("The second step of a sign-in: answers what the first call would have")
                        .description("A session (cookie and CSRF token), a JWT pair or an API token, as the call "
                                + "that answered `mfa_required` asked. `method` defaults to `totp` for six digits, "
                                + "else `recovery`; a passkey sends `\"method\":\"webauthn\"` and `assertion`.")
                        .json(Schemas.object(
                                "mfa_token*", Schemas.string(),
                                "method", Schemas.string(),
                                "code", Schemas.string(),
                                "assertion", Schemas.object()))
                        .answers(200, "Signed in, as the first call would have answered", Schemas.object())
                        .answers(201, "An API token, as POST /api/tokens answers it", Schemas.object())
                        .errors(400, 401, 429),
                (x, p) -> verify(x));
        router.add(
                "POST",
                "/api/session/reauth",
                Policy.signedIn().by(Policy.Proof.COOKIE),
                Doc.of("Prove again who you are, for the next 10 minutes of step-up")
                        .json(Schemas.object(
                                "password*", Schemas.string(), "code", Schemas.string(), "method", Schemas.string()))
                        .answers(204, "Authenticated again")
                        .errors(400, 401, 429),
                (x, p) -> reauthenticate(x));
    }

    private void list(Exchange x) {
        var user = x.caller().requireUser();
        var factors = twoStep.enrolled(user.id()).stream().map(MfaApi::view).toList();
        x.json(200, JsonResponses.object("factors", factors, "methods", twoStep.methods(user.id())));
    }

    private static Map<String, Object> view(EnrolledFactor f) {
        return JsonResponses.object(
                "method",
                f.method(),
                "id",
                f.id(),
                "label",
                f.label(),
                "created",
                f.created().toString(),
                "last_used",
                f.lastUsed() == null ? null : f.lastUsed().toString());
    }

    /** The signed-in caller (with a recent sign-in), or the user of an enrolment token in the body. */
    private User enroller(Exchange x, JsonNode body) {
        if (body.has("mfa_token")) {
            return twoStep.enrolling(
                    Requests.requiredString(body, "mfa_token"), x.client().context());
        }
        var caller = x.caller();
        if (!caller.isAuthenticated()) {
            throw new HttpErrors.NotAuthenticated();
        }
        StepUp.requireForFactors(x, clock.instant());
        return caller.user();
    }

    private void begin(Exchange x) {
        var body = x.jsonObject();
        var user = enroller(x, body);
        var enrolment = totp.begin(user);
        x.json(200, JsonResponses.object("secret", enrolment.secret(), "otpauth_uri", enrolment.otpauthUri()));
    }

    private void confirm(Exchange x) {
        var body = x.jsonObject();
        var user = enroller(x, body);
        var code = bounded(Requests.requiredString(body, "code"));
        // Throttled like a second step: a pending secret must not be guessable by a stolen session either.
        twoStep.throttled(user, x.client().context(), () -> totp.confirm(user, code));
        var codes = recovery.regenerate(user.id());
        twoStep.changed("mfa_enabled", user, TotpFactor.METHOD, x.client().context());
        if (body.has("mfa_token")) {
            twoStep.enrolmentDone(Requests.requiredString(body, "mfa_token"));
        }
        x.json(200, JsonResponses.object("recovery_codes", codes));
    }

    private void remove(Exchange x) {
        var user = x.caller().requireUser();
        StepUp.requireForFactors(x, clock.instant());
        if (!totp.remove(user.id())) {
            throw new dev.latchkey.error.NotFound("no_such_factor", "you have no authenticator app");
        }
        if (!twoStep.hasFactor(user.id())) {
            recovery.removeAll(user.id());
        }
        twoStep.changed("mfa_disabled", user, TotpFactor.METHOD, x.client().context());
        x.noContent();
    }

    private void regenerate(Exchange x) {
        var user = x.caller().requireUser();
        StepUp.requireForFactors(x, clock.instant());
        if (!twoStep.hasFactor(user.id())) {
            throw new dev.latchkey.error.Conflict("no_factor", "recovery codes stand in for a factor: add one first");
        }
        var codes = recovery.regenerate(user.id());
        twoStep.changed("mfa_enabled", user, RecoveryCodes.METHOD, x.client().context());
        x.json(200, JsonResponses.object("recovery_codes", codes));
    }

    private void verify(Exchange x) {
        var body = x.jsonObject();
        var token = Requests.requiredString(body, "mfa_token");
        var method = Requests.optionalString(body, "method").orElse(null);
        String proof;
        if ("webauthn".equals(method)) {
            var assertion = body.get("assertion");
            if (assertion == null || assertion.isNull()) {
                throw new InvalidInput("missing_field", "\"assertion\" is required");
            }
            proof = bounded(assertion.isTextual() ? assertion.asText() : assertion.toString());
        } else {
            proof = bounded(Requests.requiredString(body, "code"));
            method = method == null ? TwoStep.defaultMethod(proof) : method;
        }
        if (twoStep.factor(method).isEmpty()) {
            throw new InvalidInput("unsupported_method", "there is no second factor named " + method);
        }
        var done = twoStep.verify(token, method, proof, x.client().context());
        var authenticated = done.authenticated();
        switch (done.intent().answer()) {
            case Intent.JWT -> jwtApi.completed(x, authenticated);
            case Intent.TOKEN ->
                tokenApi.completed(x, authenticated.user(), done.intent().details());
            default -> sessionApi.completed(x, authenticated);
        }
    }

    /**
     * The password again and, when the user has one, a second factor: the session's {@code auth_time} becomes now
     * and its {@code amr} says how.
     */
    private void reauthenticate(Exchange x) {
        var caller = x.caller();
        if (caller.via() != Caller.Via.SESSION) {
            throw new HttpErrors.NotAuthenticated();
        }
        var user = caller.user();
        var body = x.jsonObject();
        var request = x.client().context();
        signIn.confirmPassword(request, user, Requests.requiredString(body, "password"));
        var amr = new LinkedHashSet<String>(List.of("pwd"));
        if (!twoStep.methods(user.id()).isEmpty()) {
            var code = Requests.optionalString(body, "code")
                    .orElseThrow(
                            () -> new InvalidInput("missing_field", "\"code\" is required: you have a second factor"));
            var method = Requests.optionalString(body, "method").orElse(TwoStep.defaultMethod(code));
            amr.addAll(twoStep.reprove(user, method, bounded(code), request));
            amr.add("mfa");
        }
        var data = new HashMap<String, Object>(caller.session().data());
        data.put(SignIn.SESSION_AUTH_TIME, clock.instant().getEpochSecond());
        data.put(SignIn.SESSION_AMR, List.copyOf(amr));
        sessions.save(caller.session(), data);
        x.noContent();
    }

    private static String bounded(String proof) {
        if (proof.length() > MAX_PROOF) {
            throw new InvalidInput("invalid_code", "that is far too long to be a code");
        }
        return proof;
    }
}
