package dev.latchkey.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.Throttled;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface on Jetty's core handler API (no servlet layer). For every request, in one place: the headers
 * every answer needs, the client after trusted-proxy resolution, the caller resolved once, CSRF for cookie-
 * authenticated unsafe API calls, and the translation of {@link LatchkeyException} into a JSON error (401s with
 * {@code WWW-Authenticate}). Anything unexpected becomes a JSON 500 that names nothing internal; the cause is logged.
 */
public final class LatchkeyHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(LatchkeyHandler.class);
    /** The schemes a client may authenticate with, named in every 401 (DRF: the first scheme's challenge). */
    public static final String CHALLENGE = "Token realm=\"latchkey\", Bearer realm=\"latchkey\"";

    private final Router router;
    private final CurrentUser currentUser;
    private final Csrf csrf;
    private final TrustedProxies proxies;
    private final ObjectMapper json;
    private final StaticAssets assets;
    private final Health health;
    private final RequestObserver observer;

    public LatchkeyHandler(Router router, CurrentUser currentUser, Csrf csrf, TrustedProxies proxies,
                           ObjectMapper json, StaticAssets assets, Health health, RequestObserver observer) {
        this.health = health;
        this.observer = observer;
        this.router = router;
        this.currentUser = currentUser;
        this.csrf = csrf;
        this.proxies = proxies;
        this.json = json;
        this.assets = assets;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        var client = proxies.resolve(request);
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "same-origin");
        if (client.https()) {
            headers.put(HttpHeader.STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
        }
        var exchange = new Exchange(request, response, callback, client, json);
        try {
            dispatch(exchange);
        } catch (InvalidToken e) {
            exchange.setHeader("WWW-Authenticate", e.challenge());
            fail(exchange, e.status(), e.code(), e.detail());
        } catch (Throttled e) {
            exchange.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            fail(exchange, e.status(), e.code(), e.detail());
        } catch (LatchkeyException e) {
            fail(exchange, e.status(), e.code(), e.detail());
        } catch (Exception e) {
            log.error("unexpected failure on {} {}", exchange.method(), exchange.path(), e);
            fail(exchange, 500, "internal_error", "the server failed; the failure was logged");
        }
        observer.finished(exchange, start);
        return true;
    }

    private void dispatch(Exchange exchange) throws Exception {
        var path = exchange.path();
        if (health.answer(exchange)) {
            return;
        }
        if (path.equals(assets.cssPath()) && exchange.isRead()) {
            assets.serveCss(exchange);
            return;
        }
        var match = router.match(exchange.method(), path);
        if (match.endpoint() == null) {
            if (!match.allowed().isEmpty()) {
                exchange.setHeader("Allow", String.join(", ", match.allowed()));
                throw new LatchkeyException("method_not_allowed", 405,
                        exchange.method() + " is not allowed here");
            }
            throw new LatchkeyException("not_found", 404, "no such resource");
        }
        exchange.route(match.route());
        var caller = currentUser.resolve(exchange);
        exchange.caller(caller);
        // Signing in is exempt: it checks the origin and takes only JSON, which no cross-site form can send. So are
        // the JWT calls, whose credential is in the body (POST /api/jwt checks CSRF itself when it uses the session).
        var exempt = exchange.method().equals("POST") && (path.equals("/api/session")
                || JwtApi.BODY_CREDENTIAL_PATHS.contains(path) || path.startsWith("/api/social/"));
        if (path.startsWith("/api/") && exchange.isUnsafeMethod() && caller.method() == Caller.Method.SESSION
                && !exempt) {
            csrf.check(exchange, exchange.header(Csrf.HEADER).orElse(null));
        }
        match.endpoint().handle(exchange, match.param());
    }

    private static void fail(Exchange exchange, int status, String code, String detail) {
        if (exchange.isCommitted()) {
            return;
        }
        if (status == 401 && !exchange.hasHeader("WWW-Authenticate")) {
            exchange.setHeader("WWW-Authenticate", CHALLENGE);
        }
        exchange.noStore();
        exchange.error(status, code, detail);
    }
}
