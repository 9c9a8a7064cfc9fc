package dev.latchkey.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.server.config.Durations;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.user.User;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * DRF-style API tokens: {@code POST /api/tokens} makes one for the caller, or, given {@code {"username","password"}},
 * for that user like DRF's {@code obtain_auth_token}; {@code GET /api/tokens} lists the caller's (never their keys);
 * {@code DELETE /api/tokens/{id}} revokes one.
 */
public final class TokenApi {
    private final SignIn signIn;
    private final ApiTokens tokens;
    private final Csrf csrf;
    private final Audits audits;

    public TokenApi(SignIn signIn, ApiTokens tokens, Csrf csrf, Audits audits) {
        this.audits = audits;
        this.signIn = signIn;
        this.tokens = tokens;
        this.csrf = csrf;
    }

    public void register(Router router) {
        router.add("POST", "/api/tokens", (x, p) -> create(x));
        router.add("GET", "/api/tokens", (x, p) -> list(x));
        router.add("DELETE", "/api/tokens/{}", this::revoke);
    }

    private void create(Exchange x) {
        x.noStore();
        var body = x.jsonObject();
        User user;
        if (body.has("username") || body.has("password")) {
            // A password sign-in, so the same rules as POST /api/session: JSON only, and this site's origin.
            csrf.checkOrigin(x);
            var credentials = new Credentials.Password(Requests.requiredString(body, "username"),
                    Requests.requiredString(body, "password"));
            user = signIn.verify(x.client().context(), credentials).user();
        } else {
            user = Requests.requireUser(x);
        }
        var issued = tokens.create(user.id(), Requests.optionalString(body, "name").orElse("token"), lifetime(body));
        audits.record(x, "token_created", user, "");
        var view = Views.token(issued.token());
        view.put("token", issued.key());
        x.json(201, view);
    }

    private void list(Exchange x) {
        x.noStore();
        var user = Requests.requireUser(x);
        x.json(200, Map.of("tokens", tokens.forUser(user.id()).stream().map(Views::token).toList()));
    }

    private void revoke(Exchange x, String id) {
        x.noStore();
        var user = Requests.requireUser(x);
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

    /** {@code "expires": "30d"} (or seconds as a number); absent or null: the token does not expire. */
    private static Optional<Duration> lifetime(JsonNode body) {
        var node = body.get("expires");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
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
