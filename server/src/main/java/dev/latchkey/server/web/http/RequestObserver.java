package dev.latchkey.server.web.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request leaves behind: one log line (method, path without its query, status, time, user id; never a
 * header, cookie, token or body) on the {@code dev.latchkey.requests} logger, and a sample in the
 * {@code latchkey.http.requests} latency histogram, tagged by route (as registered, so ids in paths do not multiply
 * the series), method and status.
 */
public final class RequestObserver {
    private static final Logger log = LoggerFactory.getLogger("dev.latchkey.requests");
    /** A client may send any method name; only these become tags, so that the series stay few. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private final MeterRegistry meters;
    private final boolean logRequests;
    /** One timer per route, method and status, looked up without building a meter id on every request. */
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public RequestObserver(MeterRegistry meters, boolean logRequests) {
        this.meters = meters;
        this.logRequests = logRequests;
    }

    public void finished(Exchange x, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        int status = x.status();
        var method = METHODS.contains(x.method()) ? x.method() : "OTHER";
        timers.computeIfAbsent(
                        x.route() + ' ' + method + ' ' + status,
                        key -> Timer.builder("latchkey.http.requests")
                                .tag("route", x.route())
                                .tag("method", method)
                                .tag("status", Integer.toString(status))
                                .publishPercentileHistogram()
                                .maximumExpectedValue(Duration.ofSeconds(10))
                                .register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (logRequests && log.isInfoEnabled()) {
            var caller = x.caller();
            var user = caller != null && caller.isAuthenticated()
                    ? Long.toString(caller.user().id())
                    : "-";
            long tenths = nanos / 100_000;
            var millis = tenths / 10 + "." + tenths % 10;
            log.atInfo()
                    .addKeyValue("method", x.method())
                    .addKeyValue("path", x.pathForLog())
                    .addKeyValue("status", status)
                    .addKeyValue("ms", millis)
                    .addKeyValue("user", user)
                    .addKeyValue("ip", x.client().ip())
                    .log(
                            "{} {} {} {} ms user={} ip={}",
                            x.method(),
                            x.pathForLog(),
                            status,
                            millis,
                            user,
                            x.client().ip());
        }
    }
}
