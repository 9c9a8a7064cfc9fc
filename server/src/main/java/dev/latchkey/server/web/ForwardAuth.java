package dev.latchkey.server.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /auth/verify} for reverse proxies (nginx {@code auth_request}, Traefik ForwardAuth, Caddy
 * {@code forward_auth}): 200 with {@code X-Auth-User}, {@code X-Auth-User-Id}, {@code X-Auth-Email} and
 * {@code X-Auth-Staff} for a signed-in session, an API token or a JWT; 401 otherwise. When the proxy names the
 * original URI in {@code X-Forwarded-Uri} (Traefik, Caddy) and the browser accepts HTML, the answer is instead a 302
 * to the sign-in page, which returns there afterwards. nginx's {@code auth_request} cannot pass a 302 on: it sends
 * {@code X-Original-URI} and turns the 401 into the redirect itself ({@code error_page 401}).
 */
public final class ForwardAuth {

    public void register(Router router) {
        router.add("GET", "/auth/verify", (x, p) -> verify(x));
    }

    private void verify(Exchange x) {
        x.noStore();
        var caller = x.caller();
        if (caller.isAuthenticated()) {
            var user = caller.user();
            x.setHeader("X-Auth-User", user.username());
            x.setHeader("X-Auth-User-Id", Long.toString(user.id()));
            x.setHeader("X-Auth-Email", user.email());
            x.setHeader("X-Auth-Staff", Boolean.toString(user.staff()));
            x.json(200, Views.user(user));
            return;
        }
        var original = x.header("X-Forwarded-Uri");
        var acceptsHtml = x.header("Accept").map(a -> a.contains("text/html")).orElse(false);
        if (original.isPresent() && acceptsHtml) {
            var next = SafeRedirect.of(original.get(), "/");
            x.redirect(302, "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            return;
        }
        Requests.requireUser(x);
    }
}
