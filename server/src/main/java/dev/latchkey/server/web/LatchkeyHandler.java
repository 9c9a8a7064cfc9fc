package dev.latchkey.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.error.Throttled;
import dev.latchkey.server.web.caller.Csrf;
import dev.latchkey.server.web.caller.CurrentUser;
import dev.latchkey.server.web.caller.InvalidToken;
import dev.latchkey.server.web.http.BodyReader;
import dev.latchkey.server.web.http.Caller;
import dev.latchkey.server.web.http.Cors;
import dev.latchkey.server.web.http.ErrorBody;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.Health;
import dev.latchkey.server.web.http.HttpErrors;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.RequestObserver;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.TrustedProxies;
import dev.latchkey.server.web.pages.StaticAssets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface on Jetty's core handler API (no servlet layer). For every request, in one place: the body read
 * without holding a thread ({@link BodyReader}), the headers every answer needs, the client after trusted-proxy
 * resolution, the caller resolved once by the proofs the route accepts ({@link CurrentUser}), the route's
 * {@link Policy} (CSRF, origin, access, caching), and every {@link LatchkeyException} answered as the one JSON error
 * ({@link ErrorBody}; 401s with {@code WWW-Authenticate}). Anything unexpected becomes a JSON 500 that names nothing
 * internal; the cause is logged. The health answers and the stylesheet are served before any route is matched.
 */
public final class LatchkeyHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(LatchkeyHandler.class);
    /** The schemes a client may authenticate with, named in every 401 (DRF: the first scheme's challenge). */
    public static final String CHALLENGE = "Token realm=\"latchkey\", Bearer realm=\"latchkey\"";

    private static final byte[] NO_BODY = new byte[0];

    private final Router router;
    private final CurrentUser currentUser;
    private final Csrf csrf;
    private final TrustedProxies proxies;
    private final ObjectMapper json;
    private final StaticAssets assets;
    private final Health health;
    private final RequestObserver observer;
    private final Duration bodyTimeout;
    private final BodyReader.Budget bodies;
    private final Cors cors;

    public LatchkeyHandler(
            Router router,
            CurrentUser currentUser,
            Csrf csrf,
            TrustedProxies proxies,
            ObjectMapper json,
            StaticAssets assets,
            Health health,
            RequestObserver observer,
            Duration bodyTimeout,
            BodyReader.Budget bodies,
            Cors cors) {
        this.cors = cors;
        this.bodies = bodies;
        this.bodyTimeout = bodyTimeout;
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
        if (!BodyReader.expected(request)) {
            process(request, response, callback, start, new BodyReader.Complete(NO_BODY));
            return true;
        }
        // The body is read without holding a thread; the request is handled on a pool thread once it is all here.
        BodyReader.read(request, bodyTimeout, bodies, outcome -> process(request, response, callback, start, outcome));
        return true;
    }

    /** Every route this handler answers, with its policy (for the route tests and, later, the API document). */
    public List<Router.Route> routes() {
        return router.routes();
    }

    private void process(Request request, Response response, Callback callback, long start, BodyReader.Outcome body) {
        var client = proxies.resolve(request);
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "same-origin");
        if (client.https()) {
            headers.put(HttpHeader.STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
        }
        var bytes = body instanceof BodyReader.Complete complete ? complete.bytes() : NO_BODY;
        var exchange = new Exchange(request, response, callback, client, json, bytes);
        try {
            if (body instanceof BodyReader.TooLarge) {
                throw new HttpErrors.BodyTooLarge();
            }
            if (body instanceof BodyReader.TimedOut) {
                exchange.setHeader("Connection", "close");
                throw new HttpErrors.RequestTimeout();
            }
            if (body instanceof BodyReader.OverBudget) {
                exchange.setHeader("Connection", "close");
                throw new dev.latchkey.error.Busy("the server holds too many request bodies right now; try again");
            }
            if (body instanceof BodyReader.Failed) {
                throw new InvalidInput("the body could not be read");
            }
            dispatch(exchange);
        } catch (InvalidToken e) {
            exchange.setHeader("WWW-Authenticate", e.challenge());
            fail(exchange, e);
        } catch (Throttled e) {
            exchange.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            fail(exchange, e);
        } catch (StoreFailure e) {
            // The database did not answer: worth a line for the operator (the client only learns "try later").
            log.warn("{} {}: {}", exchange.method(), exchange.route(), e.detail(), e.getCause());
            fail(exchange, e);
        } catch (LatchkeyException e) {
            fail(exchange, e);
        } catch (Exception e) {
            log.error("unexpected failure on {} {}", exchange.method(), exchange.pathForLog(), e);
            fail(exchange, new HttpErrors.ServerError("the server failed; the failure was logged"));
        }
        observer.finished(exchange, start);
    }

    private void dispatch(Exchange exchange) throws Exception {
        var path = exchange.path();
        if (health.answer(exchange)) {
            return;
        }
        if (assets.serves(path) && exchange.isRead()) {
            assets.serve(exchange, path);
            return;
        }
        var match = router.match(exchange.method(), path);
        if (match.endpoint() == null) {
            if (Cors.isPreflight(exchange) && preflight(exchange, path)) {
                return;
            }
            if (!match.allowed().isEmpty()) {
                exchange.setHeader("Allow", String.join(", ", match.allowed()));
                throw new HttpErrors.MethodNotAllowed(exchange.method());
            }
            throw new HttpErrors.NotFoundHere();
        }
        exchange.route(match.route());
        var policy = match.policy();
        exchange.setHeader("Cache-Control", policy.cacheControl());
        if (!policy.page()) {
            cors.answer(exchange, policy);
        }
        var caller = currentUser.resolve(exchange, policy);
        exchange.caller(caller);
        if (!enforce(exchange, policy)) {
            return;
        }
        match.endpoint().handle(exchange, match.param());
    }

    /**
     * A CORS preflight for a path with JSON routes, answered (or refused) for the methods those routes take. False
     * when the path has none: pages never take part in CORS.
     */
    private boolean preflight(Exchange exchange, String path) {
        var api = router.at(path).stream().filter(r -> !r.policy().page()).toList();
        if (api.isEmpty()) {
            return false;
        }
        exchange.route(api.get(0).template());
        var methods = new java.util.ArrayList<String>();
        for (var route : api) {
            methods.add(route.method());
            if (route.method().equals("GET")) {
                methods.add("HEAD");
            }
        }
        cors.preflight(exchange, methods, api.stream().allMatch(r -> r.policy().readsNoAmbientCredential()));
        return true;
    }

    /**
     * The route's policy, in one place for every route: CSRF and origin for unsafe methods, then who may call. False
     * when the request has been answered here (a page that sends the browser to sign in).
     */
    private boolean enforce(Exchange exchange, Policy policy) {
        var caller = exchange.caller();
        if (exchange.isUnsafeMethod()
                && !(policy.postIsRead() && exchange.method().equals("POST"))) {
            if (policy.page()) {
                // A form, signed in or not: an anonymous form is a sign-in, which must not be forged either.
                csrf.check(exchange, exchange.form().get(Csrf.FORM_FIELD));
            } else if (caller.via() == Caller.Via.SESSION) {
                // CORS lets a listed frontend read answers; it still needs the CSRF token to change anything.
                csrf.check(exchange, exchange.header(Csrf.HEADER).orElse(null), cors);
            } else if (policy.proofs().contains(Policy.Proof.BODY)) {
                csrf.checkOrigin(exchange, cors);
            }
        }
        if (policy.access() == Policy.Access.ANYONE
                || (caller.isAuthenticated()
                        && (policy.access() != Policy.Access.STAFF
                                || caller.user().staff()))) {
            return true;
        }
        if (caller.isAuthenticated()) {
            throw new HttpErrors.PermissionDenied("this is for staff only");
        }
        if (policy.page()) {
            exchange.redirect("/login?next="
                    + URLEncoder.encode(exchange.path(), StandardCharsets.UTF_8).replace("%2F", "/"));
            return false;
        }
        throw new HttpErrors.NotAuthenticated();
    }

    private static void fail(Exchange exchange, LatchkeyException error) {
        if (exchange.isCommitted()) {
            return;
        }
        if (error.status() == 401 && !exchange.hasHeader("WWW-Authenticate")) {
            exchange.setHeader("WWW-Authenticate", CHALLENGE);
        }
        exchange.error(error);
    }
}
