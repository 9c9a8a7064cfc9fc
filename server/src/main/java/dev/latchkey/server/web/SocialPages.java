package dev.latchkey.server.web;

import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.Credentials;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.Conflict;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.session.Sessions;
import dev.latchkey.social.ProviderFailure;
import dev.latchkey.social.SocialDenied;
import dev.latchkey.social.SocialLogin;
import dev.latchkey.social.SocialProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser flow of social login. {@code GET /login/{provider}} keeps a state, a PKCE verifier and a nonce in
 * the browser's (anonymous) session and sends it to the provider; {@code GET /login/{provider}/callback} accepts
 * the state once, within ten minutes, exchanges the code, and signs the browser in with a new session id — or, for
 * a browser already signed in, links the identity to that user. Every failure is a page: 400 for a bad or replayed
 * state, 401 for a refusal, 502 for a provider that fails.
 */
public final class SocialPages {
    private static final Logger log = LoggerFactory.getLogger(SocialPages.class);
    private static final String PENDING = "social_login";
    private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

    private final SocialLogin social;
    private final Sessions sessions;
    private final SessionCookies browser;
    private final Templates templates;
    private final Secrets secrets;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Authenticator authenticator;

    public SocialPages(SocialLogin social, Authenticator authenticator, Sessions sessions, SessionCookies browser,
                       Templates templates, Secrets secrets, Clock clock, MeterRegistry meters) {
        this.authenticator = authenticator;
        this.social = social;
        this.sessions = sessions;
        this.browser = browser;
        this.templates = templates;
        this.secrets = secrets;
        this.clock = clock;
        this.meters = meters;
    }

    public void register(Router router) {
        router.add("GET", "/login/{}", this::start);
        router.add("GET", "/login/{}/callback", this::callback);
    }

    private void start(Exchange x, String name) {
        var provider = provider(x, name);
        if (provider == null) {
            return;
        }
        var state = secrets.urlSafeToken(32);
        var verifier = secrets.urlSafeToken(32);
        var nonce = secrets.urlSafeToken(16);
        var pending = new HashMap<String, Object>();
        pending.put("provider", name);
        pending.put("state", state);
        pending.put("verifier", verifier);
        pending.put("nonce", nonce);
        pending.put("next", SafeRedirect.of(x.query("next").orElse(null), "/account"));
        pending.put("at", clock.millis());
        String target;
        try {
            target = provider.authorizationUri(callbackUri(x, name), state, challenge(verifier), nonce).toString();
        } catch (ProviderFailure e) {
            failed(x, e);
            return;
        }
        var session = x.caller().currentSession();
        if (session.isPresent()) {
            var data = new HashMap<>(session.get().data());
            data.put(PENDING, pending);
            sessions.save(session.get(), data);
        } else {
            browser.started(x, sessions.start(x.client().context(), Map.of(PENDING, pending)));
        }
        x.noStore();
        x.redirect(302, target);
    }

    private void callback(Exchange x, String name) {
        var provider = provider(x, name);
        if (provider == null) {
            return;
        }
        var error = x.query("error");
        if (error.isPresent()) {
            message(x, 401, "Sign-in declined", name + " did not sign you in (" + error.get() + ").");
            return;
        }
        var pending = takePending(x, name);
        var code = x.query("code");
        if (pending == null || code.isEmpty() || code.get().isEmpty() || code.get().length() > 4096) {
            message(x, 400, "Sign-in expired", "This sign-in is no longer valid. Please start again.");
            return;
        }
        try {
            var caller = x.caller();
            if (caller.isAuthenticated()) {
                var identity = provider.exchange(code.get(), callbackUri(x, name),
                        pending.get("verifier").toString(), pending.get("nonce").toString());
                social.link(caller.user(), identity, x.client().context());
                x.noStore();
                x.redirect("/account");
                return;
            }
            var user = authenticator.authenticate(x.client().context(), new Credentials.SocialCode(name, code.get(),
                    callbackUri(x, name), pending.get("verifier").toString(), pending.get("nonce").toString())).user();
            social.signedIn(user, name, x.client().context());
            var issued = sessions.login(browser.current(x).orElse(null), user.id(), x.client().context());
            browser.signedIn(x, issued);
            x.noStore();
            x.redirect(pending.get("next").toString());
        } catch (ProviderFailure e) {
            failed(x, e);
        } catch (SocialDenied | AuthenticationDenied e) {
            message(x, 401, "Sign-in failed", "The sign-in with " + name + " could not be completed.");
        } catch (Conflict e) {
            message(x, 409, "Already linked", e.detail());
        }
    }

    /** The pending sign-in of this browser if the state matches, removed so that it can be used only once. */
    private Map<?, ?> takePending(Exchange x, String name) {
        var session = x.caller().currentSession();
        var state = x.query("state").orElse("");
        if (session.isEmpty() || !(session.get().data().get(PENDING) instanceof Map<?, ?> pending)) {
            return null;
        }
        var data = new HashMap<>(session.get().data());
        data.remove(PENDING);
        sessions.save(session.get(), data);
        var fresh = pending.get("at") instanceof Number at
                && clock.millis() - at.longValue() < STATE_LIFETIME.toMillis();
        var same = name.equals(pending.get("provider")) && pending.get("state") instanceof String expected
                && Secrets.constantTimeEquals(expected, state);
        return fresh && same && pending.get("verifier") != null && pending.get("nonce") != null ? pending : null;
    }

    private SocialProvider provider(Exchange x, String name) {
        var provider = social.provider(name);
        if (provider.isEmpty()) {
            message(x, 404, "Unknown provider", "There is no sign-in provider named " + name + ".");
            return null;
        }
        return provider.get();
    }

    /** Logs and counts a provider's failure, per provider. */
    void counted(ProviderFailure e) {
        log.warn("{}", e.detail());
        meters.counter("latchkey.social.failures", "provider", e.provider()).increment();
    }

    private void failed(Exchange x, ProviderFailure e) {
        counted(e);
        message(x, 502, "Provider unavailable", "The sign-in provider could not be reached or answered something "
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
    static String callbackUri(Exchange x, String name) {
        var host = x.header("Host").orElse("localhost");
        return (x.client().https() ? "https" : "http") + "://" + host + "/login/" + name + "/callback";
    }

    private static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    static LatchkeyException unknown(String name) {
        return new LatchkeyException("unknown_provider", 404, "there is no sign-in provider named " + name);
    }
}
