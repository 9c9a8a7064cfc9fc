package dev.latchkey.server.web.api;

import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.OpenApi;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 document of every route the router holds, itself included, made once
 * at the first request (when every route has been registered) and public: it depends on no credential.
 */
public final class OpenApiEndpoint {
    public static final String VERSION = "0.1.0";

    private final Router router;
    private volatile Map<String, Object> document;

    public OpenApiEndpoint(Router router) {
        this.router = router;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/api/openapi.json",
                Policy.anyone().publicFor(Duration.ofMinutes(5)),
                Doc.of("This document: OpenAPI 3.1, generated from the routes as registered")
                        .answers(200, "The document", "application/json"),
                (x, p) -> serve(x));
    }

    /** The document; the same map for every request once made. */
    public Map<String, Object> document() {
        var made = document;
        if (made == null) {
            made = OpenApi.document(router.routes(), VERSION);
            document = made;
        }
        return made;
    }

    private void serve(Exchange x) {
        x.json(200, document());
    }
}
