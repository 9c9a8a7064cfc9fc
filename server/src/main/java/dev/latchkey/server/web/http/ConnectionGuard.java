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
 * (more are closed as they are accepted, before any TLS handshake is spent on them), and a connection whose first
 * request has not fully arrived within {@code headerTimeout} is closed (a slowloris client that sends one header byte
 * every few seconds never reaches Jetty's idle timeout). Trusted proxies are exempt from the per-address cap: every
 * client behind them shares their address.
 */
public final class ConnectionGuard implements Connection.Listener {
    private final int maxPerClient;
    private final Duration headerTimeout;
    private final Predicate<String> exempt;
    private final Supplier<Scheduler> scheduler;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    /** Connections still waiting for their first request, by remote socket address (address and port). */
    private final ConcurrentHashMap<SocketAddress, EndPoint> waiting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EndPoint, Client> tracked = new ConcurrentHashMap<>();

    /** An open connection's client: the address as counted, and its socket address. */
    private record Client(String address, InetSocketAddress remote) {
    }

    public ConnectionGuard(int maxPerClient, Duration headerTimeout, Predicate<String> exempt,
                           Supplier<Scheduler> scheduler) {
        this.maxPerClient = maxPerClient;
        this.headerTimeout = headerTimeout;
        this.exempt = exempt;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        var endPoint = connection.getEndPoint();
        // Only the network connection counts: over TLS the HTTP connection inside it opens too, on the same socket.
        if (!(endPoint instanceof SocketChannelEndPoint) || !(endPoint.getRemoteSocketAddress()
                instanceof InetSocketAddress remote)) {
            return;
        }
        var client = new Client(IpAddress.network(remote.getAddress().getHostAddress()), remote);
        // Remembered by end point: once closed, a socket no longer says whom it was connected to.
        tracked.put(endPoint, client);
        int count = open.computeIfAbsent(client.address(), a -> new AtomicInteger()).incrementAndGet();
        if (count > maxPerClient && !exempt.test(remote.getAddress().getHostAddress())) {
            endPoint.close();
            return;
        }
        waiting.put(remote, endPoint);
        scheduler.get().schedule(() -> {
            if (waiting.remove(remote, endPoint)) {
                endPoint.close();
            }
        }, headerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        var endPoint = connection.getEndPoint();
        var client = tracked.remove(endPoint);
        if (client == null) {
            return;
        }
        waiting.remove(client.remote(), endPoint);
        open.computeIfPresent(client.address(), (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** A request's headers have arrived: its connection is no longer held to the first-request deadline. */
    public void requestArrived(Request request) {
        if (!waiting.isEmpty()) {
            waiting.remove(request.getConnectionMetaData().getRemoteSocketAddress());
        }
    }

    /** Open connections from this address (for tests and metrics). */
    int openFrom(String address) {
        var count = open.get(address);
        return count == null ? 0 : count.get();
    }
}
