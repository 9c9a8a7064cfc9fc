package dev.latchkey.server.web.api;

import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.jwt.InvalidAccessToken;
import dev.latchkey.jwt.InvalidRefreshToken;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.server.web.caller.InvalidToken;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import java.time.Clock;

/**
 * simplejwt's views, with revocation: {@code POST /api/jwt} answers a token pair for {@code {"username","password"}}
 * (or for the signed-in browser session, whose sign-out then revokes the pair), {@code /api/jwt/refresh} exchanges a
 * refresh token for a new pair, {@code /api/jwt/verify} checks an access token, {@code /api/jwt/revoke} ends a
 * refresh token's family and every access token it issued.
 *
 * <p>Only {@code POST /api/jwt} on the strength of a session cookie needs a CSRF token: the other calls carry their
 * credential in the body, which a cross-site page cannot read or forge.
 */
public final class JwtApi {
    private final SignIn signIn;
    private final TokenFamilies tokens;
    private final Clock clock;

    public JwtApi(SignIn signIn, TokenFamilies tokens, Clock clock) {
        this.signIn = signIn;
        this.tokens = tokens;
        this.clock = clock;
    }

    public void register(Router router) {
        // The session cookie counts only for POST /api/jwt (and then with its CSRF token); the other calls prove who
        // they are in their body, so a cookie that happens to be sent along gives them nothing.
        var pair = Schemas.ref("TokenPair");
        router.add(
                "POST",
                "/api/jwt",
                Policy.anyone().by(Policy.Proof.COOKIE, Policy.Proof.BODY),
                Doc.of("A JWT pair, for a password or a fresh browser session")
                        .json(Schemas.object("username", Schemas.string(), "password", Schemas.string()))
                        .answers(200, "A new token family's first pair", pair)
                        .errors(401, 429),
                (x, p) -> obtain(x));
        var inBody = Policy.anyone().by(Policy.Proof.BODY);
        var refresh = Schemas.object("refresh*", Schemas.string());
        router.add(
                "POST",
                "/api/jwt/refresh",
                inBody,
                Doc.of("Spend a refresh token for a new pair; a spent one presented again revokes its family")
                        .json(refresh)
                        .answers(200, "The next pair", pair)
                        .errors(401),
                (x, p) -> refresh(x));
        router.add(
                "POST",
                "/api/jwt/verify",
                inBody,
                Doc.of("Whether an access token is valid right now")
                        .json(Schemas.object("token*", Schemas.string()))
                        .answers(
                                200,
                                "Valid",
                                Schemas.object(
                                        "token_type*", Schemas.string(),
                                        "user_id*", Schemas.integer(),
                                        "expires_at", Schemas.dateTime()))
                        .errors(401),
                (x, p) -> verify(x));
        router.add(
                "POST",
                "/api/jwt/revoke",
                inBody,
                Doc.of("Revoke a refresh token's family and its access tokens (RFC 7009)")
                        .json(refresh)
                        .answers(200, "Whether a live family was revoked", Schemas.object("revoked*", Schemas.bool())),
                (x, p) -> revoke(x));
    }

    private void obtain(Exchange x) {
        var body = x.jsonObject();
        if (body.has("username") || body.has("password")) {
            pairFor(
                    x,
                    new Credentials.Password(
                            Requests.requiredString(body, "username"), Requests.requiredString(body, "password")));
            return;
        }
        var caller = x.caller();
        var session = caller.via() == Caller.Via.SESSION ? caller.session() : null;
        if (session == null) {
            // A token or JWT cannot mint a longer-lived family for itself; a password or a browser session can.
            throw new HttpErrors.NotAuthenticated(
                    "send {\"username\",\"password\"}, or call from a signed-in browser session");
        }
        // A pair outlives the session that asked for it unless that session is signed out: fresh proof, as tokens.
        Requests.requireRecentSignIn(x, clock.instant(), "a token pair from the browser session");
        x.json(
                200,
                Views.tokenPair(
                        tokens.obtain(
                                caller.user().id(),
                                session.idHash(),
                                dev.latchkey.server.web.caller.StepUp.amr(session)),
                        clock.instant()));
    }

    /** A token pair for a sign-in proven in full (by its first call or its second step), carrying its amr. */
    void completed(Exchange x, dev.latchkey.auth.Authenticated authenticated) {
        x.json(
                200,
                Views.tokenPair(tokens.obtain(authenticated.user().id(), null, authenticated.amr()), clock.instant()));
    }

    /**
     * Signs in with any credentials a person signs in with (a password, a passkey) and answers a new family's first
     * pair, as {@code POST /api/jwt} does.
     */
    public void pairFor(Exchange x, Credentials credentials) {
        completed(
                x,
                signIn.verify(
                        x.client().context(), credentials, dev.latchkey.auth.Intent.of(dev.latchkey.auth.Intent.JWT)));
    }

    private void refresh(Exchange x) {
        var token = Requests.requiredString(x.jsonObject(), "refresh");
        try {
            x.json(200, Views.tokenPair(tokens.refresh(token, x.client().context()), clock.instant()));
        } catch (InvalidRefreshToken e) {
            throw new InvalidToken("Bearer", "the refresh token is not valid");
        }
    }

    private void verify(Exchange x) {
        var token = Requests.requiredString(x.jsonObject(), "token");
        try {
            var access = tokens.verify(token);
            x.json(
                    200,
                    JsonResponses.object(
                            "token_type",
                            "access",
                            "user_id",
                            access.userId(),
                            "expires_at",
                            access.expires().getEpochSecond()));
        } catch (InvalidAccessToken e) {
            throw new InvalidToken("Bearer", "the token is not valid");
        }
    }

    /**
     * Like RFC 7009, a token that names nothing is not an error (the client wanted it dead, and it is): 200 either
     * way, with {@code revoked} saying whether this call ended a family.
     */
    private void revoke(Exchange x) {
        var token = Requests.requiredString(x.jsonObject(), "refresh");
        x.json(
                200,
                JsonResponses.object("revoked", tokens.revoke(token, x.client().context())));
    }
}
