package dev.latchkey.server.web.http;

import dev.latchkey.store.Database;

/**
 * {@code GET /healthz}: the process answers (liveness). {@code GET /readyz}: it can serve — it is not stopping, the
 * database answers and its schema is the one this build expects (readiness); 503 otherwise, naming which. A stopping
 * server answers 503 first ({@link #drain}), so that a load balancer takes it out of rotation before it stops taking
 * requests. Redis being away does not make a node unready: every node shares it, and taking them all out of
 * rotation at once would turn a degraded service into none.
 */
public final class Health {
    private final Database database;
    private volatile boolean draining;

    public Health(Database database) {
        this.database = database;
    }

    /** From now on {@code /readyz} answers 503: the server is about to stop. */
    public void drain() {
        draining = true;
    }

    /** Answers the request if it is one of the two paths; false otherwise. */
    public boolean answer(Exchange x) {
        var path = x.path();
        if (!path.equals("/healthz") && !path.equals("/readyz")) {
            return false;
        }
        if (!x.isRead()) {
            x.setHeader("Allow", "GET, HEAD");
            throw new HttpErrors.MethodNotAllowed(x.method());
        }
        x.noStore();
        x.route(path);
        if (path.equals("/healthz")) {
            x.json(200, JsonResponses.object("status", "ok"));
        } else if (draining) {
            x.json(503, JsonResponses.object("status", "draining", "detail", "this server is stopping"));
        } else if (!database.isReachable()) {
            x.json(503, JsonResponses.object("status", "unavailable", "detail", "the database does not answer"));
        } else if (!database.isCurrent()) {
            x.json(
                    503,
                    JsonResponses.object(
                            "status",
                            "unavailable",
                            "detail",
                            "the database schema is not the one this version expects"));
        } else {
            x.json(200, JsonResponses.object("status", "ready"));
        }
        return true;
    }
}
