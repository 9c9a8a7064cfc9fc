package dev.latchkey.provider;

import dev.latchkey.time.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the back-channel logout notices of the outbox (OpenID Connect Back-Channel Logout 1.0): a logout token,
 * signed when sent, POSTed to the client's registered URI; a client that does not answer 2xx is asked again after
 * a doubling wait ({@link #FIRST_RETRY}, up to {@link #ATTEMPTS} attempts), then given up on and logged. Runs in the
 * background on every node; two nodes may both send one notice, which a client takes as one logout.
 */
public final class BackchannelLogout {
    public static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    public static final int ATTEMPTS = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int BATCH = 50;
    private static final Logger log = LoggerFactory.getLogger(BackchannelLogout.class);

    private final LogoutStore store;
    private final Clients clients;
    private final ProviderTokens tokens;
    private final HttpClient http;
    private final Clock clock;
    private final MeterRegistry meters;
    private Scheduler.Cancellable running;

    public BackchannelLogout(
            LogoutStore store,
            Clients clients,
            ProviderTokens tokens,
            HttpClient http,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.clients = clients;
        this.tokens = tokens;
        this.http = http;
        this.clock = clock;
        this.meters = meters;
    }

    /** A client for sending: no redirects followed (a logout URI is exactly the registered one), short timeouts. */
    public static HttpClient defaultHttp() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT)
                .build();
    }

    public synchronized void start(Scheduler scheduler, Duration interval) {
        if (running == null) {
            running = scheduler.every("oidc-backchannel-logout", interval, this::sendDue);
        }
    }

    public synchronized void stop() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    /** Sends what is due now; answers how many clients took their notice. */
    public int sendDue() {
        int sent = 0;
        for (var notice : store.due(clock.instant(), BATCH)) {
            var client = clients.find(notice.clientId());
            if (client.isEmpty() || client.get().backchannelLogoutUri() == null) {
                store.delete(notice.id());
                continue;
            }
            if (send(client.get(), notice)) {
                store.delete(notice.id());
                meters.counter("latchkey.oidc.backchannel_logout", "outcome", "sent")
                        .increment();
                sent++;
            } else if (notice.attempts() + 1 >= ATTEMPTS) {
                store.delete(notice.id());
                meters.counter("latchkey.oidc.backchannel_logout", "outcome", "given_up")
                        .increment();
                log.warn(
                        "client {} did not take a back-channel logout after {} attempts; given up",
                        notice.clientId(),
                        ATTEMPTS);
            } else {
                meters.counter("latchkey.oidc.backchannel_logout", "outcome", "retry")
                        .increment();
                var wait = FIRST_RETRY.multipliedBy(1L << notice.attempts());
                store.retryAt(
                        notice.id(), notice.attempts() + 1, clock.instant().plus(wait));
            }
        }
        return sent;
    }

    private boolean send(Client client, LogoutStore.Notice notice) {
        var token = tokens.logoutToken(client.id(), notice.subject(), notice.sid());
        var body = "logout_token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII);
        var request = HttpRequest.newBuilder(URI.create(client.backchannelLogoutUri()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            var status =
                    http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300;
        } catch (java.io.IOException e) {
            log.debug("back-channel logout to client {} failed: {}", client.id(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
