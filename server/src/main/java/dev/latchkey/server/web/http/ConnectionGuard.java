package dev.latchkey.server.web.http;

import dev.latchkey.net.IpAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * (more are closed as they are accepted, before any TLS handshake is spent on them), and a connection whose next
 * request's headers have not fully arrived within {@code headerTimeout} — of its opening, or of its previous
 * response — is closed (a slowloris client that sends one header byte every few seconds never reaches Jetty's idle
 * timeout). An idle keep-alive connection therefore lasts {@code headerTimeout}. Trusted proxies are exempt from the per-address cap: every
 * client behind them shares their address.
 */
public final class ConnectionGuard implements Connection.Listener {
    private final int maxPerClient;
    private final Duration headerTimeout;
    private final Predicate<String> exempt;
    private final Supplier<Scheduler> scheduler;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    /** Connections waiting for a request's headers, by remote socket address (address and port). */
    private final ConcurrentHashMap<SocketAddress, Deadline> waiting = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<EndPoint, Client> tracked = new ConcurrentHashMap<>();
    /** The network end point of each open connection, by remote socket address. */
    private final ConcurrentHashMap<SocketAddress, EndPoint> byRemote = new ConcurrentHashMap<>();

    /** One wait for headers; compared by identity, so an old timer never closes a connection waiting anew. */
    private static final class Deadline {}

    /** An open connection's client: the address as counted, and its socket address. */
    private record Client(String address, InetSocketAddress remote) {}

    public ConnectionGuard(
            int maxPerClient, Duration headerTimeout, Predicate<String> exempt, Supplier<Scheduler> scheduler) {
        this.maxPerClient = maxPerClient;
        this.headerTimeout = headerTimeout;
        this.exempt = exempt;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        var endPoint = connection.getEndPoint();
        // Only the network connection counts: over TLS the HTTP connection inside it opens too, on the same socket.
        if (!(endPoint instanceof SocketChannelEndPoint)
                || !(endPoint.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
            return;
        }
        var client = new Client(IpAddress.network(remote.getAddress().getHostAddress()), remote);
        // Remembered by end point: once closed, a socket no longer says whom it was connected to.
        tracked.put(endPoint, client);
        int count =
                open.computeIfAbsent(client.address(), a -> new AtomicInteger()).incrementAndGet();
        if (count > maxPerClient && !exempt.test(remote.getAddress().getHostAddress())) {
            endPoint.close();
            return;
        }
        byRemote.put(remote, endPoint);
        awaitHeaders(remote, endPoint);
    }

    /** Closes the connection unless a request's headers arrive within the header timeout. */
    private void awaitHeaders(SocketAddress remote, EndPoint endPoint) {
        var deadline = new Deadline();
        waiting.put(remote, deadline);
        scheduler
                .get()
                .schedule(
                        () -> {
                            if (waiting.remove(remote, deadline)) {
                                endPoint.close();
                            }
                        },
                        headerTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        var endPoint = connection.getEndPoint();
        var client = tracked.remove(endPoint);
        if (client == null) {
            return;
        }
        waiting.remove(client.remote());
        byRemote.remove(client.remote(), endPoint);
        open.computeIfPresent(client.address(), (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** A request's headers have arrived: its connection is no longer held to the header deadline. */
    public void requestArrived(Request request) {
        waiting.remove(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    /**
     * A response is done: the connection, kept alive, must send its next request's headers within the header
     * timeout too — else one quick request would buy a connection the right to trickle the next one for ever.
     */
    public void responded(Request request) {
        var remote = request.getConnectionMetaData().getRemoteSocketAddress();
        var endPoint = remote == null ? null : byRemote.get(remote);
        if (endPoint != null && endPoint.isOpen()) {
            awaitHeaders(remote, endPoint);
        }
    }

    /** Open connections from this address (for tests and metrics). */
    int openFrom(String address) {
        var count = open.get(address);
        return count == null ? 0 : count.get();
    }
}
