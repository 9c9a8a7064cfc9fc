package dev.latchkey.server.web.api;

import dev.latchkey.account.Accounts;
import dev.latchkey.account.SignUpMode;
import dev.latchkey.account.SignUps;
import dev.latchkey.request.Language;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.session.Sessions;

/**
 * The account flows for SPAs and apps, as JSON: sign-up, invitations, password reset and change, email verification
 * and change. Requests about an address answer 202 with the same body whether or not an account has it; every
 * refusal of a mailed token is the one {@code invalid_token}. The reset, verification and invitation routes exist only
 * when mail is set up.
 */
public final class AccountApi {
    private final Accounts accounts;
    private final Sessions sessions;
    private final SessionCookies browser;

    private final java.time.Clock clock;

    public AccountApi(Accounts accounts, Sessions sessions, SessionCookies browser, java.time.Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.sessions = sessions;
        this.browser = browser;
    }

    public void register(Router router) {
        var inBody = Policy.anyone().by(Policy.Proof.BODY);
        var accepted = Schemas.object("status*", Schemas.string(), "detail*", Schemas.string());
        if (accounts.settings().signup() != SignUpMode.CLOSED) {
            router.add(
                    "POST",
                    "/api/signup",
                    inBody,
                    Doc.of("Make an account (accounts.signup = open, or with an invitation's token)")
                            .json(Schemas.object(
                                    "username*", Schemas.string(),
                                    "email", Schemas.string(),
                                    "password*", Schemas.string(),
                                    "invitation", Schemas.string("the token of an invitation link")))
                            .answers(
                                    201,
                                    "Made: the account may sign in",
                                    Schemas.object("username*", Schemas.string(), "status*", Schemas.string()))
                            .answers(
                                    202,
                                    "Made: it must confirm its email first (the same for an email in use)",
                                    accepted)
                            .errors(400, 403, 409, 429),
                    (x, p) -> signUp(x));
        }
        router.add(
                "POST",
                "/api/password/change",
                Policy.signedIn(),
                Doc.of("Change the caller's password; everything else they were signed in with ends")
                        .json(Schemas.object("current_password*", Schemas.string(), "new_password*", Schemas.string()))
                        .answers(204, "Changed; a cookie caller gets a new session and X-CSRF-Token")
                        .errors(400, 401, 429),
                (x, p) -> changePassword(x));
        if (!accounts.mailOn()) {
            return;
        }
        router.add(
                "POST",
                "/api/invitations",
                Policy.staff(),
                Doc.of("Mail an invitation to make an account; only a superuser invites staff")
                        .json(Schemas.object("email*", Schemas.string(), "staff", Schemas.bool()))
                        .answers(202, "The invitation is on its way", Schemas.object("status*", Schemas.string()))
                        .errors(400, 403),
                (x, p) -> invite(x));
        router.add(
                "POST",
                "/api/password/reset",
                inBody,
                Doc.of("Ask for a password-reset link: the same answer whether or not an account has the address")
                        .json(Schemas.object("email*", Schemas.string()))
                        .answers(202, "Accepted", accepted)
                        .errors(400, 429),
                (x, p) -> requestReset(x));
        router.add(
                "POST",
                "/api/password/reset/confirm",
                inBody,
                Doc.of("Set a new password with a reset link's token; nothing signs in")
                        .json(Schemas.object("token*", Schemas.string(), "password*", Schemas.string()))
                        .answers(204, "Changed: every session, token family and user-made API token ended")
                        .errors(400),
                (x, p) -> confirmReset(x));
        router.add(
                "POST",
                "/api/email/verify",
                inBody,
                Doc.of("Confirm an email address with a verification or email-change link's token")
                        .json(Schemas.object("token*", Schemas.string()))
                        .answers(204, "Confirmed")
                        .errors(400),
                (x, p) -> verify(x));
        router.add(
                "POST",
                "/api/email/verify/resend",
                Policy.anyone().by(Policy.Proof.COOKIE, Policy.Proof.HEADER, Policy.Proof.BODY),
                Doc.of("A new confirmation link: for the signed-in caller, or by address (the same answer for any)")
                        .json(Schemas.object("email", Schemas.string()))
                        .answers(202, "Accepted", accepted)
                        .errors(400, 429),
                (x, p) -> resend(x));
        router.add(
                "POST",
                "/api/email/change",
                Policy.signedIn(),
                Doc.of("Change the caller's email: it takes effect when the link mailed to the new address is used")
                        .json(Schemas.object("email*", Schemas.string(), "current_password*", Schemas.string()))
                        .answers(202, "Accepted", accepted)
                        .errors(400, 401, 429),
                (x, p) -> changeEmail(x));
    }

    static Language language(Exchange x) {
        return Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null));
    }

    /**
     * {@code {"username","email","password"}} (and {@code "invitation"} in invite mode): 201 when the account may sign
     * in now, 202 when it must confirm its email first — the same answer whether or not the email had an account.
     */
    private void signUp(Exchange x) {
        var body = x.jsonObject();
        var form = new SignUps.Form(
                Requests.requiredString(body, "username"),
                Requests.optionalString(body, "email").orElse(""),
                Requests.requiredString(body, "password"));
        var invitation = Requests.optionalString(body, "invitation");
        var result = invitation.isPresent()
                ? accounts.signUps()
                        .acceptInvitation(invitation.get(), form, x.client().context())
                : accounts.signUps().signUp(form, x.client().context(), language(x));
        if (result.mustVerify()) {
            // No username: the body is the same for every sign-up that must verify, whatever its email was.
            x.json(
                    202,
                    JsonResponses.object(
                            "status", "verification_required",
                            "detail", "open the link in the mail sent to the address to confirm it, then sign in"));
        } else {
            x.json(201, JsonResponses.object("username", result.username(), "status", "created"));
        }
    }

    private void invite(Exchange x) {
        var body = x.jsonObject();
        var email = Requests.requiredString(body, "email");
        var staff = body.has("staff")
                && body.get("staff").isBoolean()
                && body.get("staff").asBoolean();
        if (body.has("staff") && !body.get("staff").isBoolean()) {
            throw new dev.latchkey.error.InvalidInput("invalid_field", "\"staff\" must be true or false");
        }
        var user = x.caller().requireUser();
        if (staff && !user.superuser()) {
            throw new HttpErrors.PermissionDenied("only a superuser may invite staff");
        }
        accounts.signUps().invite(email, staff, user, x.client().context(), language(x));
        x.json(202, JsonResponses.object("status", "sent"));
    }

    private void requestReset(Exchange x) {
        var email = Requests.requiredString(x.jsonObject(), "email");
        accounts.passwordResets().request(email, x.client().context(), language(x));
        x.json(202, sentIfAny());
    }

    private static Object sentIfAny() {
        return JsonResponses.object(
                "status", "accepted", "detail", "if an account has this address, a mail with a link is on its way");
    }

    private void confirmReset(Exchange x) {
        var body = x.jsonObject();
        accounts.passwordResets()
                .confirm(
                        Requests.requiredString(body, "token"),
                        Requests.requiredString(body, "password"),
                        x.client().context(),
                        language(x));
        x.noContent();
    }

    private void verify(Exchange x) {
        accounts.emailAddresses()
                .confirm(
                        Requests.requiredString(x.jsonObject(), "token"),
                        x.client().context());
        x.noContent();
    }

    private void resend(Exchange x) {
        if (x.caller().isAuthenticated()) {
            accounts.emailAddresses().resend(x.caller().user(), x.client().context(), language(x));
        } else {
            accounts.emailAddresses()
                    .resend(
                            Requests.requiredString(x.jsonObject(), "email"),
                            x.client().context(),
                            language(x));
        }
        x.json(202, sentIfAny());
    }

    /**
     * {@code {"current_password","new_password"}} → 204. Everything the user was signed in with ends; a browser that
     * asked by cookie gets a new session at once, and its new CSRF token in {@code X-CSRF-Token}.
     */
    private void changePassword(Exchange x) {
        var body = x.jsonObject();
        var user = x.caller().requireUser();
        dev.latchkey.server.web.caller.StepUp.require(x, clock.instant());
        accounts.passwordChanges()
                .change(
                        user,
                        Requests.requiredString(body, "current_password"),
                        Requests.requiredString(body, "new_password"),
                        x.client().context(),
                        language(x));
        if (x.caller().via() == Caller.Via.SESSION) {
            var token = browser.signedIn(
                    x, sessions.login(null, user.id(), x.client().context()));
            x.setHeader(Csrf.HEADER, token);
        }
        x.noContent();
    }

    private void changeEmail(Exchange x) {
        var body = x.jsonObject();
        dev.latchkey.server.web.caller.StepUp.require(x, clock.instant());
        accounts.emailAddresses()
                .requestChange(
                        x.caller().requireUser(),
                        Requests.requiredString(body, "email"),
                        Requests.requiredString(body, "current_password"),
                        x.client().context(),
                        language(x));
        x.json(202, JsonResponses.object("status", "accepted", "detail", "open the link mailed to the new address"));
    }
}
