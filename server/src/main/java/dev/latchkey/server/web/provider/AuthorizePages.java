package dev.latchkey.server.web.provider;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.mfa.TwoStep;
import dev.latchkey.provider.AuthorizationRequest;
import dev.latchkey.provider.BadAuthorizationRequest;
import dev.latchkey.provider.OAuthError;
import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.provider.RedirectableError;
import dev.latchkey.provider.ResponseMode;
import dev.latchkey.provider.Scopes;
import dev.latchkey.request.Language;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.server.web.pages.PageText;
import dev.latchkey.server.web.pages.Templates;
import dev.latchkey.session.Session;
import dev.latchkey.user.User;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The authorization endpoint ({@code GET} and {@code POST /oauth/authorize}) and its consent page. The order is
 * fixed: the client and its redirect URI are judged first, and until both are right every answer is a 400 page of
 * latchkey's own — never a redirect, so that the endpoint is no open redirector. After that, every error goes back
 * to the client ({@code error}, {@code state}, {@code iss}). A browser that is not signed in, or signed in too long
 * ago for {@code max_age}, {@code prompt=login} or a second factor asked by {@code acr_values}, goes through the
 * sign-in or re-authentication page and comes back here; the consent form carries the request and is parsed again
 * in full when it is posted.
 */
public final class AuthorizePages {
    static final String AUTHORIZE = "/oauth/authorize";
    static final String CONSENT = "/oauth/authorize/consent";
    /** Audited for every code issued: which user signed in to which client, from where. */
    public static final String AUDIT_AUTHORIZED = "oidc_authorized";

    private static final String LOGIN_AFTER = AuthorizationRequest.LOGIN_AFTER;
    /** What {@code /login} and {@code /reauth} accept as {@code next}. */
    private static final int MAX_CONTINUATION = 2048;

    private static final String FORM_POST_SCRIPT = "document.forms[0].submit();";
    private static final String FORM_POST_SCRIPT_HASH = sha256(FORM_POST_SCRIPT);

    private final OpenIdProvider provider;
    private final TwoStep twoStep;
    private final Csrf csrf;
    private final Templates templates;
    private final PageText text;
    private final Clock clock;
    private final Audits audits;

    public AuthorizePages(
            OpenIdProvider provider,
            TwoStep twoStep,
            Csrf csrf,
            Templates templates,
            PageText text,
            Clock clock,
            Audits audits) {
        this.provider = provider;
        this.audits = audits;
        this.twoStep = twoStep;
        this.csrf = csrf;
        this.templates = templates;
        this.text = text;
        this.clock = clock;
    }

    public void register(Router router) {
        var doc = Doc.of("OpenID Connect authorization endpoint (the code flow with PKCE)")
                .description("response_type=code, client_id, redirect_uri (exactly as registered), scope, state, "
                        + "nonce, code_challenge with code_challenge_method=S256, and optionally response_mode, "
                        + "prompt, max_age, login_hint, ui_locales, acr_values=mfa.")
                .answers(302, "Back to the client with code, state and iss (or error)")
                .answers(303, "To sign in first, or again (prompt=login, max_age, acr_values=mfa); a POST's answer")
                .answers(200, "The consent page, or the form_post answer", "text/html")
                .answers(
                        400,
                        "An unknown client or an unregistered redirect URI: a page, never a redirect",
                        "text/html");
        router.add("GET", AUTHORIZE, Policy.anyonePage(), doc, (x, p) -> authorize(x, false));
        router.add("POST", AUTHORIZE, Policy.anyonePage().withPostAsRead(), doc, (x, p) -> authorize(x, true));
        router.add(
                "POST",
                CONSENT,
                Policy.anyonePage(),
                Doc.of("The user's answer on the consent page")
                        .description("The whole authorization request comes again and is checked again.")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "decision*", Schemas.string("allow or deny")))
                        .answers(303, "Back to the client, or to sign in first")
                        .answers(200, "The form_post answer", "text/html")
                        .answers(400, "The request is not valid", "text/html"),
                (x, p) -> consent(x));
    }

    private void authorize(Exchange x, boolean fromBody) {
        var request = parsed(x, fromBody, List.of());
        if (request == null) {
            return;
        }
        try {
            var user = signedIn(x, request);
            if (user == null) {
                return;
            }
            if (provider.needsConsent(user.id(), request)) {
                if (request.prompts("none")) {
                    throw redirectable(request, OAuthError.CONSENT_REQUIRED, "the user has not consented");
                }
                consentPage(x, request, user);
                return;
            }
            answer(x, request, user);
        } catch (RedirectableError e) {
            answerError(x, e);
        }
    }

    private void consent(Exchange x) {
        var request = parsed(x, true, List.of(Csrf.FORM_FIELD, "decision"));
        if (request == null) {
            return;
        }
        try {
            var user = signedIn(x, request);
            if (user == null) {
                return;
            }
            var decision = x.form().get("decision");
            if ("allow".equals(decision)) {
                provider.grantConsent(
                        user.id(),
                        request.client(),
                        request.scopes(),
                        x.client().context());
                answer(x, request, user);
            } else if ("deny".equals(decision)) {
                throw redirectable(request, OAuthError.ACCESS_DENIED, "the user denied the request");
            } else {
                badRequest(x, "the decision is allow or deny");
            }
        } catch (RedirectableError e) {
            answerError(x, e);
        }
    }

    /** The request, or null when it was answered here with the 400 page or an error back to the client. */
    private AuthorizationRequest parsed(Exchange x, boolean fromBody, List<String> formFields) {
        try {
            var params = new HashMap<>(OAuthParameters.of(x, fromBody));
            formFields.forEach(params::remove);
            return provider.parse(params);
        } catch (RedirectableError e) {
            answerError(x, e);
        } catch (BadAuthorizationRequest | OAuthError | InvalidInput e) {
            badRequest(x, e.detail());
        }
        return null;
    }

    /**
     * The signed-in user, when their sign-in satisfies the request; otherwise null, and the browser has been sent to
     * sign in (again), or a {@link RedirectableError} for {@code prompt=none}.
     */
    private User signedIn(Exchange x, AuthorizationRequest request) {
        var caller = x.caller();
        boolean silent = request.prompts("none");
        var session = caller.session();
        if (!caller.isAuthenticated() || session == null) {
            if (silent) {
                throw redirectable(request, OAuthError.LOGIN_REQUIRED, "the user is not signed in");
            }
            x.redirect("/login?next=" + encode(continuation(request, null)));
            return null;
        }
        var user = caller.requireUser();
        var now = clock.instant();
        var authTime = StepUp.authTime(session);
        boolean again = request.prompts("login")
                || tooOld(request, authTime, now)
                || signedInBefore(request, authTime)
                || (request.wantsSecondFactor()
                        && !hasSecondFactor(session)
                        && !twoStep.methods(user.id()).isEmpty());
        if (!again) {
            return user;
        }
        if (silent) {
            throw redirectable(request, OAuthError.LOGIN_REQUIRED, "the user must sign in again");
        }
        var loginAfter = request.prompts("login") ? now : null;
        x.redirect("/reauth?next=" + encode(continuation(request, loginAfter)));
        return null;
    }

    private static boolean tooOld(AuthorizationRequest request, Instant authTime, Instant now) {
        return request.maxAge() != null
                && authTime.plusSeconds(request.maxAge()).isBefore(now);
    }

    private static boolean signedInBefore(AuthorizationRequest request, Instant authTime) {
        var after = request.params().get(LOGIN_AFTER);
        if (after == null) {
            return false;
        }
        if (!after.matches("[0-9]{1,12}")) {
            throw redirectable(request, OAuthError.INVALID_REQUEST, LOGIN_AFTER + " is a time in seconds");
        }
        return authTime.getEpochSecond() < Long.parseLong(after);
    }

    private static boolean hasSecondFactor(Session session) {
        return StepUp.amr(session).contains("mfa");
    }

    /**
     * Where the browser comes back after signing in: this endpoint with the same request, {@code prompt=login}
     * replaced by the time after which the sign-in must have happened.
     */
    private static String continuation(AuthorizationRequest request, Instant loginAfter) {
        var params = new TreeMap<>(request.params());
        if (loginAfter != null) {
            var prompts =
                    new ArrayList<>(List.of(params.getOrDefault("prompt", "").split(" ", -1)));
            prompts.removeIf(p -> p.isEmpty() || p.equals("login"));
            if (prompts.isEmpty()) {
                params.remove("prompt");
            } else {
                params.put("prompt", String.join(" ", prompts));
            }
            params.put(LOGIN_AFTER, Long.toString(loginAfter.getEpochSecond()));
        }
        var url = AUTHORIZE + "?" + query(params);
        if (url.length() > MAX_CONTINUATION) {
            throw redirectable(
                    request, OAuthError.INVALID_REQUEST, "the request is too long to carry through the sign-in");
        }
        return url;
    }

    private void consentPage(Exchange x, AuthorizationRequest request, User user) {
        var l = language(x, request);
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "consent_title"));
        scope.put("t", text.all(l));
        scope.put("client", request.client().name());
        scope.put(
                "intro", text.get(l, "consent_intro", "client", request.client().name()));
        scope.put("signedInAs", text.get(l, "consent_signed_in_as", "username", user.username()));
        scope.put("returnTo", text.get(l, "consent_return_to", "host", shownHost(request.redirectUri())));
        var scopes = new ArrayList<String>();
        for (var name : Scopes.SUPPORTED) {
            if (request.scopes().has(name)) {
                scopes.add(text.get(l, "scope_" + name));
            }
        }
        scope.put("scopes", scopes);
        scope.put("action", CONSENT);
        scope.put("csrf", csrf.token(x));
        scope.put("hidden", hidden(request.params()));
        templates.page(x, 200, "consent", scope);
    }

    private void answer(Exchange x, AuthorizationRequest request, User user) {
        var session = x.caller().session();
        var code =
                provider.issueCode(request, user.id(), session.idHash(), StepUp.authTime(session), StepUp.amr(session));
        audits.record(x, AUDIT_AUTHORIZED, user, request.client().id());
        var fields = new LinkedHashMap<String, String>();
        fields.put("code", code);
        if (request.state() != null) {
            fields.put("state", request.state());
        }
        fields.put("iss", provider.issuer());
        respond(x, request.redirectUri(), request.responseMode(), fields, language(x, request));
    }

    private void answerError(Exchange x, RedirectableError e) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("error", e.code());
        fields.put("error_description", e.detail());
        if (e.state() != null) {
            fields.put("state", e.state());
        }
        fields.put("iss", provider.issuer());
        respond(
                x,
                e.redirectUri(),
                e.mode(),
                fields,
                Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null)));
    }

    /** The answer to the client: a redirect with a query (the default), or a form the browser posts to it. */
    private void respond(Exchange x, String redirectUri, ResponseMode mode, Map<String, String> fields, Language l) {
        x.noStore();
        if (mode == ResponseMode.FORM_POST) {
            var scope = new HashMap<String, Object>();
            scope.put("lang", l.tag());
            scope.put("title", text.get(l, "form_post_title"));
            scope.put("t", text.all(l));
            scope.put("action", redirectUri);
            scope.put("hidden", hidden(fields));
            scope.put("script", FORM_POST_SCRIPT);
            // The one page that posts to another site: only there, and only this page's own script.
            x.setHeader(
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; script-src '" + FORM_POST_SCRIPT_HASH + "'; form-action "
                            + formTarget(redirectUri) + "; frame-ancestors 'none'; base-uri 'none'");
            x.setHeader("X-Frame-Options", "DENY");
            x.html(200, templates.render("form_post", scope));
            return;
        }
        var separator = redirectUri.contains("?") ? "&" : "?";
        x.redirect(x.method().equals("GET") ? 302 : 303, redirectUri + separator + query(fields));
    }

    private void badRequest(Exchange x, String detail) {
        var l = Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null));
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "authorize_error_title"));
        scope.put("message", text.get(l, "authorize_error", "detail", detail));
        scope.put("error", true);
        scope.put("link", "/");
        scope.put("linkText", text.get(l, "authorize_error_link"));
        templates.page(x, 400, "message", scope);
    }

    private static RedirectableError redirectable(AuthorizationRequest request, String code, String description) {
        return new RedirectableError(
                new OAuthError(code, description), request.redirectUri(), request.state(), request.responseMode());
    }

    static Language language(Exchange x, AuthorizationRequest request) {
        return language(x, request.uiLocales());
    }

    /** The page's language: the first of {@code ui_locales} that latchkey speaks, else {@code Accept-Language}. */
    static Language language(Exchange x, String uiLocales) {
        if (uiLocales != null) {
            for (var tag : uiLocales.split(" ", 16)) {
                var primary = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
                for (var language : Language.values()) {
                    if (language.tag().equalsIgnoreCase(primary)) {
                        return language;
                    }
                }
            }
        }
        return Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null));
    }

    static List<Map<String, String>> hidden(Map<String, String> fields) {
        var hidden = new ArrayList<Map<String, String>>();
        new TreeMap<>(fields).forEach((name, value) -> hidden.add(Map.of("name", name, "value", value)));
        return hidden;
    }

    static String query(Map<String, String> fields) {
        var out = new StringBuilder();
        fields.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(encode(name)).append('=').append(encode(value));
        });
        return out.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The host a person will recognise on the consent page; a native app's scheme when there is no host. */
    private static String shownHost(String redirectUri) {
        var uri = URI.create(redirectUri);
        return uri.getHost() != null ? uri.getHost() : uri.getScheme() + ":";
    }

    /** The CSP source of the one place the form may post to: the redirect URI's origin, or its scheme. */
    private static String formTarget(String redirectUri) {
        var uri = URI.create(redirectUri);
        if (uri.getHost() == null) {
            return uri.getScheme() + ":";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String sha256(String script) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
