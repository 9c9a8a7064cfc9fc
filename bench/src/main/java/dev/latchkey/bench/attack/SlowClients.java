package dev.latchkey.bench.attack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Many connections from one address that each start a request and then send one byte every five seconds: the rest
 * of a declared 64 KiB body, or the rest of the header section (slowloris). A few threads open them; one ticker
 * thread then, every 250 ms, notices any the server has answered or closed and sends each its next byte when due.
 * While they are open the bystander's probes run; afterwards they are held until every one has been open for the
 * hold, so the report says how long the server let them live.
 */
final class SlowClients {
    enum Kind {
        BODIES("slow bodies"),
        HEADERS("slow headers");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private static final int CONNECT_MS = 3_000;
    private static final int CONNECT_THREADS = 16;
    private static final long CONNECT_WINDOW_MS = 30_000;
    private static final long TICK_MS = 250;
    private static final long BYTE_EVERY_MS = 5_000;
    private static final long SETTLE_MS = 1_000;

    private SlowClients() {}

    static Report run(Wire wire, InetAddress from, int n, Kind kind, long holdMs, Supplier<Probes.Report> probes)
            throws InterruptedException {
        var victims = new ConcurrentLinkedQueue<Victim>();
        var refused = new ConcurrentHashMap<String, AtomicInteger>();
        var notTried = new AtomicInteger();
        long start = System.nanoTime();
        long connectEnd = start + CONNECT_WINDOW_MS * 1_000_000L;

        var ticker = Executors.newSingleThreadScheduledExecutor(daemon("attack-ticker"));
        var ticks = new AtomicInteger();
        var ticking = ticker.scheduleWithFixedDelay(
                () -> {
                    long now = System.nanoTime();
                    for (var v : victims) {
                        v.tick(now);
                    }
                    // A close without a word (a FIN, no TLS close_notify) shows in no read that does not consume the
                    // stream; the kernel's connection table shows it at once. Once a second, on Linux.
                    if (ticks.incrementAndGet() % 4 == 0) {
                        var ended = endedByServer(from, wire.port());
                        if (!ended.isEmpty()) {
                            for (var v : victims) {
                                if (ended.contains(v.conn.raw().getLocalPort())) {
                                    v.ended(now);
                                }
                            }
                        }
                    }
                },
                TICK_MS,
                TICK_MS,
                TimeUnit.MILLISECONDS);

        var openers = Executors.newFixedThreadPool(CONNECT_THREADS, daemon("attack-opener"));
        var preamble = preamble(wire, kind);
        for (int i = 0; i < n; i++) {
            openers.execute(() -> {
                if (System.nanoTime() > connectEnd) {
                    notTried.incrementAndGet();
                    return;
                }
                try {
                    var conn = wire.open(from, CONNECT_MS);
                    var out = conn.socket().getOutputStream();
                    out.write(preamble);
                    out.flush();
                    victims.add(new Victim(conn, kind, System.nanoTime()));
                } catch (Exception e) {
                    refused.computeIfAbsent(Attack.describe(e), k -> new AtomicInteger())
                            .incrementAndGet();
                }
            });
        }
        openers.shutdown();
        if (!openers.awaitTermination(CONNECT_WINDOW_MS + CONNECT_MS + 5_000, TimeUnit.MILLISECONDS)) {
            openers.shutdownNow();
        }
        long opened = System.nanoTime();
        Thread.sleep(SETTLE_MS);
        var probed = probes.get();
        long holdEnd = opened + holdMs * 1_000_000L;
        long wait = (holdEnd - System.nanoTime()) / 1_000_000L;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        stillTicking(ticking);
        ticker.shutdown();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
        var report = new Report(
                kind,
                n,
                List.copyOf(victims),
                counts(refused),
                notTried.get(),
                (opened - start) / 1_000_000L,
                holdMs,
                probed);
        for (var v : victims) {
            v.conn.close();
        }
        return report;
    }

    /**
     * Throws what stopped the ticker early. A repeating task's future is done before cancellation only when a tick
     * threw; no bytes were trickled and no closes seen after it, and the report would be wrong without saying so.
     */
    private static void stillTicking(Future<?> ticking) throws InterruptedException {
        if (!ticking.isDone()) {
            return;
        }
        try {
            ticking.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the ticker stopped: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Local ports of our connections from {@code from} to the server's port that the server has closed (TCP state
     * CLOSE_WAIT after its FIN, or CLOSE after its reset), from /proc/net/tcp and tcp6 (Java's sockets are dual-stack,
     * so an IPv4 connection may be listed as ::ffff:a.b.c.d); empty where they are not readable.
     */
    static Set<Integer> endedByServer(InetAddress from, int serverPort) {
        var b = from.getAddress();
        var v4 = String.format(Locale.ROOT, "%02X%02X%02X%02X", b[3], b[2], b[1], b[0]); // little-endian words
        var mapped = "0000000000000000FFFF0000" + v4;
        var remote = String.format(Locale.ROOT, ":%04X", serverPort);
        var ports = new HashSet<Integer>();
        for (var table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (var lines = Files.lines(Path.of(table))) {
                lines.skip(1).forEach(line -> {
                    var f = line.trim().split("\\s+", -1);
                    if (f.length < 4 || !f[2].endsWith(remote) || !(f[3].equals("08") || f[3].equals("07"))) {
                        return;
                    }
                    int colon = f[1].indexOf(':');
                    var address = colon < 0 ? "" : f[1].substring(0, colon);
                    if (address.equals(v4) || address.equals(mapped)) {
                        ports.add(Integer.parseInt(f[1].substring(colon + 1), 16));
                    }
                });
            } catch (IOException | RuntimeException e) {
                // not Linux, or not readable: closes are then seen when a write fails
            }
        }
        return ports;
    }

    private static byte[] preamble(Wire wire, Kind kind) {
        var text = kind == Kind.BODIES
                ? "POST /api/session HTTP/1.1\r\nHost: " + wire.authority() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 65536\r\n\r\n"
                : "GET /healthz HTTP/1.1\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
        var out = new TreeMap<String, Integer>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            var t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** One attacking connection; touched only by the ticker thread once it is open. */
    static final class Victim {
        private static final byte[] HEADER_BYTES = "X-Slow: ".getBytes(StandardCharsets.US_ASCII);

        final Wire.Conn conn;
        private final Kind kind;
        private final long opened;
        private long nextWrite;
        private int sent;
        volatile long closedAfterMs = -1;
        volatile String how;

        Victim(Wire.Conn conn, Kind kind, long opened) {
            this.conn = conn;
            this.kind = kind;
            this.opened = opened;
            this.nextWrite = opened; // the first byte at once, then one every five seconds
        }

        void tick(long now) {
            if (closedAfterMs >= 0) {
                return;
            }
            try {
                if (conn.raw().getInputStream().available() > 0 && serverSpoke(now)) {
                    return;
                }
                if (now >= nextWrite) {
                    var out = conn.socket().getOutputStream();
                    out.write(nextByte());
                    out.flush();
                    sent++;
                    nextWrite += BYTE_EVERY_MS * 1_000_000L;
                }
            } catch (IOException e) {
                closed(now, "reset");
            }
        }

        /** The server sent bytes: an answer or a close (true), or only TLS housekeeping such as session tickets. */
        private boolean serverSpoke(long now) throws IOException {
            var socket = conn.socket();
            socket.setSoTimeout(1);
            var buffer = new byte[256];
            try {
                int r = socket.getInputStream().read(buffer);
                if (r < 0) {
                    closed(now, "closed");
                    return true;
                }
                var text = new String(buffer, 0, r, StandardCharsets.ISO_8859_1);
                closed(now, text.startsWith("HTTP/1.") && text.length() >= 12 ? text.substring(9, 12) : "answered");
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            }
        }

        private int nextByte() {
            if (kind == Kind.BODIES) {
                return sent == 0 ? '{' : ' ';
            }
            return sent < HEADER_BYTES.length ? HEADER_BYTES[sent] : 'a';
        }

        /** The kernel says the server closed it; unless something was read first, a close without a word. */
        void ended(long now) {
            if (closedAfterMs < 0) {
                closed(now, "closed");
            }
        }

        private void closed(long now, String how) {
            this.how = how;
            this.closedAfterMs = (now - opened) / 1_000_000L;
        }
    }

    record Report(
            Kind kind,
            int n,
            List<Victim> victims,
            Map<String, Integer> refused,
            int notTried,
            long openingMs,
            long holdMs,
            Probes.Report probes) {
        List<Victim> closed() {
            return victims.stream().filter(v -> v.closedAfterMs >= 0).toList();
        }

        int stillOpen() {
            return victims.size() - closed().size();
        }

        int refusedTotal() {
            return refused.values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * Held: the bystander's probes all answered, at p99 under a second; for slow headers also that the server
         * dropped every such connection within the hold (a header deadline).
         */
        boolean held() {
            return probes.held() && (kind == Kind.BODIES || stillOpen() == 0);
        }

        String line() {
            return Attack.count(n) + " " + kind.label + ": " + probes.summary();
        }

        /** What became of the attacker's connections. */
        String attacker() {
            var parts = new ArrayList<String>();
            parts.add(Attack.count(victims.size()) + " opened in " + seconds(openingMs));
            if (refusedTotal() > 0) {
                var why = new ArrayList<String>();
                refused.forEach((reason, count) -> why.add(Attack.count(count) + " " + reason));
                parts.add(Attack.count(refusedTotal()) + " not connected (" + String.join(", ", why) + ")");
            }
            if (notTried > 0) {
                parts.add(Attack.count(notTried) + " not tried within " + CONNECT_WINDOW_MS / 1000 + " s");
            }
            var closed = closed();
            if (!closed.isEmpty()) {
                var after =
                        closed.stream().mapToLong(v -> v.closedAfterMs).sorted().toArray();
                var hows = new TreeMap<String, Integer>();
                closed.forEach(v -> hows.merge(v.how, 1, Integer::sum));
                var how = new ArrayList<String>();
                hows.forEach((k, v) -> how.add(Attack.count(v) + (k.matches("\\d+") ? " × " : " ") + k));
                var first = seconds(after[0]);
                var last = seconds(after[after.length - 1]);
                parts.add("server ended " + Attack.count(closed.size()) + " after "
                        + (first.equals(last)
                                ? first
                                : first.replace(" s", "") + "–" + last + ", median " + seconds(after[after.length / 2]))
                        + " (" + String.join(", ", how) + ")");
            }
            parts.add(Attack.count(stillOpen()) + " still open after " + holdMs / 1000 + " s");
            return String.join("; ", parts);
        }

        private static String seconds(long ms) {
            return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : Math.round(ms / 1000.0) + " s";
        }
    }
}
