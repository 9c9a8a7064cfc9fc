package dev.latchkey.server.web.provider;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.provider.Client;
import dev.latchkey.provider.OAuthError;
import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.request.Language;
import dev.latchkey.server.web.caller.Audits;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.SessionCookies;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.server.web.pages.PageText;
import dev.latchkey.server.web.pages.Templates;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RP-Initiated Logout 1.0: {@code GET}/{@code POST /oauth/logout} asks the signed-in person to confirm (a forged link
 * must not sign anyone out), {@code POST /oauth/logout/confirm} ends the session — which tells every client it signed
 * in to, through back-channel logout — and goes back to the client's {@code post_logout_redirect_uri} when that is
 * registered for it, exactly, and the client is known from {@code client_id} or {@code id_token_hint}.
 */
public final class LogoutPages {
    static final String LOGOUT = "/oauth/logout";
    static final String CONFIRM = "/oauth/logout/confirm";
    private static final List<String> CARRIED = List.of("client_id", "post_logout_redirect_uri", "state");

    private final OpenIdProvider provider;
    private final SessionCookies browser;
    private final Csrf csrf;
    private final Templates templates;
    private final PageText text;
    private final Audits audits;

    public LogoutPages(
            OpenIdProvider provider,
            SessionCookies browser,
            Csrf csrf,
            Templates templates,
            PageText text,
            Audits audits) {
        this.provider = provider;
        this.audits = audits;
        this.browser = browser;
        this.csrf = csrf;
        this.templates = templates;
        this.text = text;
    }

    public void register(Router router) {
        var doc = Doc.of("OpenID Connect RP-initiated logout")
                .description("id_token_hint, client_id, post_logout_redirect_uri (exactly as registered), state, "
                        + "ui_locales; asks the user to confirm.")
                .answers(200, "The confirmation page", "text/html")
                .answers(302, "Not signed in: straight back to the client")
                .answers(303, "Not signed in, asked by POST: straight back to the client")
                .answers(400, "A post_logout_redirect_uri that is not registered for the client", "text/html");
        router.add("GET", LOGOUT, Policy.anyonePage(), doc, (x, p) -> ask(x, false));
        router.add("POST", LOGOUT, Policy.anyonePage().withPostAsRead(), doc, (x, p) -> ask(x, true));
        router.add(
                "POST",
                CONFIRM,
                Policy.anyonePage(),
                Doc.of("Sign out, confirmed")
                        .form(Schemas.object(
                                "csrf_token*", Schemas.string(),
                                "client_id", Schemas.string(),
                                "post_logout_redirect_uri", Schemas.string(),
                                "state", Schemas.string()))
                        .answers(303, "Signed out: back to the client")
                        .answers(200, "Signed out, with no client to go back to: the signed-out page", "text/html")
                        .answers(400, "The request is not valid", "text/html"),
                (x, p) -> confirm(x));
    }

    /** Where to go after signing out, checked: the client and its exact registered URI, or neither. */
    private record Target(Client client, String uri, String state) {}

    private void ask(Exchange x, boolean fromBody) {
        Map<String, String> params;
        Target target;
        try {
            params = OAuthParameters.of(x, fromBody);
            target = target(params);
        } catch (OAuthError | InvalidInput e) {
            error(x, e.detail());
            return;
        }
        var l = AuthorizePages.language(x, params.get("ui_locales"));
        if (!x.caller().isAuthenticated()) {
            leave(x, target, l);
            return;
        }
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "logout_title"));
        scope.put("t", text.all(l));
        scope.put(
                "intro",
                target.client() == null
                        ? text.get(l, "logout_intro")
                        : text.get(
                                l,
                                "logout_intro_client",
                                "client",
                                target.client().name()));
        scope.put("action", CONFIRM);
        scope.put("csrf", csrf.token(x));
        var carried = new LinkedHashMap<String, String>();
        if (target.client() != null) {
            carried.put("client_id", target.client().id());
        }
        if (target.uri() != null) {
            carried.put("post_logout_redirect_uri", target.uri());
        }
        if (target.state() != null) {
            carried.put("state", target.state());
        }
        scope.put("hidden", AuthorizePages.hidden(carried));
        templates.page(x, 200, "logout", scope);
    }

    private void confirm(Exchange x) {
        Target target;
        try {
            var params = new HashMap<>(OAuthParameters.of(x, true));
            params.keySet().retainAll(CARRIED);
            target = target(params);
        } catch (OAuthError | InvalidInput e) {
            error(x, e.detail());
            return;
        }
        if (x.caller().isAuthenticated()) {
            audits.record(
                    x,
                    "oidc_logout",
                    x.caller().requireUser(),
                    target.client() == null ? "" : target.client().id());
        }
        browser.signOut(x);
        leave(x, target, Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null)));
    }

    private void leave(Exchange x, Target target, Language l) {
        if (target.uri() != null) {
            var location = target.uri();
            if (target.state() != null) {
                location += (location.contains("?") ? "&" : "?") + "state=" + AuthorizePages.encode(target.state());
            }
            x.redirect(x.method().equals("GET") ? 302 : 303, location);
            return;
        }
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "logged_out_title"));
        scope.put("message", text.get(l, "logged_out"));
        scope.put("link", "/login");
        scope.put("linkText", text.get(l, "sign_in"));
        templates.page(x, 200, "message", scope);
    }

    private Target target(Map<String, String> params) {
        var hinted = Optional.ofNullable(params.get("id_token_hint"))
                .map(hint -> provider.clientOfIdToken(hint)
                        .orElseThrow(
                                () -> new OAuthError(OAuthError.INVALID_REQUEST, "the id_token_hint is not valid")));
        var clientId = params.get("client_id");
        if (clientId != null && hinted.isPresent() && !hinted.get().equals(clientId)) {
            throw new OAuthError(OAuthError.INVALID_REQUEST, "client_id is not the id_token_hint's audience");
        }
        var id = clientId != null ? clientId : hinted.orElse(null);
        var client = id == null
                ? null
                : provider.clients()
                        .find(id)
                        .orElseThrow(() -> new OAuthError(OAuthError.INVALID_REQUEST, "unknown client"));
        var uri = params.get("post_logout_redirect_uri");
        if (uri != null) {
            if (client == null) {
                throw new OAuthError(
                        OAuthError.INVALID_REQUEST, "post_logout_redirect_uri needs client_id or id_token_hint");
            }
            // Exact string comparison: no normalising, no prefix, no pattern.
            if (!client.postLogoutRedirectUris().contains(uri)) {
                throw new OAuthError(
                        OAuthError.INVALID_REQUEST, "post_logout_redirect_uri is not registered for this client");
            }
        }
        return new Target(client, uri, uri == null ? null : params.get("state"));
    }

    private void error(Exchange x, String detail) {
        var l = Language.fromAcceptLanguage(x.header("Accept-Language").orElse(null));
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "logout_error_title"));
        scope.put("message", text.get(l, "logout_error", "detail", detail));
        scope.put("error", true);
        scope.put("link", "/");
        scope.put("linkText", text.get(l, "authorize_error_link"));
        templates.page(x, 400, "message", scope);
    }
}
