package dev.latchkey.server.web.pages;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.auth.SignIn;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Conflict;
import dev.latchkey.server.web.caller.CookiePolicy;
import dev.latchkey.server.web.caller.ProviderFailures;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.caller.SiteOrigin;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.SafeRedirect;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.singleuse.SingleUseStore;
import dev.latchkey.social.ProviderFailure;
import dev.latchkey.social.SocialDenied;
import dev.latchkey.social.SocialLogin;
import dev.latchkey.social.SocialProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;

/**
 * The browser flow of social login. {@code GET /login/{provider}} keeps a state, a PKCE verifier and a nonce in a
 * sealed cookie ({@link PendingSignIn}; no row is written for an anonymous visitor) and sends the browser to the
 * provider; {@code GET /login/{provider}/callback} accepts that state once, within ten minutes, exchanges the code
 * and signs the browser in with a new session id. Linking a provider to the signed-in account starts only from
 * {@code POST /account/social/link} (a form with the CSRF token, so no other site can make a browser link an
 * identity of the attacker's to the victim's account), and its callback links only for that same user. Every
 * failure is a page: 400 for a bad, expired or replayed state, 401 for a refusal, 502 for a provider that fails.
 */
public final class SocialPages {
    private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

    private final SocialLogin social;
    private final SessionCookies browser;
    private final CookiePolicy cookies;
    private final Templates templates;
    private final Secrets secrets;
    private final SecretBox box;
    private final ObjectMapper json;
    private final SiteOrigin site;
    private final Clock clock;
    private final ProviderFailures failures;
    private final SignIn signIn;
    /**
     * States accepted in the last lifetime, on every node that shares this store: the sealed cookie cannot be altered,
     * but it could be presented twice; this makes each state good once. A state is worthless after its lifetime.
     */
    private final SingleUseStore usedStates;

    private final MfaPages mfaPages;

    public SocialPages(
            SocialLogin social,
            SignIn signIn,
            SessionCookies browser,
            CookiePolicy cookies,
            Templates templates,
            Secrets secrets,
            SecretBox box,
            ObjectMapper json,
            SiteOrigin site,
            SingleUseStore usedStates,
            Clock clock,
            ProviderFailures failures,
            MfaPages mfaPages) {
        this.mfaPages = mfaPages;
        this.usedStates = usedStates;
        this.signIn = signIn;
        this.social = social;
        this.browser = browser;
        this.cookies = cookies;
        this.templates = templates;
        this.secrets = secrets;
        this.box = box;
        this.json = json;
        this.site = site;
        this.clock = clock;
        this.failures = failures;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/login/{}",
                Policy.anyonePage(),
                Doc.of("Start signing in with a provider")
                        .param("provider", "A configured provider's name")
                        .query("next", "Where to go afterwards: a path on this site")
                        .answers(302, "To the provider")
                        .answers(303, "Signed in already: to next"),
                this::start);
        router.add(
                "GET",
                "/login/{}/callback",
                Policy.anyonePage(),
                Doc.of("Where the provider sends the browser back")
                        .param("provider", "A configured provider's name")
                        .query("state", "The state latchkey sent")
                        .query("code", "The provider's authorization code")
                        .query("error", "The provider's refusal")
                        .answers(303, "Signed in (or linked): to next")
                        .answers(401, "The sign-in was refused", "text/html")
                        .answers(502, "The provider failed", "text/html"),
                this::callback);
        router.add(
                "POST",
                "/account/social/link",
                Policy.signedInPage(),
                Doc.of("Link another provider to the signed-in account")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "provider*", Schemas.string()))
                        .answers(302, "To the provider")
                        .answers(404, "No provider by that name", "text/html"),
                (x, p) -> link(x));
    }

    private void start(Exchange x, String name) {
        var next = SafeRedirect.of(x.query("next").orElse(null), "/account");
        if (x.caller().isAuthenticated()) {
            // Signed in already; linking is a deliberate POST from the account page, never a link someone sent.
            x.redirect(next);
            return;
        }
        redirectToProvider(x, name, next, null);
    }

    private void link(Exchange x) {
        var name = x.form().getOrDefault("provider", "");
        if (social.provider(name).isEmpty()) {
            message(x, 404, "Unknown provider", "There is no sign-in provider by that name.");
            return;
        }
        redirectToProvider(x, name, "/account", x.caller().user().id());
    }

    private void redirectToProvider(Exchange x, String name, String next, Long linkUserId) {
        var provider = provider(x, name);
        if (provider == null) {
            return;
        }
        var pending = new PendingSignIn(
                name,
                secrets.urlSafeToken(32),
                secrets.urlSafeToken(32),
                secrets.urlSafeToken(16),
                next,
                linkUserId,
                clock.millis());
        String target;
        try {
            target = provider.authorizationUri(
                            callbackUri(x, name), pending.state(), challenge(pending.verifier()), pending.nonce())
                    .toString();
        } catch (ProviderFailure e) {
            failed(x, e);
            return;
        }
        x.addCookie(cookies.pending(
                pending.seal(box, json), STATE_LIFETIME, x.client().https()));
        x.redirect(302, target);
    }

    private void callback(Exchange x, String name) {
        var provider = provider(x, name);
        if (provider == null) {
            return;
        }
        var pending = takePending(x, name);
        var error = x.query("error");
        if (error.isPresent()) {
            var reason = error.get().replaceAll("[^A-Za-z0-9_]", "");
            message(
                    x,
                    401,
                    "Sign-in declined",
                    name + " did not sign you in (" + reason.substring(0, Math.min(reason.length(), 64)) + ").");
            return;
        }
        var code = x.query("code");
        if (pending == null
                || code.isEmpty()
                || code.get().isEmpty()
                || code.get().length() > 4096) {
            message(x, 400, "Sign-in expired", "This sign-in is no longer valid. Please start again.");
            return;
        }
        try {
            var caller = x.caller();
            if (pending.linkUserId() != null) {
                if (!caller.isAuthenticated() || caller.user().id() != pending.linkUserId()) {
                    message(x, 400, "Sign-in expired", "This sign-in is no longer valid. Please start again.");
                    return;
                }
                var identity = provider.exchange(code.get(), callbackUri(x, name), pending.verifier(), pending.nonce());
                social.accounts().link(caller.user(), identity, x.client().context());
                x.redirect("/account");
                return;
            }
            var signedIn = signIn.withSession(
                    x.client().context(),
                    new Credentials.SocialCode(
                            name, code.get(), callbackUri(x, name), pending.verifier(), pending.nonce()),
                    browser.current(x).orElse(null),
                    new dev.latchkey.auth.Intent(
                            dev.latchkey.auth.Intent.PAGE, java.util.Map.of("next", pending.next())));
            browser.signedIn(x, signedIn.session());
            x.redirect(pending.next());
        } catch (dev.latchkey.mfa.MfaRequired required) {
            mfaPages.secondStep(x, required, pending.next());
        } catch (dev.latchkey.mfa.MfaEnrollmentRequired enrol) {
            mfaPages.enrolment(x, enrol.token());
        } catch (ProviderFailure e) {
            failed(x, e);
        } catch (SocialDenied | AuthenticationDenied e) {
            message(x, 401, "Sign-in failed", "The sign-in with " + name + " could not be completed.");
        } catch (Conflict e) {
            message(x, 409, "Already linked", e.detail());
        }
    }

    /**
     * The browser's pending sign-in if its state matches and it is fresh, spent so that it can be used only once;
     * the cookie is cleared either way.
     */
    private PendingSignIn takePending(Exchange x, String name) {
        var https = x.client().https();
        var cookie = x.cookie(cookies.pendingName(https));
        if (cookie.isEmpty()) {
            return null;
        }
        x.addCookie(cookies.expired(cookies.pendingName(https), https));
        var pending = PendingSignIn.open(cookie.get(), box, json).orElse(null);
        var state = x.query("state").orElse("");
        if (pending == null
                || !name.equals(pending.provider())
                || !Secrets.constantTimeEquals(pending.state(), state)
                || clock.millis() - pending.at() >= STATE_LIFETIME.toMillis()
                || clock.millis() < pending.at()) {
            return null;
        }
        // On every node: the cookie could be presented to two of them at once.
        return usedStates.firstUse("oauth_state", pending.state(), clock.instant(), STATE_LIFETIME) ? pending : null;
    }

    private SocialProvider provider(Exchange x, String name) {
        var provider = social.provider(name);
        if (provider.isEmpty()) {
            message(x, 404, "Unknown provider", "There is no sign-in provider named " + name + ".");
            return null;
        }
        return provider.get();
    }

    private void failed(Exchange x, ProviderFailure e) {
        failures.count(e);
        message(
                x,
                502,
                "Provider unavailable",
                "The sign-in provider could not be reached or answered something "
                        + "unexpected. Please try again later.");
    }

    private void message(Exchange x, int status, String title, String message) {
        var scope = new HashMap<String, Object>();
        scope.put("title", title);
        scope.put("message", message);
        scope.put("error", status >= 400);
        scope.put("link", "/login");
        scope.put("linkText", "Back to sign in");
        templates.page(x, status, "message", scope);
    }

    /** This server's callback for the provider, as the browser reaches it. */
    private String callbackUri(Exchange x, String name) {
        return site.of(x) + "/login/" + name + "/callback";
    }

    private static String challenge(String verifier) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }
}
