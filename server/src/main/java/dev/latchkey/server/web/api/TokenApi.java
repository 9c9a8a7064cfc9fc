package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.server.config.Durations;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.User;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * DRF-style API tokens: {@code POST /api/tokens} makes one for the caller, or, given {@code {"username","password"}},
 * for that user like DRF's {@code obtain_auth_token}; {@code GET /api/tokens} lists the caller's (never their keys);
 * {@code DELETE /api/tokens/{id}} revokes one.
 */
public final class TokenApi {
    /** The longest lifetime a client may ask for in seconds: more than any maximum, less than any overflow. */
    private static final long MAX_SECONDS = Duration.ofDays(100 * 365).toSeconds();

    private final SignIn signIn;
    private final Clock clock;
    private final ApiTokens tokens;
    private final Audits audits;

    public TokenApi(SignIn signIn, ApiTokens tokens, Audits audits, Clock clock) {
        this.clock = clock;
        this.audits = audits;
        this.signIn = signIn;
        this.tokens = tokens;
    }

    public void register(Router router) {
        // Minting takes a password, or a browser session; never a token or JWT, which would make itself permanent.
        router.add(
                "POST",
                "/api/tokens",
                Policy.anyone().by(Policy.Proof.COOKIE, Policy.Proof.BODY),
                Doc.of("Make an API token: with a password (DRF's obtain_auth_token) or a fresh browser session")
                        .json(Schemas.object(
                                "username", Schemas.string(),
                                "password", Schemas.string(),
                                "name", Schemas.string(),
                                "expires", Schemas.string("30d, or seconds")))
                        .answers(
                                201,
                                "The token; the key is shown this once",
                                Schemas.object(
                                        "id*", Schemas.integer(),
                                        "token*", Schemas.string(),
                                        "name", Schemas.string(),
                                        "expires_at", Schemas.nullable(Schemas.dateTime())))
                        .errors(401, 429),
                (x, p) -> create(x));
        router.add(
                "GET",
                "/api/tokens",
                Policy.signedIn(),
                Doc.of("The caller's API tokens (never their keys)")
                        .answers(200, "Tokens", Schemas.object("tokens*", Schemas.array(Schemas.ref("ApiToken")))),
                (x, p) -> list(x));
        router.add(
                "DELETE",
                "/api/tokens/{}",
                Policy.signedIn(),
                Doc.of("Revoke one of the caller's tokens, at once")
                        .param("id", "The token's id")
                        .answers(204, "Revoked"),
                this::revoke);
    }

    /**
     * A token is long-lived access, so minting one takes fresh proof: the password in the body (as DRF's
     * {@code obtain_auth_token}), or a browser session signed in within {@link Requests#RECENT_SIGN_IN}. Never a token or
     * JWT caller (the route does not accept them), which would turn a stolen five-minute JWT or a stolen token into
     * access for as long as it likes; never an old session cookie, for the same reason.
     */
    private void create(Exchange x) {
        var body = x.jsonObject();
        if (body.has("username") || body.has("password")) {
            tokenFor(
                    x,
                    new Credentials.Password(
                            Requests.requiredString(body, "username"), Requests.requiredString(body, "password")),
                    body);
            return;
        }
        var user = x.caller().requireUser();
        Requests.requireRecentSignIn(x, clock.instant(), "making a token");
        dev.latchkey.server.web.caller.StepUp.require(x, clock.instant());
        issue(x, user, Requests.optionalString(body, "name").orElse("token"), lifetime(body));
    }

    /**
     * Signs in with any credentials a person signs in with (a password, a passkey) and answers a new token named and
     * lived as {@code body} says, as {@code POST /api/tokens} does; a second step, when due, remembers both.
     */
    public void tokenFor(Exchange x, Credentials credentials, JsonNode body) {
        var name = Requests.optionalString(body, "name").orElse("token");
        var lifetime = lifetime(body);
        var details = new java.util.HashMap<String, String>();
        details.put("name", name);
        lifetime.ifPresent(l -> details.put("expires", Long.toString(l.toSeconds())));
        var user = signIn.verify(
                        x.client().context(),
                        credentials,
                        new dev.latchkey.auth.Intent(dev.latchkey.auth.Intent.TOKEN, details))
                .user();
        issue(x, user, name, lifetime);
    }
    /** A second step completed for a token: the token the first call was for. */
    void completed(Exchange x, User user, java.util.Map<String, String> details) {
        var expires = details.get("expires");
        issue(
                x,
                user,
                details.getOrDefault("name", "token"),
                expires == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(expires))));
    }

    private void issue(Exchange x, User user, String name, Optional<Duration> lifetime) {
        var issued = tokens.create(user.id(), name, lifetime);
        audits.record(x, "token_created", user, "");
        var view = Views.token(issued.token());
        view.put("token", issued.key());
        x.json(201, view);
    }

    private void list(Exchange x) {
        var user = x.caller().requireUser();
        x.json(
                200,
                Map.of(
                        "tokens",
                        tokens.forUser(user.id()).stream().map(Views::token).toList()));
    }

    private void revoke(Exchange x, String id) {
        var user = x.caller().requireUser();
        long tokenId;
        try {
            tokenId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFound("no_such_token", "you have no token with that id");
        }
        if (!tokens.revoke(user.id(), tokenId)) {
            throw new NotFound("no_such_token", "you have no token with that id");
        }
        audits.record(x, "token_revoked", user, "");
        x.noContent();
    }

    /** {@code "expires": "30d"} (or seconds as a number); absent or null: the default lifetime. */
    private static Optional<Duration> lifetime(JsonNode body) {
        var node = body.get("expires");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() > 0 && node.asLong() <= MAX_SECONDS) {
            return Optional.of(Duration.ofSeconds(node.asLong()));
        }
        if (node.isTextual()) {
            try {
                return Optional.of(Durations.parse(node.asText()));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new InvalidInput("invalid_field", "\"expires\" must be a duration such as 30d or 12h, or seconds");
    }
}
