package dev.latchkey.server.web.provider;

import dev.latchkey.error.NotFound;
import dev.latchkey.provider.Consent;
import dev.latchkey.provider.OpenIdProvider;
import dev.latchkey.provider.Scopes;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.server.web.pages.PageText;
import dev.latchkey.server.web.pages.Templates;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The apps a user allowed (consents), on the account page ({@code /account/apps}) and as JSON
 * ({@code /api/account/apps}): withdrawing one ends that app's tokens for the user at once.
 */
public final class AppsPages {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final OpenIdProvider provider;
    private final Csrf csrf;
    private final Templates templates;
    private final PageText text;

    public AppsPages(OpenIdProvider provider, Csrf csrf, Templates templates, PageText text) {
        this.provider = provider;
        this.csrf = csrf;
        this.templates = templates;
        this.text = text;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/account/apps",
                Policy.signedInPage(),
                Doc.of("The apps you allowed to sign you in").answers(200, "The page", "text/html"),
                (x, p) -> page(x));
        router.add(
                "POST",
                "/account/apps",
                Policy.signedInPage(),
                Doc.of("Withdraw an app's access")
                        .form(Schemas.object("csrf_token*", Schemas.string(), "withdraw*", Schemas.string()))
                        .answers(303, "Withdrawn: back to the page"),
                (x, p) -> withdrawFromPage(x));
        var app = Schemas.object(
                "client_id*", Schemas.string(),
                "name*", Schemas.string(),
                "scope*", Schemas.string(),
                "granted*", Schemas.dateTime());
        router.add(
                "GET",
                "/api/account/apps",
                Policy.signedIn(),
                Doc.of("The apps the caller allowed")
                        .answers(200, "The apps", Schemas.object("apps*", Schemas.array(app))),
                (x, p) -> x.json(200, Map.of("apps", views(x))));
        router.add(
                "DELETE",
                "/api/account/apps/{}",
                Policy.signedIn(),
                Doc.of("Withdraw an app's access: its tokens for the caller end at once")
                        .param("client_id", "The app's client id")
                        .answers(200, "Withdrawn", Schemas.object("withdrawn*", Schemas.bool()))
                        .errors(404),
                this::withdraw);
    }

    private List<Map<String, Object>> views(Exchange x) {
        var user = x.caller().requireUser();
        var apps = new ArrayList<Map<String, Object>>();
        for (Consent consent : provider.consents(user.id())) {
            var client = provider.clients().find(consent.clientId());
            if (client.isEmpty()) {
                continue;
            }
            var view = new HashMap<String, Object>();
            view.put("client_id", consent.clientId());
            view.put("name", client.get().name());
            view.put("scope", consent.scopes().toString());
            view.put("granted", consent.granted().toString());
            apps.add(view);
        }
        return apps;
    }

    private void page(Exchange x) {
        var l = AuthorizePages.language(x, (String) null);
        var apps = new ArrayList<Map<String, Object>>();
        for (var consent : provider.consents(x.caller().requireUser().id())) {
            provider.clients().find(consent.clientId()).ifPresent(client -> {
                var words = new ArrayList<String>();
                for (var name : Scopes.SUPPORTED) {
                    if (consent.scopes().has(name)) {
                        words.add(text.get(l, "scope_" + name));
                    }
                }
                apps.add(Map.of(
                        "clientId", client.id(),
                        "name", client.name(),
                        "allowed",
                                text.get(
                                        l,
                                        "apps_allowed",
                                        "date",
                                        DAY.format(consent.granted()),
                                        "scopes",
                                        String.join("; ", words))));
            });
        }
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("title", text.get(l, "apps_title"));
        scope.put("t", text.all(l));
        scope.put("csrf", csrf.token(x));
        scope.put("apps", apps);
        scope.put("user", Map.of("username", x.caller().requireUser().username()));
        templates.page(x, 200, "apps", scope);
    }

    private void withdrawFromPage(Exchange x) {
        var clientId = x.form().get("withdraw");
        if (clientId != null) {
            provider.withdrawConsent(
                    x.caller().requireUser().id(), clientId, x.client().context());
        }
        x.redirect("/account/apps");
    }

    private void withdraw(Exchange x, String clientId) {
        if (!provider.withdrawConsent(
                x.caller().requireUser().id(), clientId, x.client().context())) {
            throw new NotFound("not_found", "you have not allowed that app");
        }
        x.json(200, JsonResponses.object("withdrawn", true));
    }
}
