package dev.latchkey.server.web;

import dev.latchkey.error.LatchkeyException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface, on Jetty's core handler API (no servlet layer). Every answer carries the headers every answer
 * needs; a {@link LatchkeyException} becomes its JSON error here, and anything unexpected becomes a JSON 500 that
 * names nothing internal (the cause is logged).
 */
public final class Routes extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private final JsonResponses json;
    private final boolean https;

    public Routes(JsonResponses json, boolean https) {
        this.json = json;
        this.https = https;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "same-origin");
        if (https) {
            headers.put(HttpHeader.STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
        }
        var path = Request.getPathInContext(request);
        var method = request.getMethod();
        try {
            if (path.equals("/healthz")) {
                if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                    headers.put(HttpHeader.ALLOW, "GET, HEAD");
                    json.error(response, callback, 405, "method_not_allowed", method + " is not allowed on " + path);
                    return true;
                }
                headers.put(HttpHeader.CACHE_CONTROL, "no-store");
                json.send(response, callback, 200, JsonResponses.object("status", "ok"));
                return true;
            }
            json.error(response, callback, 404, "not_found", "no such resource");
        } catch (LatchkeyException e) {
            json.error(response, callback, e.status(), e.code(), e.detail());
        } catch (RuntimeException e) {
            log.error("unexpected failure on {} {}", method, path, e);
            json.error(response, callback, 500, "internal_error", "the server failed; the failure was logged");
        }
        return true;
    }
}
