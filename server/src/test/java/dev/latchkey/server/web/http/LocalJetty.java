package dev.latchkey.server.web.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.error.LatchkeyException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A real Jetty without a socket, for unit tests of what reads or answers a request: raw HTTP goes in through Jetty's
 * in-memory {@link LocalConnector}, the handler under test answers, and the response comes back parsed. With
 * {@link #exchanges} the handler is a real {@link Exchange} handed to the test's code.
 */
public final class LocalJetty implements AutoCloseable {
    /** The test's code, given the request as the web layer sees it. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange x) throws Exception;
    }

    private final Server server = new Server();
    private final LocalConnector connector;

    public LocalJetty(Handler handler) throws Exception {
        var config = new HttpConfiguration();
        config.setRequestHeaderSize(32 * 1024); // as HttpServer: a 16 KiB token still reaches the handler
        connector = new LocalConnector(server, new HttpConnectionFactory(config));
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        server.start();
    }

    /**
     * Each request becomes an {@link Exchange} from a client at {@code 192.0.2.1} over HTTPS or not, as
     * {@code https} says (as a trusted proxy would have reported it); a refusal it throws is answered as the web
     * layer answers it, and a request it leaves unanswered gets 204.
     */
    public static LocalJetty exchanges(boolean https, Endpoint endpoint) throws Exception {
        return new LocalJetty(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                var body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
                var client =
                        new ClientInfo("192.0.2.1", https, request.getHeaders().get("User-Agent"));
                var x = new Exchange(request, response, callback, client, new ObjectMapper(), body);
                try {
                    endpoint.handle(x);
                } catch (LatchkeyException e) {
                    x.error(e);
                }
                if (!x.isCommitted()) {
                    x.noContent();
                }
                return true;
            }
        });
    }

    /** Sends one request, written out in full ({@code "GET / HTTP/1.1\r\nHost: a\r\n\r\n"}), and parses the answer. */
    public HttpTester.Response send(String raw) throws Exception {
        return HttpTester.parseResponse(connector.getResponse(raw));
    }

    /** A {@code GET} of {@code path} with these header lines ({@code "Cookie: a=b"}). */
    public HttpTester.Response get(String path, String... headers) throws Exception {
        return send("GET " + path + " HTTP/1.1\r\nHost: auth.example\r\n" + lines(headers) + "\r\n");
    }

    /** A {@code HEAD} of {@code path}, answered raw: the status line, the headers and whatever followed them. */
    public String head(String path) throws Exception {
        return connector.getResponse(
                "HEAD " + path + " HTTP/1.1\r\nHost: auth.example\r\n\r\n", true, 10, TimeUnit.SECONDS);
    }

    /** A {@code POST} of {@code path} with these header lines and no body. */
    public HttpTester.Response post(String path, String... headers) throws Exception {
        return send(
                "POST " + path + " HTTP/1.1\r\nHost: auth.example\r\nContent-Length: 0\r\n" + lines(headers) + "\r\n");
    }

    private static String lines(String... headers) {
        var out = new StringBuilder();
        for (var header : headers) {
            out.append(header).append("\r\n");
        }
        return out.toString();
    }

    @Override
    public void close() {
        HttpServer.stop(server);
    }
}
