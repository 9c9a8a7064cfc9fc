package dev.latchkey.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request written byte for byte to a plain loopback socket, so header values can carry any byte a
 * client could send (the JDK's client refuses many), and its answer parsed just enough to check it.
 */
final class RawRequest {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final String method;
    private final String path;
    private final List<byte[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    RawRequest(String method, String path) {
        this.method = method;
        this.path = path;
    }

    /** A header whose value is sent as these bytes, CR and LF made spaces so that it stays one header. */
    RawRequest header(String name, byte[] value) {
        var line = new ByteArrayOutputStream();
        line.writeBytes((name + ": ").getBytes(StandardCharsets.US_ASCII));
        for (byte b : value) {
            line.write(b == '\r' || b == '\n' ? ' ' : b);
        }
        headers.add(line.toByteArray());
        return this;
    }

    RawRequest header(String name, String value) {
        return header(name, value.getBytes(StandardCharsets.UTF_8));
    }

    RawRequest body(String contentType, byte[] bytes) {
        header("Content-Type", contentType);
        this.body = bytes;
        return this;
    }

    Answer send(int port) {
        var out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                        + "Content-Length: " + body.length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (var line : headers) {
            out.writeBytes(line);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(new byte[] {'\r', '\n'});
        out.writeBytes(body);
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
            return Answer.parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + method + " " + path, e);
        }
    }

    /** The status, the headers (names in lower case, the last of each) and the body, de-chunked. */
    record Answer(int status, Map<String, String> headers, String body) {
        static Answer parse(byte[] raw) {
            var text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                throw new AssertionError("not an HTTP answer: " + text);
            }
            var lines = text.substring(0, end).split("\r\n", -1);
            int status = Integer.parseInt(lines[0].substring(9, 12));
            var headers = new LinkedHashMap<String, String>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            var body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            var utf8 = new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            return new Answer(status, headers, utf8);
        }

        private static String dechunk(String chunked) {
            var out = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(
                        chunked.substring(at, lineEnd).split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }
}
