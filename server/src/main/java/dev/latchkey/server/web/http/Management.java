package dev.latchkey.server.web.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.LatchkeyException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management listener ({@code server.management_port}, on loopback unless {@code server.management_bind} says
 * otherwise): {@code GET /metrics} in Prometheus's text format, {@code /healthz} and {@code /readyz}. Metrics are
 * never served on the public listener. Refusals are named errors with their own status (a wrong method is 405, as on
 * the public listener); only a failure nobody meant is a 500, and it is logged.
 */
public final class Management extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Management.class);
    private static final TrustedProxies DIRECT = TrustedProxies.of(java.util.List.of());
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private final ObjectMapper json;

    public Management(PrometheusMeterRegistry registry, Health health, ObjectMapper json) {
        this.registry = registry;
        this.health = health;
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        var exchange = new Exchange(request, response, callback, DIRECT.resolve(request), json, new byte[0]);
        exchange.noStore();
        try {
            if (health.answer(exchange)) {
                return true;
            }
            if (exchange.path().equals("/metrics") && exchange.isRead()) {
                exchange.send(
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
                return true;
            }
            throw new HttpErrors.NotFoundHere("the management listener serves /metrics, /healthz and /readyz");
        } catch (LatchkeyException e) {
            exchange.error(e);
        } catch (RuntimeException e) {
            log.error("unexpected failure on the management listener: {} {}", exchange.method(), exchange.path(), e);
            exchange.error(new HttpErrors.ServerError("the server failed"));
        }
        return true;
    }
}
