package dev.latchkey.server.web.http;

import dev.latchkey.net.IpAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds what one client address (an IPv6 client: its /64) can hold of the server's connections: at most
 * {@code maxPerClient} open at once
 * (more are closed as they are accepted, before any TLS handshake is spent on them), and a connection with no request
 * in flight whose next request's headers have not fully arrived within {@code headerTimeout} — of its opening, or of
 * its last response — is closed (a slowloris client that sends one header byte every few seconds never reaches
 * Jetty's idle timeout). An idle keep-alive connection therefore lasts {@code headerTimeout}. Trusted proxies are
 * exempt from the per-address cap: every client behind them shares their address.
 *
 * <p>The same holds per connection on HTTP/2, where one connection carries many requests (streams) at once: the
 * deadline runs only while none is in flight, so a long request on one stream is never cut off because another
 * stream's response finished. Only one header block can be in progress on an HTTP/2 connection at a time (and it is
 * bounded by the header size), so a client trickling headers on one stream holds no more than on HTTP/1.1.
 *
 * <p>Deadlines are timestamps that one sweep reads a few times a second, not a timer per request: a request only
 * writes a field, and a busy server keeps no queue of timers that each response would add to.
 */
public final class ConnectionGuard implements Connection.Listener {
    private final int maxPerClient;
    private final Duration headerTimeout;
    private final Predicate<String> exempt;
    private final Supplier<Scheduler> scheduler;
    private final long sweepMillis;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<EndPoint, Client> tracked = new ConcurrentHashMap<>();
    /** Each open connection, by remote socket address (what a request knows of its connection). */
    private final ConcurrentHashMap<SocketAddress, Client> byRemote = new ConcurrentHashMap<>();

    /** An open connection: its client as counted, its requests in flight and since when it waits for one. */
    private static final class Client {
        final String address;
        final InetSocketAddress remote;
        final EndPoint endPoint;
        final AtomicInteger inFlight = new AtomicInteger();
        /** {@link System#nanoTime} when the wait for headers began; {@link #NOT_WAITING} while a request runs. */
        volatile long waitingSince;

        Client(String address, InetSocketAddress remote, EndPoint endPoint, long now) {
            this.address = address;
            this.remote = remote;
            this.endPoint = endPoint;
            this.waitingSince = now;
        }
    }

    private static final long NOT_WAITING = Long.MIN_VALUE;

    public ConnectionGuard(
            int maxPerClient, Duration headerTimeout, Predicate<String> exempt, Supplier<Scheduler> scheduler) {
        this.maxPerClient = maxPerClient;
        this.headerTimeout = headerTimeout;
        this.exempt = exempt;
        this.scheduler = scheduler;
        // A deadline is kept to within a tenth of itself (at least 1 s long, so at worst 100 ms late).
        this.sweepMillis = Math.max(50, Math.min(500, headerTimeout.toMillis() / 10));
    }

    @Override
    public void onOpened(Connection connection) {
        var endPoint = connection.getEndPoint();
        // Only the network connection counts: over TLS the HTTP connection inside it opens too, on the same socket.
        if (!(endPoint instanceof SocketChannelEndPoint)
                || !(endPoint.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
            return;
        }
        var client = new Client(IpAddress.network(remote.getAddress().getHostAddress()), remote, endPoint, now());
        // Remembered by end point: once closed, a socket no longer says whom it was connected to.
        tracked.put(endPoint, client);
        int count =
                open.computeIfAbsent(client.address, a -> new AtomicInteger()).incrementAndGet();
        if (count > maxPerClient && !exempt.test(remote.getAddress().getHostAddress())) {
            endPoint.close();
            return;
        }
        byRemote.put(remote, client);
        if (sweeping.compareAndSet(false, true)) {
            scheduleSweep();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        var endPoint = connection.getEndPoint();
        var client = tracked.remove(endPoint);
        if (client == null) {
            return;
        }
        byRemote.remove(client.remote, client);
        open.computeIfPresent(client.address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** A request's headers have arrived: its connection is not held to the header deadline while it runs. */
    public void requestArrived(Request request) {
        var client = byRemote.get(request.getConnectionMetaData().getRemoteSocketAddress());
        if (client != null) {
            client.inFlight.incrementAndGet();
            client.waitingSince = NOT_WAITING;
        }
    }

    /**
     * A response is done: once no other request of its connection is in flight, the connection, kept alive, must
     * send its next request's headers within the header timeout too — else one quick request would buy a connection
     * the right to trickle the next one for ever.
     */
    public void responded(Request request) {
        var client = byRemote.get(request.getConnectionMetaData().getRemoteSocketAddress());
        if (client != null && client.inFlight.decrementAndGet() <= 0) {
            client.waitingSince = now();
        }
    }

    private void scheduleSweep() {
        try {
            scheduler.get().schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopped) {
            // The server is stopping: its connections go with it.
            sweeping.set(false);
        }
    }

    /** Closes every connection that has waited for headers past the deadline with nothing in flight. */
    private void sweep() {
        long now = now();
        long limit = headerTimeout.toNanos();
        for (var client : byRemote.values()) {
            long since = client.waitingSince;
            if (since != NOT_WAITING && now - since >= limit && client.inFlight.get() <= 0) {
                client.endPoint.close();
            }
        }
        scheduleSweep();
    }

    private static long now() {
        long now = System.nanoTime();
        return now == NOT_WAITING ? now + 1 : now;
    }

    /** Open connections from this address (for tests and metrics). */
    int openFrom(String address) {
        var count = open.get(address);
        return count == null ? 0 : count.get();
    }
}
