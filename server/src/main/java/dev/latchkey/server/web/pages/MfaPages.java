package dev.latchkey.server.web.pages;

import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.SignIn;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.Throttled;
import dev.latchkey.mfa.InvalidMfaToken;
import dev.latchkey.mfa.MfaRequired;
import dev.latchkey.mfa.RecoveryCodes;
import dev.latchkey.mfa.TotpFactor;
import dev.latchkey.mfa.TwoStep;
import dev.latchkey.mfa.WrongCode;
import dev.latchkey.request.Language;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.SafeRedirect;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The second-factor pages: the second step of signing in ({@code /login/mfa}), {@code /account/mfa} (an authenticator
 * app with a QR code, recovery codes shown once, removal, new codes), enrolment that {@code mfa.required} demands
 * before a first session, and {@code /reauth}, which a step-up sends a browser to. No JavaScript.
 */
public final class MfaPages {
    private final TwoStep twoStep;
    private final TotpFactor totp;
    private final RecoveryCodes recovery;
    private final SignIn signIn;
    private final Sessions sessions;
    private final SessionCookies browser;
    private final Csrf csrf;
    private final Templates templates;
    private final Clock clock;
    private final PageText text = new PageText();

    public MfaPages(
            TwoStep twoStep,
            TotpFactor totp,
            RecoveryCodes recovery,
            SignIn signIn,
            Sessions sessions,
            SessionCookies browser,
            Csrf csrf,
            Templates templates,
            Clock clock) {
        this.twoStep = twoStep;
        this.totp = totp;
        this.recovery = recovery;
        this.signIn = signIn;
        this.sessions = sessions;
        this.browser = browser;
        this.csrf = csrf;
        this.templates = templates;
        this.clock = clock;
    }

    public void register(Router router) {
        var done = "Done: a page";
        router.add(
                "POST",
                "/login/mfa",
                Policy.anyonePage(),
                Doc.of("The second step of signing in: a code from the app, or a recovery code")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "mfa_token*", Schemas.string(),
                                "code*", Schemas.string(),
                                "next", Schemas.string()))
                        .answers(303, "Signed in: on to next")
                        .answers(400, "Wrong code, or the sign-in expired: the page again"),
                (x, p) -> secondStepSubmitted(x));
        router.add(
                "POST",
                "/login/mfa/enrol",
                Policy.anyonePage(),
                Doc.of("Enrolment that mfa.required demands before signing in")
                        .form(Schemas.object(
                                "csrf_token*",
                                Schemas.string(),
                                "mfa_token*",
                                Schemas.string(),
                                "code*",
                                Schemas.string()))
                        .answers(200, "Enabled: the recovery codes, then sign in again")
                        .answers(400, "Wrong code or expired"),
                (x, p) -> enrolmentConfirmed(x));
        router.add(
                "GET",
                "/account/mfa",
                Policy.signedInPage(),
                Doc.of("Two-step sign-in: status, set-up, recovery codes").answers(200, "The page"),
                (x, p) -> status(x, null));
        router.add(
                "POST",
                "/account/mfa/totp",
                Policy.signedInPage(),
                Doc.of("Start setting up an authenticator app: the QR code")
                        .form(Schemas.object("csrf_token*", Schemas.string()))
                        .answers(200, done)
                        .answers(303, "To /reauth first, when the sign-in is not recent")
                        .answers(409, "An app is on already"),
                (x, p) -> begin(x));
        router.add(
                "POST",
                "/account/mfa/totp/confirm",
                Policy.signedInPage(),
                Doc.of("Turn the app on with a code from it: the recovery codes, once")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "code*", Schemas.string()))
                        .answers(200, done)
                        .answers(303, "To /reauth first")
                        .answers(400, "Wrong code")
                        .answers(409, "Nothing pending"),
                (x, p) -> confirm(x));
        router.add(
                "POST",
                "/account/mfa/remove",
                Policy.signedInPage(),
                Doc.of("Remove the authenticator app")
                        .form(Schemas.object("csrf_token*", Schemas.string()))
                        .answers(200, done)
                        .answers(303, "To /reauth first"),
                (x, p) -> remove(x));
        router.add(
                "POST",
                "/account/mfa/recovery-codes",
                Policy.signedInPage(),
                Doc.of("New recovery codes, once")
                        .form(Schemas.object("csrf_token*", Schemas.string()))
                        .answers(200, done)
                        .answers(303, "To /reauth first")
                        .answers(409, "No factor"),
                (x, p) -> regenerate(x));
        router.add(
                "GET",
                "/reauth",
                Policy.signedInPage(),
                Doc.of("Confirm who you are again (step-up)").answers(200, "The form"),
                (x, p) -> reauthForm(x, x.query("next").orElse(null), null));
        router.add(
                "POST",
                "/reauth",
                Policy.signedInPage(),
                Doc.of("Confirm who you are again: the password, then the code")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "password*", Schemas.string(),
                                "code", Schemas.string(),
                                "next", Schemas.string()))
                        .answers(303, "Confirmed: on to next")
                        .answers(400, "Wrong password or code: the form again"),
                (x, p) -> reauth(x));
    }

    // --- the second step of signing in

    /** The page asking for the code, after a right password on /login or a provider's sign-in. */
    public void secondStep(Exchange x, MfaRequired required, String next) {
        secondStep(x, required.token(), next, null);
    }

    private void secondStep(Exchange x, String token, String next, String error) {
        var l = AccountPages.language(x);
        var scope = base(x, l, text.get(l, "mfa_step_title"), "/login/mfa");
        scope.put("intro", text.get(l, "mfa_step_intro"));
        scope.put("code", true);
        scope.put(
                "hidden", List.of(Map.of("name", "mfa_token", "value", token), Map.of("name", "next", "value", next)));
        if (error != null) {
            scope.put("error", error);
        }
        if (hasPasskey(token, x)) {
            scope.put("passkeyStep", Map.of("token", token, "next", next));
        }
        templates.page(x, error == null ? 200 : 400, "mfa_step", scope);
    }

    /** Whether the user of a live sign-in has a passkey, so that the page offers it beside the code. */
    private boolean hasPasskey(String token, Exchange x) {
        try {
            var user = twoStep.signingIn(token, x.client().context());
            return twoStep.methods(user.id()).contains("webauthn");
        } catch (dev.latchkey.mfa.InvalidMfaToken gone) {
            return false;
        }
    }

    private void secondStepSubmitted(Exchange x) {
        var f = x.form();
        var l = AccountPages.language(x);
        var token = f.getOrDefault("mfa_token", "");
        var next = SafeRedirect.of(f.get("next"), "/");
        var code = f.getOrDefault("code", "");
        try {
            var done = twoStep.verify(
                    token, TwoStep.defaultMethod(code), code, x.client().context());
            var signedIn = signIn.startSession(
                    x.client().context(),
                    done.authenticated(),
                    browser.current(x).orElse(null));
            browser.signedIn(x, signedIn.session());
            var target = done.intent().details().get("next");
            x.redirect(target == null ? next : SafeRedirect.of(target, "/"));
        } catch (InvalidMfaToken e) {
            message(x, 400, l, "mfa_expired", "/login");
        } catch (WrongCode | InvalidInput e) {
            // The same token again: it still counts its attempts, and dies at the fifth wrong code.
            secondStep(x, token, next, text.get(l, "mfa_wrong_code"));
        } catch (Throttled e) {
            x.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            secondStep(x, token, next, text.get(l, "throttled", "seconds", Long.toString(e.retryAfterSeconds())));
        }
    }

    // --- enrolment demanded by mfa.required

    /** The set-up page for a user who must enrol before a first session, bound to their enrolment token. */
    public void enrolment(Exchange x, String token) {
        var user = twoStep.enrolling(token, x.client().context());
        var l = AccountPages.language(x);
        var enrolment = totp.begin(user);
        var scope = base(x, l, text.get(l, "mfa_title"), "/login/mfa/enrol");
        scope.put("error", text.get(l, "mfa_must_enrol"));
        scope.put("enrol", enrolScope(enrolment, "/login/mfa/enrol", token, x));
        scope.put("back", "/login");
        scope.put("backText", text.get(l, "sign_in"));
        templates.page(x, 200, "mfa", scope);
    }

    private void enrolmentConfirmed(Exchange x) {
        var f = x.form();
        var l = AccountPages.language(x);
        var token = f.getOrDefault("mfa_token", "");
        try {
            var user = twoStep.enrolling(token, x.client().context());
            var codes = enable(x, user, f.getOrDefault("code", ""));
            twoStep.enrolmentDone(token);
            codesPage(x, l, codes, "/login", "sign_in");
        } catch (InvalidMfaToken e) {
            message(x, 400, l, "mfa_expired", "/login");
        } catch (LatchkeyException e) {
            message(x, 400, l, "mfa_wrong_code", "/login");
        }
    }

    // --- /account/mfa

    private void status(Exchange x, String error) {
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        var scope = base(x, l, text.get(l, "mfa_title"), "");
        var enabled = !totp.enrolled(user.id()).isEmpty();
        var left = recovery.enrolled(user.id()).isEmpty() ? "0" : recoveryLeft(user);
        scope.put(
                "status",
                Map.of(
                        "enabled",
                        enabled,
                        "recoveryLeft",
                        text.get(l, "mfa_recovery_left", "count", left),
                        "csrf",
                        csrf.token(x)));
        if (error != null) {
            scope.put("error", error);
        }
        scope.put("back", "/account");
        scope.put("backText", text.get(l, "to_account"));
        templates.page(x, error == null ? 200 : 400, "mfa", scope);
    }

    private String recoveryLeft(User user) {
        var label = recovery.enrolled(user.id()).get(0).label();
        return label.replaceAll("[^0-9]", "");
    }

    /** False after sending the browser to /reauth, when the sign-in is too old for a factor change. */
    private boolean recent(Exchange x) {
        if (StepUp.recent(x.caller().session(), clock.instant())) {
            return true;
        }
        x.redirect("/reauth?next=" + URLEncoder.encode("/account/mfa", StandardCharsets.UTF_8));
        return false;
    }

    private void begin(Exchange x) {
        if (!recent(x)) {
            return;
        }
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        TotpFactor.Enrolment enrolment;
        try {
            enrolment = totp.begin(user);
        } catch (LatchkeyException e) {
            status(x, AccountPages.sentence(e.detail()));
            return;
        }
        var scope = base(x, l, text.get(l, "mfa_title"), "");
        scope.put("enrol", enrolScope(enrolment, "/account/mfa/totp/confirm", null, x));
        scope.put("back", "/account/mfa");
        scope.put("backText", text.get(l, "mfa_title"));
        templates.page(x, 200, "mfa", scope);
    }

    private Map<String, Object> enrolScope(TotpFactor.Enrolment enrolment, String action, String token, Exchange x) {
        var scope = new HashMap<String, Object>();
        scope.put("qr", QrSvg.of(enrolment.otpauthUri()));
        scope.put("secret", String.join(" ", groupsOfFour(enrolment.secret())));
        scope.put("action", action);
        scope.put("csrf", csrf.token(x));
        if (token != null) {
            scope.put("mfaToken", token);
        }
        return scope;
    }

    static List<String> groupsOfFour(String secret) {
        var out = new java.util.ArrayList<String>();
        for (int i = 0; i < secret.length(); i += 4) {
            out.add(secret.substring(i, Math.min(secret.length(), i + 4)));
        }
        return out;
    }

    private List<String> enable(Exchange x, User user, String code) {
        twoStep.throttled(user, x.client().context(), () -> totp.confirm(user, code));
        var codes = recovery.regenerate(user.id());
        twoStep.changed("mfa_enabled", user, TotpFactor.METHOD, x.client().context());
        return codes;
    }

    private void confirm(Exchange x) {
        if (!recent(x)) {
            return;
        }
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        try {
            codesPage(x, l, enable(x, user, x.form().getOrDefault("code", "")), "/account/mfa", "mfa_title");
        } catch (InvalidInput e) {
            status(x, text.get(l, "mfa_wrong_code"));
        } catch (LatchkeyException e) {
            status(x, AccountPages.sentence(e.detail()));
        }
    }

    private void remove(Exchange x) {
        if (!recent(x)) {
            return;
        }
        var user = x.caller().requireUser();
        if (totp.remove(user.id())) {
            if (!twoStep.hasFactor(user.id())) {
                recovery.removeAll(user.id());
            }
            twoStep.changed("mfa_disabled", user, TotpFactor.METHOD, x.client().context());
        }
        status(x, null);
    }

    private void regenerate(Exchange x) {
        if (!recent(x)) {
            return;
        }
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        if (!twoStep.hasFactor(user.id())) {
            status(x, null);
            return;
        }
        var codes = recovery.regenerate(user.id());
        twoStep.changed("mfa_enabled", user, RecoveryCodes.METHOD, x.client().context());
        codesPage(x, l, codes, "/account/mfa", "mfa_title");
    }

    private void codesPage(Exchange x, Language l, List<String> codes, String back, String backKey) {
        var scope = base(x, l, text.get(l, "mfa_title"), "");
        scope.put("codes", Map.of("list", codes));
        scope.put("back", back);
        scope.put("backText", text.get(l, backKey));
        templates.page(x, 200, "mfa", scope);
    }

    // --- /reauth

    private void reauthForm(Exchange x, String asked, String error) {
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        var next = SafeRedirect.of(asked, "/account");
        var scope = base(x, l, text.get(l, "reauth_title"), "/reauth");
        scope.put("intro", text.get(l, "reauth_intro"));
        scope.put("password", true);
        if (!twoStep.methods(user.id()).isEmpty()) {
            scope.put("code", true);
        }
        scope.put("hidden", List.of(Map.of("name", "next", "value", next)));
        if (error != null) {
            scope.put("error", error);
        }
        templates.page(x, error == null ? 200 : 400, "mfa_step", scope);
    }

    private void reauth(Exchange x) {
        var caller = x.caller();
        var user = caller.requireUser();
        var f = x.form();
        var l = AccountPages.language(x);
        var request = x.client().context();
        var amr = new LinkedHashSet<String>(List.of("pwd"));
        try {
            signIn.confirmPassword(request, user, f.getOrDefault("password", ""));
            if (!twoStep.methods(user.id()).isEmpty()) {
                var code = f.getOrDefault("code", "");
                amr.addAll(twoStep.reprove(user, TwoStep.defaultMethod(code), code, request));
                amr.add("mfa");
            }
        } catch (AuthenticationDenied e) {
            reauthForm(x, f.get("next"), text.get(l, "invalid_credentials"));
            return;
        } catch (WrongCode | InvalidInput e) {
            reauthForm(x, f.get("next"), text.get(l, "mfa_wrong_code"));
            return;
        } catch (Throttled e) {
            x.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            reauthForm(x, f.get("next"), text.get(l, "throttled", "seconds", Long.toString(e.retryAfterSeconds())));
            return;
        }
        var data = new HashMap<String, Object>(caller.session().data());
        data.put(SignIn.SESSION_AUTH_TIME, clock.instant().getEpochSecond());
        data.put(SignIn.SESSION_AMR, List.copyOf(amr));
        sessions.save(caller.session(), data);
        x.redirect(SafeRedirect.of(f.get("next"), "/account"));
    }

    // --- rendering

    private Map<String, Object> base(Exchange x, Language l, String title, String action) {
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("t", text.all(l));
        scope.put("title", title);
        scope.put("action", action);
        scope.put("csrf", csrf.token(x));
        return scope;
    }

    private void message(Exchange x, int status, Language l, String key, String link) {
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "mfa_title"));
        scope.put("message", text.get(l, key));
        scope.put("error", true);
        scope.put("link", link);
        scope.put("linkText", text.get(l, "sign_in"));
        templates.page(x, status, "message", scope);
    }
}
