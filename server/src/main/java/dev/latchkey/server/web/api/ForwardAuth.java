package dev.latchkey.server.web.api;

import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.HttpErrors;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.SafeRedirect;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.user.Groups;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /auth/verify} for reverse proxies (nginx {@code auth_request}, Traefik ForwardAuth, Caddy
 * {@code forward_auth}): 200 with {@code X-Auth-User-Id}, {@code X-Auth-User} and {@code X-Auth-Email} (percent-
 * encoded UTF-8, {@link #headerValue}), {@code X-Auth-Groups} (each name so encoded, joined by commas) and
 * {@code X-Auth-Staff} for a signed-in session, an API token or a JWT; 401
 * otherwise. When the proxy names the original URI in {@code X-Forwarded-Uri} (Traefik, Caddy) and the browser
 * accepts HTML, the answer is instead a 302 to the sign-in page, which returns there afterwards. nginx's
 * {@code auth_request} cannot pass a 302 on: it sends {@code X-Original-URI} and turns the 401 into the redirect
 * itself ({@code error_page 401}).
 */
public final class ForwardAuth {
    private final Groups groups;

    public ForwardAuth(Groups groups) {
        this.groups = groups;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/auth/verify",
                Policy.anyone(),
                Doc.of("Forward-auth for reverse proxies")
                        .description("200 with X-Auth-User-Id, X-Auth-User, X-Auth-Email, X-Auth-Groups and"
                                + " X-Auth-Staff (percent-encoded UTF-8) for a signed-in caller; a 302 to the sign-in"
                                + " page for a browser when the proxy sends X-Forwarded-Uri; else 401.")
                        .answers(200, "Signed in; the X-Auth-* headers name the user", Schemas.ref("User"))
                        .answers(302, "To the sign-in page")
                        .errors(401),
                (x, p) -> verify(x));
    }

    /**
     * A name as an ASCII header value: UTF-8, percent-encoded except for letters, digits and {@code -._~@+}, so
     * {@code admin가} is {@code admin%EA%B0%80} — HTTP header values are not reliably UTF-8 (Jetty writes ISO-8859-1
     * and drops the rest), and two different names must never arrive as the same bytes. Decode with any URL
     * decoder; {@code X-Auth-User-Id} needs none and is the one to key on.
     */
    static String headerValue(String text) {
        var out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~@+".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /**
     * The user's groups as one header value: each name encoded as {@link #headerValue} does (so a comma or space in a
     * name is {@code %2C} or {@code %20}), joined by commas. Split on commas, then decode each part.
     */
    static String groupsHeader(java.util.List<String> names) {
        var out = new StringBuilder();
        for (var name : names) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(headerValue(name));
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private void verify(Exchange x) {
        var caller = x.caller();
        if (caller.isAuthenticated()) {
            var user = caller.user();
            x.setHeader("X-Auth-User-Id", Long.toString(user.id()));
            x.setHeader("X-Auth-User", headerValue(user.username()));
            x.setHeader("X-Auth-Email", headerValue(user.email()));
            // An address is only the user's once confirmed: an app that trusts it for anything must check this.
            x.setHeader("X-Auth-Email-Verified", Boolean.toString(user.emailVerified()));
            x.setHeader("X-Auth-Staff", Boolean.toString(user.staff()));
            var names = groups.of(user.id());
            x.setHeader("X-Auth-Groups", groupsHeader(names));
            // RFC 8176 methods of the browser session's sign-in ("pwd,otp,mfa"); empty for a token or JWT caller.
            x.setHeader(
                    "X-Auth-Amr",
                    caller.via() == dev.latchkey.server.web.http.Caller.Via.SESSION
                            ? String.join(",", dev.latchkey.server.web.caller.StepUp.amr(caller.session()))
                            : "");
            x.json(200, Views.user(user, names));
            return;
        }
        var original = x.header("X-Forwarded-Uri");
        var acceptsHtml = x.header("Accept").map(a -> a.contains("text/html")).orElse(false);
        if (original.isPresent() && acceptsHtml) {
            var next = SafeRedirect.of(original.get(), "/");
            x.redirect(302, "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            return;
        }
        throw new HttpErrors.NotAuthenticated();
    }
}
