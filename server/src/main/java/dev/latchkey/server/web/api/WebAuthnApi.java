package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.Credentials;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.mfa.TwoStep;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.webauthn.Passkey;
import dev.latchkey.webauthn.Passkeys;
import java.time.Clock;
import java.util.Map;

/**
 * Passkeys over JSON, for the pages' script, SPAs and apps: options and registration for the signed-in user,
 * options and a passwordless sign-in for anyone, and the caller's passkeys to list, rename and remove.
 *
 * <p>{@code POST /api/webauthn/authenticate} answers what {@code POST /api/session}, {@code /api/jwt} or
 * {@code /api/tokens} would have for a password (by their own code), so a passkey is one more way into each. The
 * sign-in goes through the one sign-in service: throttled per address, counted and audited like the others.
 */
public final class WebAuthnApi {
    private final Passkeys passkeys;
    private final SessionApi sessions;
    private final JwtApi jwt;
    private final TokenApi tokens;
    private final TwoStep twoStep;
    private final Clock clock;

    public WebAuthnApi(
            Passkeys passkeys, SessionApi sessions, JwtApi jwt, TokenApi tokens, TwoStep twoStep, Clock clock) {
        this.passkeys = passkeys;
        this.twoStep = twoStep;
        this.clock = clock;
        this.sessions = sessions;
        this.jwt = jwt;
        this.tokens = tokens;
    }

    public void register(Router router) {
        var options = Schemas.string("WebAuthn L3 options JSON, for PublicKeyCredential.parse…OptionsFromJSON");
        var passkey = Schemas.object(
                "id*", Schemas.integer(),
                "name*", Schemas.string(),
                "created*", Schemas.dateTime(),
                "last_used", Schemas.nullable(Schemas.dateTime()),
                "synced*", Schemas.bool(),
                "transports*", Schemas.array(Schemas.string()));
        router.add(
                "POST",
                "/api/webauthn/register/options",
                Policy.signedIn(),
                Doc.of("Options for navigator.credentials.create: a new passkey for the caller")
                        .description("The challenge is good once, for five minutes; attestation is \"none\".")
                        .answers(200, "PublicKeyCredentialCreationOptionsJSON", Schemas.object("publicKey*", options)),
                (x, p) -> {
                    // A new factor is a factor change: only with a sign-in of the last ten minutes.
                    StepUp.requireForFactors(x, clock.instant());
                    x.json(
                            200,
                            Map.of(
                                    "publicKey",
                                    passkeys.registrationOptions(x.caller().requireUser())));
                });
        router.add(
                "POST",
                "/api/webauthn/register",
                Policy.signedIn(),
                Doc.of("Register the passkey that answers the caller's registration options")
                        .json(Schemas.object(
                                "credential*", Schemas.string("the credential's toJSON()"), "name", Schemas.string()))
                        .answers(201, "The passkey", passkey)
                        .errors(400, 409),
                (x, p) -> add(x));
        router.add(
                "POST",
                "/api/webauthn/authenticate/options",
                Policy.anyone().by(Policy.Proof.BODY),
                Doc.of("Options for navigator.credentials.get: a passwordless sign-in, or a sign-in's second step")
                        .description("Without `mfa_token`, the same answer for every caller and every `username` (none"
                                + " lists credentials), so it tells nobody who has an account or which passkeys they"
                                + " hold. With the `mfa_token` of an `mfa_required` answer, options for that user's"
                                + " passkeys: its assertion goes to `POST /api/mfa/verify` as `assertion`, with"
                                + " `\"method\":\"webauthn\"`.")
                        .json(Schemas.object(
                                "username", Schemas.string("accepted and not used"), "mfa_token", Schemas.string()))
                        .answers(200, "PublicKeyCredentialRequestOptionsJSON", Schemas.object("publicKey*", options))
                        .errors(400, 401),
                (x, p) -> requestOptions(x));
        router.add(
                "POST",
                "/api/webauthn/authenticate",
                Policy.anyone().by(Policy.Proof.BODY),
                Doc.of("Sign in with a passkey: answers as POST /api/session, /api/jwt or /api/tokens")
                        .description("`issue` says which: `session` (the default; sets the cookie), `jwt` or"
                                + " `token` (with `name` and `expires` as POST /api/tokens takes them).")
                        .json(Schemas.object(
                                "credential*", Schemas.string("the assertion's toJSON()"),
                                "issue", Schemas.string("session | jwt | token"),
                                "name", Schemas.string(),
                                "expires", Schemas.string()))
                        .answers(200, "Signed in (session or jwt)", Schemas.object())
                        .answers(201, "An API token (issue=token)", Schemas.object())
                        .errors(400, 401, 429),
                (x, p) -> authenticate(x));
        router.add(
                "GET",
                "/api/webauthn/credentials",
                Policy.signedIn(),
                Doc.of("The caller's passkeys")
                        .answers(200, "Passkeys", Schemas.object("credentials*", Schemas.array(passkey))),
                (x, p) -> list(x));
        router.add(
                "PATCH",
                "/api/webauthn/credentials/{}",
                Policy.signedIn(),
                Doc.of("Rename one of the caller's passkeys")
                        .param("id", "The passkey's id")
                        .json(Schemas.object("name*", Schemas.string()))
                        .answers(200, "The passkey", passkey)
                        .errors(400),
                this::rename);
        router.add(
                "DELETE",
                "/api/webauthn/credentials/{}",
                Policy.signedIn(),
                Doc.of("Remove one of the caller's passkeys, at once")
                        .param("id", "The passkey's id")
                        .answers(204, "Removed"),
                this::remove);
    }

    private void add(Exchange x) {
        var user = x.caller().requireUser();
        StepUp.requireForFactors(x, clock.instant());
        var body = x.jsonObject();
        var name = Requests.optionalString(body, "name").orElse("");
        var created = passkeys.register(user, credential(body), name, x.client().context());
        x.json(201, view(created));
    }

    private void requestOptions(Exchange x) {
        var body = x.jsonObject();
        // A username, when sent, must be a string; it changes nothing in the answer (see the route's description).
        var unused = Requests.optionalString(body, "username");
        var mfaToken = Requests.optionalString(body, "mfa_token");
        var user = mfaToken.map(token -> twoStep.signingIn(token, x.client().context()))
                .orElse(null);
        x.json(200, Map.of("publicKey", passkeys.authenticationOptions(user)));
    }

    private void authenticate(Exchange x) {
        var body = x.jsonObject();
        var issue = Requests.optionalString(body, "issue").orElse("session");
        var credentials = new Credentials.Passkey(credential(body));
        switch (issue) {
            case "session" -> sessions.signInWith(x, credentials);
            case "jwt" -> jwt.pairFor(x, credentials);
            case "token" -> tokens.tokenFor(x, credentials, body);
            default -> throw new InvalidInput("invalid_field", "\"issue\" must be session, jwt or token");
        }
    }

    private void list(Exchange x) {
        var user = x.caller().requireUser();
        x.json(
                200,
                Map.of(
                        "credentials",
                        passkeys.forUser(user.id()).stream()
                                .map(WebAuthnApi::view)
                                .toList()));
    }

    private void rename(Exchange x, String id) {
        var user = x.caller().requireUser();
        long passkeyId = id(id);
        passkeys.rename(
                user,
                passkeyId,
                Requests.requiredString(x.jsonObject(), "name"),
                x.client().context());
        var renamed = passkeys.forUser(user.id()).stream()
                .filter(p -> p.id() == passkeyId)
                .findFirst()
                .orElseThrow(WebAuthnApi::noSuchPasskey);
        x.json(200, view(renamed));
    }

    private void remove(Exchange x, String id) {
        StepUp.requireForFactors(x, clock.instant());
        passkeys.remove(x.caller().requireUser(), id(id), x.client().context());
        x.noContent();
    }

    /** The credential JSON, as an object (what {@code toJSON()} gives) or a string holding one. */
    private static String credential(JsonNode body) {
        var node = body.get("credential");
        if (node == null || node.isNull()) {
            throw new InvalidInput("missing_field", "\"credential\" is required");
        }
        if (node.isObject()) {
            return node.toString();
        }
        if (node.isTextual()) {
            return node.asText();
        }
        throw new InvalidInput("invalid_credential", "\"credential\" must be the credential's JSON");
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw noSuchPasskey();
        }
    }

    private static NotFound noSuchPasskey() {
        return new NotFound("no_such_passkey", "you have no passkey with that id");
    }

    private static Map<String, Object> view(Passkey p) {
        return JsonResponses.object(
                "id",
                p.id(),
                "name",
                p.name(),
                "created",
                p.created().toString(),
                "last_used",
                p.lastUsed() == null ? null : p.lastUsed().toString(),
                "synced",
                p.backupEligible(),
                "transports",
                p.transports());
    }
}
