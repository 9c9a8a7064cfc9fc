package dev.latchkey.server.web;

import dev.latchkey.server.tls.PemFiles;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty, set up the way an auth server should be: HTTPS with TLS 1.2 and 1.3 only by default, bounded headers and
 * idle connections, and a graceful stop that lets requests in flight finish.
 */
public final class HttpServer implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final boolean https;

    /** @param tls null for plain HTTP (behind a TLS-terminating proxy) */
    public HttpServer(String bind, int port, PemFiles.Loaded tls, Handler handler) {
        var threads = new QueuedThreadPool(200, 8);
        threads.setName("latchkey-http");
        this.server = new Server(threads);
        this.https = tls != null;
        var config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        var http = new HttpConnectionFactory(config);
        if (https) {
            var secure = new SecureRequestCustomizer();
            // Clients reach a self-signed localhost certificate by IP address too, where there is no SNI to check.
            secure.setSniHostCheck(false);
            config.addCustomizer(secure);
            var ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.password()));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            // Jetty's defaults already exclude the weak suites; this keeps forward secrecy and AEAD only.
            ssl.setIncludeCipherSuites("TLS_AES_.*", "TLS_CHACHA20_.*", "TLS_ECDHE_.*_GCM_.*",
                    "TLS_ECDHE_.*_CHACHA20_.*");
            this.connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    http);
        } else {
            this.connector = new ServerConnector(server, http);
        }
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(handler);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.setStopAtShutdown(true);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The port actually bound (useful when 0 asked for any free one). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        var host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
        return URI.create((https ? "https" : "http") + "://" + host + ":" + port() + "/");
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
