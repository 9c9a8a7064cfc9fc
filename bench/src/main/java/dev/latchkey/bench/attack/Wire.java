package dev.latchkey.bench.attack;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTP/1.1 over raw sockets, so that every byte, the local address each connection comes from and the moment it is
 * sent are under the attack's control (java.net.http on Java 17 can neither bind a local address nor send half a
 * request). Loopback only: the target must be an IPv4 address in 127.0.0.0/8, and so is every local address used.
 * Certificates are not checked: this is a test tool aimed at a self-signed server on this machine.
 */
final class Wire {
    private static final int MAX_RESPONSE = 1 << 20;

    private final InetAddress server;
    private final int port;
    private final boolean https;
    private final SSLSocketFactory tls;

    private Wire(InetAddress server, int port, boolean https) {
        this.server = server;
        this.port = port;
        this.https = https;
        this.tls = https ? trustAll() : null;
    }

    /** The target, refused (IllegalArgumentException) unless it is http(s) on an IPv4 loopback address. */
    static Wire of(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("the URL must be https:// or http://: " + url);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the URL has no host: " + url);
        }
        var address = loopback(uri.getHost());
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Wire(address, port, scheme.equals("https"));
    }

    /** An IPv4 loopback address (127.0.0.0/8), or IllegalArgumentException: no traffic leaves this machine. */
    static InetAddress loopback(String host) {
        try {
            for (var candidate : InetAddress.getAllByName(host)) {
                if (candidate instanceof Inet4Address && (candidate.getAddress()[0] & 0xff) == 127) {
                    return candidate;
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host);
        }
        throw new IllegalArgumentException(host + " is not an IPv4 loopback address (127.0.0.0/8)");
    }

    /** {@code 127.0.0.1:8443}: the Host header. */
    String authority() {
        return server.getHostAddress() + ":" + port;
    }

    /** This site's origin, as a browser on it would send in {@code Origin}. */
    String origin() {
        return (https ? "https" : "http") + "://" + authority();
    }

    int port() {
        return port;
    }

    String url() {
        return origin();
    }

    /** A connection from {@code local}, connected and (over HTTPS) past its handshake, within {@code timeoutMs}. */
    Conn open(InetAddress local, int timeoutMs) throws IOException {
        var raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.bind(new InetSocketAddress(local, 0));
            raw.connect(new InetSocketAddress(server, port), timeoutMs);
            raw.setSoTimeout(timeoutMs);
            if (!https) {
                return new Conn(raw, raw);
            }
            var ssl = (SSLSocket) tls.createSocket(raw, server.getHostAddress(), port, true);
            ssl.startHandshake();
            return new Conn(raw, ssl);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * One request on a new connection (its connect and handshake included in the time), {@code Connection: close}
     * added by the caller. The body, if any, is written by a second thread while the answer is read, so a server that
     * answers early (413, 431) and closes is seen answering, not as a failed write.
     */
    Response exchange(InetAddress local, byte[] head, byte[] body, int timeoutMs) throws IOException {
        long start = System.nanoTime();
        try (var conn = open(local, timeoutMs)) {
            var out = conn.socket().getOutputStream();
            Thread writer = null;
            if (body == null || body.length == 0) {
                out.write(head);
                out.flush();
            } else {
                writer = new Thread(() -> writeQuietly(out, head, body), "attack-writer");
                writer.setDaemon(true);
                writer.start();
            }
            var response = Response.read(conn.socket().getInputStream(), start);
            if (writer != null) {
                writer.interrupt();
            }
            return response;
        }
    }

    private static void writeQuietly(OutputStream out, byte[] head, byte[] body) {
        try {
            out.write(head);
            for (int off = 0; off < body.length; off += 16 * 1024) {
                out.write(body, off, Math.min(16 * 1024, body.length - off));
            }
            out.flush();
        } catch (IOException e) {
            // the server answered and closed before taking it all: what it answered is what counts
        }
    }

    /** A request head: the request line, Host, the given header lines, Connection: close, Content-Length if a body. */
    byte[] head(String method, String path, int contentLength, String... headers) {
        var text = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(authority())
                .append("\r\n");
        for (var header : headers) {
            text.append(header).append("\r\n");
        }
        text.append("Connection: close\r\n");
        if (contentLength >= 0) {
            text.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON POST, ready to send. */
    byte[] postJson(String path, String json) {
        var body = json.getBytes(StandardCharsets.UTF_8);
        return concat(head("POST", path, body.length, "Content-Type: application/json"), body);
    }

    static byte[] concat(byte[] a, byte[] b) {
        var all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A JSON string literal; control characters escaped as \\u00XX. */
    static String json(String s) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String credentials(String username, String password) {
        return "{\"username\":" + json(username) + ",\"password\":" + json(password) + "}";
    }

    private static SSLSocketFactory trustAll() {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this Java", e);
        }
    }

    /** A socket and, over HTTPS, the TLS layer on it; the raw one shows whether the server has sent anything. */
    record Conn(Socket raw, Socket socket) implements AutoCloseable {
        @Override
        public void close() {
            try {
                raw.close(); // no close_notify: nothing waits on a server that may not be reading
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A status, headers (names lower-cased, first value kept), the body and the time from start to its end. */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: its parts are read, the body as text
    record Response(int status, Map<String, String> headers, byte[] body, long nanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Response read(InputStream in, long start) throws IOException {
            var statusLine = line(in);
            if (statusLine == null) {
                throw new EOFException("closed without an answer");
            }
            var parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not HTTP: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            var headers = new LinkedHashMap<String, String>();
            String line;
            while ((line = line(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(
                            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            var body = new ByteArrayOutputStream();
            var length = headers.get("content-length");
            if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                String size;
                while ((size = line(in)) != null) {
                    int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
                    if (n == 0) {
                        break;
                    }
                    copy(in, body, n);
                    line(in);
                }
            } else if (length != null) {
                copy(in, body, Integer.parseInt(length));
            } else {
                copy(in, body, MAX_RESPONSE);
            }
            return new Response(status, headers, body.toByteArray(), System.nanoTime() - start);
        }

        private static void copy(InputStream in, ByteArrayOutputStream out, int n) throws IOException {
            var buffer = new byte[8192];
            int left = Math.min(n, MAX_RESPONSE - out.size());
            while (left > 0) {
                int r = in.read(buffer, 0, Math.min(buffer.length, left));
                if (r < 0) {
                    return;
                }
                out.write(buffer, 0, r);
                left -= r;
            }
        }

        private static String line(InputStream in) throws IOException {
            var line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    var bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                if (line.size() > 64 * 1024) {
                    throw new IOException("an answer line over 64 KiB");
                }
                line.write(c);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Accepts any certificate: the server is this machine's, self-signed, reached on loopback. */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
