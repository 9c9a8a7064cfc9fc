package dev.latchkey.server.web.pages;

import dev.latchkey.account.Accounts;
import dev.latchkey.account.SignUpMode;
import dev.latchkey.account.SignUps;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.Throttled;
import dev.latchkey.request.Language;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The account pages, without JavaScript, in English or Korean by {@code Accept-Language}: sign-up (open or by
 * invitation), password reset by mail, email verification, password and email change. A mailed link opens a page
 * with a button; only its POST uses the token, so a mail scanner that fetches links spends nothing.
 */
public final class AccountPages {
    private final Accounts accounts;
    private final Sessions sessions;
    private final SessionCookies browser;
    private final Csrf csrf;
    private final Templates templates;
    private final PageText text;

    private final java.time.Clock clock;

    public AccountPages(
            Accounts accounts,
            Sessions sessions,
            SessionCookies browser,
            Csrf csrf,
            Templates templates,
            java.time.Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.sessions = sessions;
        this.browser = browser;
        this.csrf = csrf;
        this.templates = templates;
        this.text = new PageText();
    }

    public void register(Router router) {
        var mode = accounts.settings().signup();
        var html = "text/html";
        var csrfOnly = Schemas.object("csrf_token*", Schemas.string());
        if (mode == SignUpMode.OPEN) {
            router.add(
                    "GET",
                    "/signup",
                    Policy.anyonePage(),
                    Doc.of("The sign-up form").answers(200, "The form", html),
                    (x, p) -> signUpForm(x, null, "", ""));
            router.add(
                    "POST",
                    "/signup",
                    Policy.anyonePage(),
                    Doc.of("Sign up through the form")
                            .form(Schemas.object(
                                    "csrf_token*", Schemas.string(),
                                    "username*", Schemas.string(),
                                    "email*", Schemas.string(),
                                    "password*", Schemas.string()))
                            .answers(200, "Made: what happens next", html)
                            .answers(403, "Refused: the form again, saying why", html)
                            .answers(409, "The username is taken: the form again", html)
                            .answers(429, "Too many sign-ups from here: the form again", html),
                    (x, p) -> signUp(x));
        }
        router.add(
                "GET",
                "/account/password",
                Policy.signedInPage(),
                Doc.of("The password-change form").answers(200, "The form", html),
                (x, p) -> changePasswordForm(x, null));
        router.add(
                "POST",
                "/account/password",
                Policy.signedInPage(),
                Doc.of("Change the password through the form; this browser stays signed in with a new session")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "current_password*", Schemas.string(),
                                "new_password*", Schemas.string()))
                        .answers(200, "Changed", html)
                        .answers(303, "To /reauth first, when the sign-in is older than 10 minutes")
                        .answers(429, "Too many wrong current passwords: the form again", html),
                (x, p) -> changePassword(x));
        if (!accounts.mailOn()) {
            return;
        }
        if (mode != SignUpMode.CLOSED) {
            router.add(
                    "GET",
                    "/signup/{}",
                    Policy.anyonePage(),
                    Doc.of("The sign-up form of an invitation")
                            .param("token", "The invitation link's token")
                            .answers(200, "The form", html),
                    (x, token) -> invitationForm(x, token, null, ""));
            router.add(
                    "POST",
                    "/signup/{}",
                    Policy.anyonePage(),
                    Doc.of("Accept an invitation")
                            .param("token", "The invitation link's token")
                            .form(Schemas.object(
                                    "csrf_token*", Schemas.string(),
                                    "username*", Schemas.string(),
                                    "password*", Schemas.string()))
                            .answers(200, "Made", html)
                            .answers(409, "The username is taken: the form again", html)
                            .answers(429, "Too many sign-ups from here: the form again", html),
                    this::acceptInvitation);
        }
        router.add(
                "GET",
                "/password/reset",
                Policy.anyonePage(),
                Doc.of("The forgotten-password form").answers(200, "The form", html),
                (x, p) -> resetForm(x, null));
        router.add(
                "POST",
                "/password/reset",
                Policy.anyonePage(),
                Doc.of("Ask for a reset link: the same page whether or not an account has the address")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "email*", Schemas.string()))
                        .answers(200, "Accepted", html)
                        .answers(429, "Too many requests from here: the form again", html),
                (x, p) -> requestReset(x));
        router.add(
                "GET",
                "/password/reset/{}",
                Policy.anyonePage(),
                Doc.of("The new-password form of a reset link (fetching it spends nothing)")
                        .param("token", "The reset link's token")
                        .answers(200, "The form", html),
                (x, token) -> newPasswordForm(x, token, null));
        router.add(
                "POST",
                "/password/reset/{}",
                Policy.anyonePage(),
                Doc.of("Set the new password with a reset link")
                        .param("token", "The reset link's token")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "password*", Schemas.string()))
                        .answers(200, "Changed: sign in with it", html),
                this::confirmReset);
        router.add(
                "GET",
                "/verify-email",
                Policy.anyonePage(),
                Doc.of("The form that mails a new confirmation link").answers(200, "The form", html),
                (x, p) -> resendForm(x, null));
        router.add(
                "POST",
                "/verify-email",
                Policy.anyonePage(),
                Doc.of("Mail a new confirmation link: the same page for any address")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "email*", Schemas.string()))
                        .answers(200, "Accepted", html)
                        .answers(429, "Too many requests from here: the form again", html),
                (x, p) -> resend(x));
        router.add(
                "GET",
                "/verify-email/{}",
                Policy.anyonePage(),
                Doc.of("A confirmation link's page: a button, so that fetching the link spends nothing")
                        .param("token", "The confirmation link's token")
                        .answers(200, "The page", html),
                this::verifyForm);
        router.add(
                "POST",
                "/verify-email/{}",
                Policy.anyonePage(),
                Doc.of("Confirm the address")
                        .param("token", "The confirmation link's token")
                        .form(csrfOnly)
                        .answers(200, "Confirmed", html),
                this::verify);
        router.add(
                "GET",
                "/account/email",
                Policy.signedInPage(),
                Doc.of("The email-change form").answers(200, "The form", html),
                (x, p) -> changeEmailForm(x, null));
        router.add(
                "POST",
                "/account/email",
                Policy.signedInPage(),
                Doc.of("Ask to change the email address: a link goes to the new one")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "email*", Schemas.string(),
                                "current_password*", Schemas.string()))
                        .answers(200, "Accepted", html)
                        .answers(303, "To /reauth first, when the sign-in is older than 10 minutes")
                        .answers(429, "Too many attempts: the form again", html),
                (x, p) -> changeEmail(x));
    }

    static Language language(Exchange x) {
        return Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null));
    }

    boolean mailOn() {
        return accounts.mailOn();
    }

    /** The links the sign-in page shows: a reset when mail is on, sign-up when it is open. */
    public List<Map<String, String>> signInLinks(Exchange x) {
        var language = language(x);
        var links = new ArrayList<Map<String, String>>();
        if (accounts.mailOn()) {
            links.add(Map.of("href", "/password/reset", "text", text.get(language, "forgot")));
        }
        if (accounts.settings().signup() == SignUpMode.OPEN) {
            links.add(Map.of("href", "/signup", "text", text.get(language, "create")));
        }
        return links;
    }

    /** What the sign-in page says to a user whose address is not yet confirmed. */
    public String unverified(Exchange x) {
        return text.get(language(x), "unverified");
    }

    /** The way to a new confirmation mail, for the sign-in page; empty when mail is off. */
    public Map<String, String> resendLink(Exchange x) {
        return accounts.mailOn()
                ? Map.of("href", "/verify-email", "text", text.get(language(x), "unverified_link"))
                : Map.of();
    }

    // --- sign-up

    private void signUpForm(Exchange x, LatchkeyException error, String username, String email) {
        var l = language(x);
        form(x, error, l, text.get(l, "signup_title"), null, "/signup", text.get(l, "signup_submit"))
                .field("username", "username", "text", "username", username, 150)
                .field("email", "email", "email", "email", email, 254)
                .password("password", "password", "new-password", text.get(l, "password_hint"))
                .link("/login", text.get(l, "signin"))
                .render();
    }

    private void signUp(Exchange x) {
        var f = x.form();
        var username = f.getOrDefault("username", "");
        var email = f.getOrDefault("email", "");
        try {
            var result = accounts.signUps()
                    .signUp(
                            new SignUps.Form(username, email, f.getOrDefault("password", "")),
                            x.client().context(),
                            language(x));
            done(x, result.mustVerify());
        } catch (LatchkeyException e) {
            signUpForm(x, e, clip(username), clip(email));
        }
    }

    private void invitationForm(Exchange x, String token, LatchkeyException error, String username) {
        var l = language(x);
        String email;
        try {
            email = accounts.signUps().invitation(token).email();
        } catch (LatchkeyException e) {
            badLink(x, "/login");
            return;
        }
        form(
                        x,
                        error,
                        l,
                        text.get(l, "invite_title"),
                        text.get(l, "invite_intro", "email", email),
                        "/signup/" + token,
                        text.get(l, "signup_submit"))
                .readonly("email", "email", "email", email)
                .field("username", "username", "text", "username", username, 150)
                .password("password", "password", "new-password", text.get(l, "password_hint"))
                .render();
    }

    private void acceptInvitation(Exchange x, String token) {
        var f = x.form();
        var username = f.getOrDefault("username", "");
        try {
            accounts.signUps()
                    .acceptInvitation(
                            token,
                            new SignUps.Form(username, "", f.getOrDefault("password", "")),
                            x.client().context());
            done(x, false);
        } catch (LatchkeyException e) {
            if (e.code().equals("invalid_token")) {
                badLink(x, "/login");
            } else {
                invitationForm(x, token, e, clip(username));
            }
        }
    }

    private void done(Exchange x, boolean mustVerify) {
        var l = language(x);
        message(
                x,
                200,
                mustVerify ? "check_mail_title" : "created_title",
                text.get(l, mustVerify ? "check_mail" : "created"),
                "/login",
                "to_signin",
                false);
    }

    // --- password reset

    private void resetForm(Exchange x, LatchkeyException error) {
        var l = language(x);
        form(
                        x,
                        error,
                        l,
                        text.get(l, "reset_title"),
                        text.get(l, "reset_intro"),
                        "/password/reset",
                        text.get(l, "reset_submit"))
                .field("email", "email", "email", "email", "", 254)
                .link("/login", text.get(l, "signin"))
                .render();
    }

    private void requestReset(Exchange x) {
        try {
            accounts.passwordResets()
                    .request(x.form().getOrDefault("email", ""), x.client().context(), language(x));
            message(x, 200, "reset_sent_title", text.get(language(x), "reset_sent"), "/login", "to_signin", false);
        } catch (LatchkeyException e) {
            resetForm(x, e);
        }
    }

    private void newPasswordForm(Exchange x, String token, LatchkeyException error) {
        var l = language(x);
        String username;
        try {
            username = accounts.passwordResets().check(token).username();
        } catch (LatchkeyException e) {
            badLink(x, "/password/reset");
            return;
        }
        form(
                        x,
                        error,
                        l,
                        text.get(l, "reset_form_title"),
                        text.get(l, "reset_form_intro", "username", username),
                        "/password/reset/" + token,
                        text.get(l, "reset_form_submit"))
                .password("password", "new_password", "new-password", text.get(l, "password_hint"))
                .render();
    }

    private void confirmReset(Exchange x, String token) {
        try {
            accounts.passwordResets()
                    .confirm(
                            token,
                            x.form().getOrDefault("password", ""),
                            x.client().context(),
                            language(x));
            message(x, 200, "reset_done_title", text.get(language(x), "reset_done"), "/login", "to_signin", false);
        } catch (LatchkeyException e) {
            if (e.code().equals("invalid_token")) {
                badLink(x, "/password/reset");
            } else {
                newPasswordForm(x, token, e);
            }
        }
    }

    // --- email verification

    private void verifyForm(Exchange x, String token) {
        var l = language(x);
        dev.latchkey.account.EmailAddresses.Pending pending;
        try {
            pending = accounts.emailAddresses().check(token);
        } catch (LatchkeyException e) {
            badLink(x, "/verify-email");
            return;
        }
        form(
                        x,
                        null,
                        l,
                        text.get(l, "verify_title"),
                        text.get(l, "verify_intro", "email", pending.email(), "username", pending.username()),
                        "/verify-email/" + token,
                        text.get(l, "verify_submit"))
                .render();
    }

    private void verify(Exchange x, String token) {
        try {
            var user = accounts.emailAddresses().confirm(token, x.client().context());
            var signedIn = x.caller().isAuthenticated();
            message(
                    x,
                    200,
                    "verified_title",
                    text.get(language(x), "verified", "email", user.email()),
                    signedIn ? "/account" : "/login",
                    signedIn ? "to_account" : "to_signin",
                    false);
        } catch (LatchkeyException e) {
            badLink(x, "/verify-email");
        }
    }

    private void resendForm(Exchange x, LatchkeyException error) {
        var l = language(x);
        form(
                        x,
                        error,
                        l,
                        text.get(l, "resend_title"),
                        text.get(l, "resend_intro"),
                        "/verify-email",
                        text.get(l, "resend_submit"))
                .field("email", "email", "email", "email", "", 254)
                .render();
    }

    private void resend(Exchange x) {
        try {
            accounts.emailAddresses()
                    .resend(x.form().getOrDefault("email", ""), x.client().context(), language(x));
            message(x, 200, "reset_sent_title", text.get(language(x), "reset_sent"), "/login", "to_signin", false);
        } catch (LatchkeyException e) {
            resendForm(x, e);
        }
    }

    // --- password and email change

    private void changePasswordForm(Exchange x, LatchkeyException error) {
        var l = language(x);
        form(
                        x,
                        error,
                        l,
                        text.get(l, "change_password_title"),
                        null,
                        "/account/password",
                        text.get(l, "change_password_submit"))
                .password("current_password", "current_password", "current-password", null)
                .password("new_password", "new_password", "new-password", text.get(l, "password_hint"))
                .link("/account", text.get(l, "to_account"))
                .render();
    }

    /** False after sending the browser to /reauth, when its sign-in is older than the step-up window. */
    private boolean recent(Exchange x, String back) {
        if (dev.latchkey.server.web.caller.StepUp.recent(x.caller().session(), clock.instant())) {
            return true;
        }
        x.redirect("/reauth?next=" + java.net.URLEncoder.encode(back, java.nio.charset.StandardCharsets.UTF_8));
        return false;
    }

    private void changePassword(Exchange x) {
        if (!recent(x, "/account/password")) {
            return;
        }
        var f = x.form();
        var user = x.caller().requireUser();
        try {
            accounts.passwordChanges()
                    .change(
                            user,
                            f.getOrDefault("current_password", ""),
                            f.getOrDefault("new_password", ""),
                            x.client().context(),
                            language(x));
        } catch (LatchkeyException e) {
            changePasswordForm(x, e);
            return;
        }
        // Every session ended with the old password; this browser gets a new one at once.
        browser.signedIn(x, sessions.login(null, user.id(), x.client().context()));
        message(
                x,
                200,
                "password_changed_title",
                text.get(language(x), "password_changed"),
                "/account",
                "to_account",
                false);
    }

    private void changeEmailForm(Exchange x, LatchkeyException error) {
        var l = language(x);
        form(
                        x,
                        error,
                        l,
                        text.get(l, "change_email_title"),
                        text.get(l, "change_email_intro"),
                        "/account/email",
                        text.get(l, "change_email_submit"))
                .field("email", "email", "email", "email", "", 254)
                .password("current_password", "current_password", "current-password", null)
                .link("/account", text.get(l, "to_account"))
                .render();
    }

    private void changeEmail(Exchange x) {
        if (!recent(x, "/account/email")) {
            return;
        }
        var f = x.form();
        var email = f.getOrDefault("email", "");
        try {
            accounts.emailAddresses()
                    .requestChange(
                            x.caller().requireUser(),
                            email,
                            f.getOrDefault("current_password", ""),
                            x.client().context(),
                            language(x));
            message(
                    x,
                    200,
                    "change_email_title",
                    text.get(language(x), "change_email_sent", "email", email),
                    "/account",
                    "to_account",
                    false);
        } catch (LatchkeyException e) {
            changeEmailForm(x, e);
        }
    }

    // --- rendering

    private void badLink(Exchange x, String again) {
        message(x, 400, "bad_link_title", text.get(language(x), "bad_link"), again, "ask_again", true);
    }

    private void message(
            Exchange x, int status, String titleKey, String message, String link, String linkKey, boolean error) {
        var l = language(x);
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, titleKey));
        scope.put("message", message);
        scope.put("error", error);
        scope.put("link", link);
        scope.put("linkText", text.get(l, linkKey));
        templates.page(x, status, "message", scope);
    }

    /** What a refusal says on a page: its own words, and a page status that matches the API's. */
    private String describe(Language l, LatchkeyException e) {
        if (e instanceof Throttled throttled) {
            return text.get(l, "throttled", "seconds", Long.toString(throttled.retryAfterSeconds()));
        }
        if (e instanceof AuthenticationDenied) {
            return text.get(l, "invalid_credentials");
        }
        var detail = e.detail();
        return detail.isEmpty() ? e.code() : sentence(detail);
    }

    /** A refusal's detail as a sentence: a capital first, and one full stop at the end unless it has one. */
    static String sentence(String detail) {
        if (detail.isEmpty()) {
            return detail;
        }
        var capital = detail.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + detail.substring(1);
        return capital.endsWith(".") || capital.endsWith("!") || capital.endsWith("?") ? capital : capital + ".";
    }

    private static String clip(String value) {
        return value.length() > 254 ? "" : value;
    }

    private Form form(
            Exchange x, LatchkeyException error, Language l, String title, String intro, String action, String submit) {
        return new Form(x, error, l, title, intro, action, submit);
    }

    /** One page with one form: fields in order, the CSRF token, a submit button and links under it. */
    private final class Form {
        private final Exchange x;
        private final LatchkeyException error;
        private final Map<String, Object> scope = new HashMap<>();
        private final List<Map<String, Object>> fields = new ArrayList<>();
        private final List<Map<String, String>> links = new ArrayList<>();
        private final Language language;

        Form(
                Exchange x,
                LatchkeyException error,
                Language l,
                String title,
                String intro,
                String action,
                String submit) {
            this.x = x;
            this.error = error;
            this.language = l;
            scope.put("lang", l.tag());
            scope.put("t", text.all(l));
            scope.put("title", title);
            if (intro != null) {
                scope.put("intro", intro);
            }
            scope.put("action", action);
            scope.put("submit", submit);
        }

        Form field(String name, String labelKey, String type, String autocomplete, String value, int max) {
            var field = new HashMap<String, Object>();
            field.put("name", name);
            field.put("label", text.get(language, labelKey));
            field.put("type", type);
            field.put("autocomplete", autocomplete);
            field.put("value", value);
            field.put("max", max);
            field.put("first", fields.isEmpty());
            fields.add(field);
            return this;
        }

        Form readonly(String name, String labelKey, String type, String value) {
            field(name, labelKey, type, "off", value, 254);
            fields.get(fields.size() - 1).put("readonly", true);
            return this;
        }

        Form password(String name, String labelKey, String autocomplete, String hint) {
            field(name, labelKey, "password", autocomplete, "", 4096);
            if (hint != null) {
                fields.get(fields.size() - 1).put("hint", hint);
            }
            return this;
        }

        Form link(String href, String label) {
            links.add(Map.of("href", href, "text", label));
            return this;
        }

        void render() {
            scope.put("csrf", csrf.token(x));
            scope.put("fields", fields);
            scope.put("links", links);
            int status = 200;
            if (error != null) {
                scope.put("error", describe(language, error));
                status = error.status() >= 500 ? error.status() : error.status() == 401 ? 400 : error.status();
                if (error instanceof Throttled throttled) {
                    x.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
                }
            }
            templates.page(x, status, "form", scope);
        }
    }
}
