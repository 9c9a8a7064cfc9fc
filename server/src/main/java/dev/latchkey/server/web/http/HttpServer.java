package dev.latchkey.server.web.http;

import dev.latchkey.server.tls.CertificateReloader;
import dev.latchkey.server.tls.PemFiles;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty, set up the way an auth server should be: HTTPS with TLS 1.2 and 1.3 and forward-secret AEAD suites only,
 * certificate files reloaded when they change, bounded headers (431 beyond 32 KiB, so that a 16 KiB token still
 * gets its 401) and idle connections, errors in JSON, and a graceful stop (SIGTERM) that lets requests in flight
 * finish. Optionally a plain listener that only redirects to HTTPS, and a plain management listener.
 */
public final class HttpServer implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RELOAD_INTERVAL = Duration.ofSeconds(2);
    private static final int MAX_HEADER_BYTES = 32 * 1024;
    private static final int MAX_CONNECTIONS = 10_000;
    private static final String REDIRECT_CONNECTOR = "redirect";
    private static final String MANAGEMENT_CONNECTOR = "management";

    private final Server server;
    private final ServerConnector connector;
    private final CertificateReloader reloader;
    private final ConnectionGuard guard;
    private final Handler.Wrapper application = new Handler.Wrapper();
    /** Dynamic: its handler is set once the application has started. */
    private final Handler.Wrapper management = new Handler.Wrapper(true);

    private ServerConnector managementConnector;

    /**
     * @param tls          null for plain HTTP (behind a TLS-terminating proxy)
     * @param redirectPort a plain port that redirects to HTTPS, or null for none
     */
    public HttpServer(String bind, int port, PemFiles tls, Integer redirectPort) {
        this(bind, port, tls, redirectPort, Limits.DEFAULT, TrustedProxies.none());
    }

    /**
     * What one client may hold of the server.
     *
     * @param maxConnectionsPerClient open connections from one address at once (trusted proxies are exempt)
     * @param headerTimeout           how long a new connection may take to send its first request's headers
     * @param bodyTimeout             how long a request may take to send its body
     * @param bodyBytesInFlight       bytes of bodies larger than 4 KiB held at once by all clients together
     */
    public record Limits(
            int maxConnectionsPerClient, Duration headerTimeout, Duration bodyTimeout, long bodyBytesInFlight) {
        /** 32 MiB of large bodies at once: 512 nearly complete 64 KiB bodies, far below the default heap. */
        public static final long BODY_BYTES_IN_FLIGHT = 32L * 1024 * 1024;

        public static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(10), Duration.ofSeconds(10));

        public Limits(int maxConnectionsPerClient, Duration headerTimeout, Duration bodyTimeout) {
            this(maxConnectionsPerClient, headerTimeout, bodyTimeout, BODY_BYTES_IN_FLIGHT);
        }
    }

    /** @param proxies the trusted proxies, exempt from the per-address connection cap */
    public HttpServer(
            String bind, int port, PemFiles tls, Integer redirectPort, Limits limits, TrustedProxies proxies) {
        var threads = new QueuedThreadPool(200, 8);
        threads.setName("latchkey-http");
        this.server = new Server(threads);
        var config = httpConfiguration();
        if (tls != null) {
            var secure = new SecureRequestCustomizer();
            // Clients reach a self-signed localhost certificate by IP address too, where there is no SNI to check.
            secure.setSniHostCheck(false);
            config.addCustomizer(secure);
            var ssl = sslContext(tls.load());
            this.connector = new ServerConnector(
                    server,
                    new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(config));
            this.reloader = new CertificateReloader(tls, ssl, RELOAD_INTERVAL);
        } else {
            this.connector = new ServerConnector(server, new HttpConnectionFactory(config));
            this.reloader = null;
        }
        this.guard = new ConnectionGuard(
                limits.maxConnectionsPerClient(), limits.headerTimeout(), proxies::trusts, server::getScheduler);
        configure(connector, bind, port);
        connector.addEventListener(guard);
        server.addConnector(connector);
        Handler root = new GracefulHandler(application);
        if (redirectPort != null && tls != null) {
            var plain = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
            plain.setName(REDIRECT_CONNECTOR);
            configure(plain, bind, redirectPort);
            plain.addEventListener(guard);
            server.addConnector(plain);
            root = new RedirectToHttps(root, this);
        }
        management.setServer(server);
        server.setHandler(new ManagementSplit(new Guarded(root, guard), management));
        // A bound on open connections, so that slow or idle clients (slowloris) exhaust a limit, not the process.
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.setStopAtShutdown(true);
    }

    private static HttpConfiguration httpConfiguration() {
        var config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setSendDateHeader(true);
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        return config;
    }

    private static SslContextFactory.Server sslContext(PemFiles.Loaded loaded) {
        var ssl = new SslContextFactory.Server();
        ssl.setKeyStore(loaded.keyStore());
        ssl.setKeyStorePassword(new String(loaded.password()));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // Client-initiated TLS 1.2 renegotiation lets one client make the server repeat handshakes: a DoS lever.
        ssl.setRenegotiationAllowed(false);
        // Forward secrecy and AEAD only; Jetty's defaults already exclude the rest, this says so explicitly.
        ssl.setIncludeCipherSuites("TLS_AES_.*", "TLS_CHACHA20_.*", "TLS_ECDHE_.*_GCM_.*", "TLS_ECDHE_.*_CHACHA20_.*");
        return ssl;
    }

    private static void configure(ServerConnector connector, String bind, int port) {
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    }

    /**
     * Starts serving {@code handler}. Construction (TLS, connectors) and the application's own start-up (database,
     * migrations) are separate so that they can run side by side.
     */
    public void start(Handler handler) throws Exception {
        application.setHandler(handler);
        server.start();
    }

    /**
     * Also listens on a plain management port (metrics, health) that only {@link #manage}'s handler answers. Call
     * before {@link #start}.
     */
    public void addManagement(String bind, int port) {
        var plain = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
        plain.setName(MANAGEMENT_CONNECTOR);
        configure(plain, bind, port);
        server.addConnector(plain);
        managementConnector = plain;
    }

    /** What answers on the management port (until set, it answers 404). */
    public void manage(Handler handler) {
        management.setHandler(handler);
    }

    /** The management port actually bound, or -1 without one. */
    public int managementPort() {
        return managementConnector == null ? -1 : managementConnector.getLocalPort();
    }

    /** The port actually bound (useful when 0 asked for any free one). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        var host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
        var https = connector.getConnectionFactory(SslConnectionFactory.class) != null;
        return URI.create((https ? "https" : "http") + "://" + host + ":" + port() + "/");
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * On SIGTERM (any orderly JVM exit): {@code beforeDrain} (readiness goes 503), {@code drain} of serving as before
     * while load balancers notice, then the graceful stop, in which requests in flight finish. Replaces Jetty's own
     * stop at shutdown, which would stop taking requests at once.
     */
    public void drainOnShutdown(Duration drain, Runnable beforeDrain) {
        server.setStopAtShutdown(false);
        var hook = new Thread(
                () -> {
                    beforeDrain.run();
                    try {
                        Thread.sleep(drain.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    close();
                },
                "latchkey-drain");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Stops gracefully: requests in flight have up to ten seconds to finish. */
    @Override
    public void close() {
        if (reloader != null) {
            reloader.close();
        }
        stop(server);
    }

    /**
     * Stops {@code server}, which Jetty declares may throw any exception. Interrupted while waiting for requests in
     * flight, it stops waiting and leaves the thread interrupted; any other failure is thrown unchecked.
     */
    static void stop(Server server) {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly: " + e.getMessage(), e);
        }
    }

    /** Tells the guard that a connection's request has arrived (its header deadline no longer applies). */
    private static final class Guarded extends Handler.Wrapper {
        private final ConnectionGuard guard;

        Guarded(Handler next, ConnectionGuard guard) {
            super(next);
            this.guard = guard;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            guard.requestArrived(request);
            return super.handle(request, response, new Callback() {
                @Override
                public void succeeded() {
                    // Armed before the response completes, so the next request always finds it armed.
                    guard.responded(request);
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            });
        }
    }

    /** Requests on the management listener go to its own handler, never to the application. */
    private static final class ManagementSplit extends Handler.Wrapper {
        private final Handler management;

        ManagementSplit(Handler next, Handler management) {
            super(next);
            this.management = management;
            addBean(management);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (MANAGEMENT_CONNECTOR.equals(
                    request.getConnectionMetaData().getConnector().getName())) {
                return management.handle(request, response, callback);
            }
            return super.handle(request, response, callback);
        }
    }

    /** On the plain redirect listener, every request is sent to the same path over HTTPS. */
    private static final class RedirectToHttps extends Handler.Wrapper {
        private final HttpServer owner;

        RedirectToHttps(Handler next, HttpServer owner) {
            super(next);
            this.owner = owner;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!REDIRECT_CONNECTOR.equals(
                    request.getConnectionMetaData().getConnector().getName())) {
                return super.handle(request, response, callback);
            }
            var host = Request.getServerName(request);
            if (host.contains(":")) {
                host = "[" + host + "]";
            }
            var uri = request.getHttpURI();
            var target = "https://" + host + ":" + owner.port() + uri.getPath()
                    + (uri.getQuery() == null ? "" : "?" + uri.getQuery());
            Response.sendRedirect(request, response, callback, 308, target, true);
            return true;
        }
    }
}
