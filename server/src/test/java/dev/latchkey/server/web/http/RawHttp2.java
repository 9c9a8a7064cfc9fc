package dev.latchkey.server.web.http;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 client that writes frames by hand, as an attacker would: requests that are reset at once (rapid reset),
 * more streams than allowed, bodies never sent. HPACK is written without Huffman coding or the dynamic table. The
 * frames the server sends are read on a thread of their own and kept in order.
 */
final class RawHttp2 implements AutoCloseable {
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int GOAWAY = 7;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int CANCEL = 0x8;

    /** One frame the server sent; {@code type} -1 marks the end of the connection. */
    @SuppressWarnings("ArrayRecordComponent") // read once, by the test that awaited it
    record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a RST_STREAM or GOAWAY frame. */
        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24)
                    | ((payload[at + 1] & 0xff) << 16)
                    | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    private final SSLSocket socket;
    private final OutputStream out;
    final LinkedBlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** Connects from {@code from} over TLS with ALPN h2, and sends the preface and empty settings. */
    RawHttp2(SSLContext trust, InetAddress from, int port) throws IOException {
        socket = (SSLSocket) trust.getSocketFactory().createSocket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        var parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        if (!"h2".equals(socket.getApplicationProtocol())) {
            throw new IOException("the server did not choose h2: " + socket.getApplicationProtocol());
        }
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
        out.flush();
        reader = new Thread(this::read, "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            var in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                var payload = new byte[length];
                in.readFully(payload);
                if (type == SETTINGS && (flags & 1) == 0) {
                    synchronized (this) {
                        frame(SETTINGS, 1, 0, new byte[0]); // acknowledged, as the protocol asks
                        out.flush();
                    }
                }
                received.add(new Frame(type, flags, stream, payload));
            }
        } catch (EOFException | SocketTimeoutException e) {
            received.add(new Frame(-1, 0, 0, new byte[0]));
        } catch (IOException e) {
            received.add(new Frame(-1, 0, 0, new byte[0]));
        }
    }

    /** A request's header block: GET or POST of {@code path}, with a content length for a POST. */
    static byte[] request(String method, String path, long contentLength) {
        var block = new ByteArrayOutputStream();
        block.write(method.equals("GET") ? 0x82 : 0x83); // :method, static table 2 or 3
        block.write(0x87); // :scheme https
        literal(block, 4, path); // :path
        literal(block, 1, "localhost"); // :authority
        if (contentLength >= 0) {
            literal(block, 28, Long.toString(contentLength)); // content-length
            literal(block, 31, "application/json"); // content-type
        }
        return block.toByteArray();
    }

    /** A literal header field without indexing, its name from the static table. */
    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        if (nameIndex < 15) {
            block.write(nameIndex);
        } else {
            block.write(15);
            block.write(nameIndex - 15);
        }
        var bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("short values only");
        }
        block.write(bytes.length);
        block.write(bytes, 0, bytes.length);
    }

    synchronized void headers(int stream, byte[] block, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block);
    }

    synchronized void reset(int stream) throws IOException {
        frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, CANCEL});
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {
            (byte) (n >>> 16),
            (byte) (n >>> 8),
            (byte) n,
            (byte) type,
            (byte) flags,
            (byte) (stream >>> 24),
            (byte) (stream >>> 16),
            (byte) (stream >>> 8),
            (byte) stream
        });
        out.write(payload);
    }

    /** The next frame of this type within the wait, or null. */
    Frame await(int type, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = end - System.nanoTime();
            var frame = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (frame == null || frame.type() == type) {
                return frame;
            }
            if (frame.type() == -1) {
                return type == -1 ? frame : null;
            }
        }
    }

    boolean isClosed() {
        return received.stream().anyMatch(f -> f.type() == -1 || f.type() == GOAWAY);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
