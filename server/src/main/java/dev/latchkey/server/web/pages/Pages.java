package dev.latchkey.server.web.pages;

import dev.latchkey.audit.AuditStore;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.EmailNotVerified;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.Throttled;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.PublicSessionId;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.SafeRedirect;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;
import dev.latchkey.social.SocialLogin;
import dev.latchkey.user.User;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * The browser pages, usable without JavaScript: sign-in, sign-out and the account page with the user's sessions.
 * Every form carries the CSRF token; every page forbids framing and caching.
 */
public final class Pages {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final String GENERIC_FAILURE = "Invalid username or password.";

    private final SignIn signIn;
    private final Sessions sessions;
    private final AuditStore audit;
    private final SessionCookies browser;
    private final Csrf csrf;
    private final Templates templates;
    private final Audits audits;
    private final SocialLogin social;
    private final AccountPages accountPages;
    private final MfaPages mfaPages;

    public Pages(
            SignIn signIn,
            Sessions sessions,
            AuditStore audit,
            SessionCookies browser,
            Csrf csrf,
            Templates templates,
            Audits audits,
            SocialLogin social,
            AccountPages accountPages,
            MfaPages mfaPages) {
        this.mfaPages = mfaPages;
        this.social = social;
        this.accountPages = accountPages;
        this.audits = audits;
        this.signIn = signIn;
        this.sessions = sessions;
        this.audit = audit;
        this.browser = browser;
        this.csrf = csrf;
        this.templates = templates;
    }

    public void register(Router router) {
        var html = "text/html";
        router.add(
                "GET",
                "/",
                Policy.anyonePage(),
                Doc.of("To the account page, or to sign in").answers(303, "To /account or /login"),
                (x, p) -> x.redirect(x.caller().isAuthenticated() ? "/account" : "/login"));
        router.add(
                "GET",
                "/login",
                Policy.anyonePage(),
                Doc.of("The sign-in form")
                        .query("next", "Where to go after signing in: a path on this site")
                        .answers(200, "The form", html)
                        .answers(303, "Signed in already: to next"),
                (x, p) -> loginForm(x));
        var form = Schemas.object("csrf_token*", Schemas.string());
        router.add(
                "POST",
                "/login",
                Policy.anyonePage(),
                Doc.of("Sign in through the form")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "username*", Schemas.string(),
                                "password*", Schemas.string(),
                                "next", Schemas.string()))
                        .answers(303, "Signed in: to next")
                        .answers(401, "The form again, with the refusal", html)
                        .answers(403, "The password was right, the email is not confirmed: the form, with a link", html)
                        .answers(429, "Too many attempts: the form, with when to try again", html),
                (x, p) -> login(x));
        router.add(
                "POST",
                "/logout",
                Policy.anyonePage(),
                Doc.of("Sign out through a form").form(form).answers(303, "Signed out: to the sign-in page"),
                (x, p) -> logout(x));
        router.add(
                "GET",
                "/account",
                Policy.signedInPage(),
                Doc.of("Who you are: your sessions, tokens, providers and recent sign-ins")
                        .answers(200, "The page", html),
                (x, p) -> account(x));
        router.add(
                "POST",
                "/account/sessions",
                Policy.signedInPage(),
                Doc.of("End one session, or all others")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(), "end", Schemas.string("a session id or others")))
                        .answers(303, "Done: back to the account page"),
                (x, p) -> endSessions(x));
        router.add(
                "POST",
                "/account/social",
                Policy.signedInPage(),
                Doc.of("Unlink a provider (never the last way to sign in)")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "unlink*", Schemas.string()))
                        .answers(303, "Done: back to the account page")
                        .errors(404),
                (x, p) -> unlink(x));
    }

    private void loginForm(Exchange x) {
        var next = SafeRedirect.of(x.query("next").orElse(null), "/");
        if (x.caller().isAuthenticated()) {
            x.redirect(next);
            return;
        }
        renderLogin(x, 200, next, "", null);
    }

    private void login(Exchange x) {
        var form = x.form();
        var next = SafeRedirect.of(form.get("next"), "/");
        var username = form.getOrDefault("username", "");
        Credentials.Password credentials;
        try {
            credentials = new Credentials.Password(username, form.getOrDefault("password", ""));
        } catch (InvalidInput e) {
            renderLogin(x, 400, next, username, AccountPages.sentence(e.detail()));
            return;
        }
        try {
            var signedIn = signIn.withSession(
                    x.client().context(),
                    credentials,
                    browser.current(x).orElse(null),
                    new dev.latchkey.auth.Intent(dev.latchkey.auth.Intent.PAGE, Map.of("next", next)));
            browser.signedIn(x, signedIn.session());
            x.redirect(next);
        } catch (dev.latchkey.mfa.MfaRequired required) {
            mfaPages.secondStep(x, required, next);
        } catch (dev.latchkey.mfa.MfaEnrollmentRequired enrol) {
            mfaPages.enrolment(x, enrol.token());
        } catch (AuthenticationDenied denied) {
            renderLogin(x, 401, next, username, GENERIC_FAILURE);
        } catch (EmailNotVerified unverified) {
            // Said only after the password was right.
            renderLogin(x, 403, next, username, accountPages.unverified(x), accountPages.resendLink(x));
        } catch (Throttled throttled) {
            x.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
            renderLogin(
                    x,
                    429,
                    next,
                    username,
                    "Too many failed attempts. Try again in " + throttled.retryAfterSeconds() + " seconds.");
        }
    }

    private void renderLogin(Exchange x, int status, String next, String username, String error) {
        renderLogin(x, status, next, username, error, Map.of());
    }

    private void renderLogin(
            Exchange x, int status, String next, String username, String error, Map<String, String> resend) {
        var scope = new HashMap<String, Object>();
        if (!resend.isEmpty()) {
            scope.put("resend", resend);
        }
        scope.put("title", "Sign in");
        scope.put("csrf", csrf.token(x));
        scope.put("next", next);
        scope.put("username", username.length() > 150 ? "" : username);
        scope.put(
                "providers",
                social.providerNames().stream()
                        .map(name -> Map.of(
                                "name",
                                name,
                                "next",
                                java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)))
                        .toList());
        if (error != null) {
            scope.put("error", error);
        }
        scope.put("links", accountPages.signInLinks(x));
        page(x, status, "login", scope);
    }

    private void logout(Exchange x) {
        browser.signOut(x);
        x.redirect("/login");
    }

    private void account(Exchange x) {
        var user = x.caller().user();
        var current = x.caller().session();
        var token = csrf.token(x);
        var list = sessions.forUser(user.id());
        var rows = list.stream()
                .map(s -> Map.<String, Object>of(
                        "id",
                        PublicSessionId.of(s),
                        "userAgent",
                        s.userAgent().isEmpty() ? "Unknown browser" : s.userAgent(),
                        "ip",
                        s.clientIp().isEmpty() ? "unknown address" : s.clientIp(),
                        "created",
                        TIME.format(s.created()),
                        "lastSeen",
                        TIME.format(s.lastSeen()),
                        "current",
                        current != null && s.idHash().equals(current.idHash()),
                        "csrf",
                        token))
                .toList();
        var signIns = audit.findRecentByUser(user.id(), SignIn.AUDIT_KIND, 10).stream()
                .map(e -> Map.<String, Object>of(
                        "outcome",
                        e.outcome(),
                        "at",
                        TIME.format(e.at()),
                        "ip",
                        e.clientIp(),
                        "reason",
                        e.reason().replace('_', ' ')))
                .toList();
        var scope = new HashMap<String, Object>();
        scope.put("title", "Account");
        scope.put("user", userScope(user));
        scope.put("csrf", token);
        scope.put("sessions", rows);
        scope.put("others", list.size() > 1);
        scope.put("signIns", signIns);
        scope.put("mailOn", accountPages.mailOn());
        var linked = social.accounts().forUser(user.id());
        scope.put("hasProviders", !social.providerNames().isEmpty());
        scope.put(
                "linked",
                linked.stream()
                        .map(a -> Map.of(
                                "id",
                                a.id(),
                                "provider",
                                a.provider(),
                                "email",
                                a.email(),
                                "created",
                                TIME.format(a.created())))
                        .toList());
        scope.put(
                "linkable",
                social.providerNames().stream()
                        .filter(name ->
                                linked.stream().noneMatch(a -> a.provider().equals(name)))
                        .map(name -> Map.of("name", name))
                        .toList());
        page(x, 200, "account", scope);
    }

    private void endSessions(Exchange x) {
        var form = x.form();
        var user = x.caller().requireUser();
        var which = form.getOrDefault("end", "");
        var current = x.caller().session();
        if (which.equals("others")) {
            if (sessions.endAllFor(user.id(), current.idHash()) > 0) {
                audits.record(x, "session_ended", user, "others_by_user");
            }
        } else {
            sessions.forUser(user.id()).stream()
                    .filter(s ->
                            PublicSessionId.of(s).equals(which) && !s.idHash().equals(current.idHash()))
                    .findFirst()
                    .filter(s -> sessions.end(s.idHash()))
                    .ifPresent(s -> audits.record(x, "session_ended", user, "by_user"));
        }
        x.redirect("/account");
    }

    private void unlink(Exchange x) {
        var form = x.form();
        var user = x.caller().requireUser();
        long id;
        try {
            id = Long.parseLong(form.getOrDefault("unlink", ""));
        } catch (NumberFormatException e) {
            throw new InvalidInput("invalid_field", "\"unlink\" must be the id of a linked account");
        }
        try {
            social.accounts().unlink(user, id, x.client().context());
        } catch (InvalidInput e) {
            templates.page(
                    x,
                    400,
                    "message",
                    Map.of(
                            "title",
                            "Cannot unlink",
                            "message",
                            e.detail(),
                            "error",
                            true,
                            "link",
                            "/account",
                            "linkText",
                            "Back to your account"));
            return;
        }
        x.redirect("/account");
    }

    private static Map<String, Object> userScope(User user) {
        var map = new HashMap<String, Object>();
        map.put("username", user.username());
        map.put("email", user.email());
        map.put("role", user.superuser() ? "superuser" : user.staff() ? "staff" : "user");
        map.put("joined", TIME.format(user.dateJoined()));
        map.put("lastLogin", user.lastLoginTime().map(TIME::format).orElse("never"));
        return map;
    }

    private void page(Exchange x, int status, String template, Map<String, Object> scope) {
        if (x.caller().isAuthenticated() && !scope.containsKey("user")) {
            scope = new HashMap<>(scope);
            scope.put("user", userScope(x.caller().user()));
        }
        templates.page(x, status, template, scope);
    }
}
