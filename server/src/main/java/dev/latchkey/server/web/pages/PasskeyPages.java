package dev.latchkey.server.web.pages;

import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.StepUp;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.webauthn.Passkeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /account/passkeys}: the signed-in user's passkeys, with buttons to add, rename and remove them. The page
 * lists; the buttons call the JSON API ({@code /api/webauthn/…}) from {@code passkeys.js} with the page's CSRF token,
 * since a WebAuthn ceremony needs script in any case.
 */
public final class PasskeyPages {
    private final Passkeys passkeys;
    private final Csrf csrf;
    private final Templates templates;
    private final Clock clock;
    private final PageText text = new PageText();

    public PasskeyPages(Passkeys passkeys, Csrf csrf, Templates templates, Clock clock) {
        this.clock = clock;
        this.passkeys = passkeys;
        this.csrf = csrf;
        this.templates = templates;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/account/passkeys",
                Policy.signedInPage(),
                Doc.of("The caller's passkeys: add, rename, remove")
                        .answers(200, "The page", "text/html")
                        .answers(303, "To /reauth first, when the sign-in is not recent"),
                (x, p) -> page(x));
    }

    private void page(Exchange x) {
        // Adding and removing passkeys are factor changes, which the API takes only after a recent sign-in.
        if (!StepUp.recent(x.caller().session(), clock.instant())) {
            x.redirect("/reauth?next=" + URLEncoder.encode("/account/passkeys", StandardCharsets.UTF_8));
            return;
        }
        var user = x.caller().requireUser();
        var l = AccountPages.language(x);
        var list = passkeys.forUser(user.id()).stream()
                .map(p -> {
                    var row = new HashMap<String, Object>();
                    row.put("id", p.id());
                    row.put("name", p.name());
                    row.put("synced", p.backupEligible());
                    row.put("created", p.created().toString());
                    if (p.lastUsed() != null) {
                        row.put("lastUsed", p.lastUsed().toString());
                    }
                    return (Map<String, Object>) row;
                })
                .toList();
        var scope = new HashMap<String, Object>();
        scope.put("lang", l.tag());
        scope.put("t", text.all(l));
        scope.put("title", text.get(l, "passkeys_title"));
        scope.put("user", Map.of("username", user.username()));
        scope.put("csrf", csrf.token(x));
        scope.put("list", list);
        templates.page(x, 200, "passkeys", scope);
    }
}
