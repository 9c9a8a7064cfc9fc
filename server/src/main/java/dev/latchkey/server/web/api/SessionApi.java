package dev.latchkey.server.web.api;

import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.NotFound;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.caller.PublicSessionId;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.Groups;
import java.util.Map;

/**
 * The JSON session API: {@code POST /api/session} signs in and sets the session cookie, {@code DELETE /api/session}
 * signs out, {@code GET /api/me} answers the caller, {@code /api/sessions} lists and ends the caller's sessions.
 */
public final class SessionApi {
    private final SignIn signIn;
    private final Sessions sessions;
    private final SessionCookies browser;
    private final Audits audits;
    private final Groups groups;
    private final java.time.Clock clock;

    public SessionApi(
            SignIn signIn,
            Sessions sessions,
            SessionCookies browser,
            Audits audits,
            Groups groups,
            java.time.Clock clock) {
        this.clock = clock;
        this.groups = groups;
        this.audits = audits;
        this.signIn = signIn;
        this.sessions = sessions;
        this.browser = browser;
    }

    public void register(Router router) {
        var signedIn = Schemas.object("user*", Schemas.ref("User"), "csrf_token*", Schemas.string());
        router.add(
                "POST",
                "/api/session",
                Policy.anyone().by(Policy.Proof.BODY),
                Doc.of("Sign in with a password: sets the session cookie")
                        .description("JSON only, so no cross-site form can send it; a foreign `Origin` is refused.")
                        .json(Schemas.object("username*", Schemas.string(), "password*", Schemas.string()))
                        .answers(200, "Signed in; the CSRF token for unsafe requests by cookie", signedIn)
                        .answers(
                                401,
                                "Wrong credentials, or a second factor is due (mfa_required)",
                                Schemas.ref("Error"))
                        .errors(429),
                (x, p) -> signIn(x));
        router.add(
                "GET",
                "/api/session",
                Policy.signedIn().by(Policy.Proof.COOKIE),
                Doc.of("The signed-in browser's user and CSRF token")
                        .description("For a frontend on another origin, which cannot read the CSRF cookie.")
                        .answers(200, "The user and the CSRF token", signedIn),
                (x, p) -> current(x));
        router.add(
                "DELETE",
                "/api/session",
                Policy.anyone().by(Policy.Proof.COOKIE),
                Doc.of("Sign out: the session ends on the server").answers(204, "Signed out"),
                (x, p) -> signOut(x));
        router.add(
                "GET",
                "/api/me",
                Policy.signedIn(),
                Doc.of("The current user, with their groups").answers(200, "The user", Schemas.ref("User")),
                (x, p) -> me(x));
        router.add(
                "GET",
                "/api/sessions",
                Policy.signedIn(),
                Doc.of("The caller's live sessions")
                        .answers(200, "Sessions", Schemas.object("sessions*", Schemas.array(Schemas.ref("Session")))),
                (x, p) -> list(x));
        router.add(
                "DELETE",
                "/api/sessions",
                Policy.signedIn(),
                Doc.of("End all the caller's sessions but the current one")
                        .description("A browser session needs a sign-in within 10 minutes (step-up).")
                        .answers(200, "How many ended", Schemas.object("ended*", Schemas.integer()))
                        .errors(401),
                (x, p) -> endOthers(x));
        router.add(
                "DELETE",
                "/api/sessions/{}",
                Policy.signedIn(),
                Doc.of("End one of the caller's sessions")
                        .param("id", "The session's public id, from GET /api/sessions")
                        .answers(204, "Ended"),
                this::endOne);
    }

    /**
     * Signs in with {@code {"username","password"}}. A JSON body cannot be sent cross-site without a CORS preflight,
     * and a foreign {@code Origin} is refused, so the sign-in itself cannot be forged (login CSRF).
     */
    private void signIn(Exchange x) {
        var body = x.jsonObject();
        signInWith(
                x,
                new Credentials.Password(
                        Requests.requiredString(body, "username"), Requests.requiredString(body, "password")));
    }

    /**
     * Signs in with any credentials a person signs in with (a password, a passkey) and answers as
     * {@code POST /api/session} does: the session cookie, the user and the CSRF token.
     */
    public void signInWith(Exchange x, Credentials credentials) {
        var signedIn = signIn.withSession(
                x.client().context(), credentials, browser.current(x).orElse(null));
        answer(x, signedIn);
    }

    /** The answer of a sign-in with a session, by its first call or by its second step. */
    void answer(Exchange x, SignIn.SignedIn signedIn) {
        var token = browser.signedIn(x, signedIn.session());
        x.json(
                200,
                JsonResponses.object("user", Views.user(signedIn.authenticated().user()), "csrf_token", token));
    }

    /** A second step completed for a session: its cookie, as the first call would have set it. */
    void completed(Exchange x, dev.latchkey.auth.Authenticated authenticated) {
        answer(
                x,
                signIn.startSession(
                        x.client().context(), authenticated, browser.current(x).orElse(null)));
    }

    /**
     * The signed-in browser's user and CSRF token. Only this site and the frontends CORS lists can read the answer,
     * so it tells the token to no one who could not read the cookie or the sign-in's answer already.
     */
    private void current(Exchange x) {
        var user = x.caller().requireUser();
        x.json(
                200,
                JsonResponses.object(
                        "user", Views.user(user, groups.of(user.id())), "csrf_token", browser.csrfToken(x)));
    }

    private void signOut(Exchange x) {
        browser.signOut(x);
        x.noContent();
    }

    /** The user, with the session's {@code amr} (RFC 8176) and sign-in time when called by a browser session. */
    private void me(Exchange x) {
        var user = x.caller().requireUser();
        var view = Views.user(user, groups.of(user.id()));
        if (x.caller().via() == dev.latchkey.server.web.http.Caller.Via.SESSION) {
            var session = x.caller().session();
            view.put("amr", StepUp.amr(session));
            view.put("auth_time", StepUp.authTime(session).toString());
        }
        x.json(200, view);
    }

    private void list(Exchange x) {
        var user = x.caller().requireUser();
        var current = x.caller().session();
        x.json(200, Map.of("sessions", Views.sessions(sessions.forUser(user.id()), current)));
    }

    private void endOthers(Exchange x) {
        var user = x.caller().requireUser();
        StepUp.require(x, clock.instant());
        var keep = x.caller().currentSession().map(s -> s.idHash()).orElse(null);
        int ended = sessions.endAllFor(user.id(), keep);
        if (ended > 0) {
            audits.record(x, "session_ended", user, "others_by_user");
        }
        x.json(200, JsonResponses.object("ended", ended));
    }

    private void endOne(Exchange x, String publicId) {
        var user = x.caller().requireUser();
        var target = sessions.forUser(user.id()).stream()
                .filter(s -> PublicSessionId.of(s).equals(publicId))
                .findFirst()
                .orElseThrow(() -> new NotFound("no_such_session", "you have no session with that id"));
        if (sessions.end(target.idHash())) {
            audits.record(x, "session_ended", user, "by_user");
        }
        x.noContent();
    }
}
