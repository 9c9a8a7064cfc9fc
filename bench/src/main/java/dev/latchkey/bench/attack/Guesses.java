package dev.latchkey.bench.attack;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Wrong passwords sent all at once: every guess gets its own connection from the same address, all connected and
 * past the handshake first, then released together so that they reach the throttle before any has been hashed. A
 * 401 is a guess the server hashed, a 429 one it refused before hashing.
 */
final class Guesses {
    private static final int CONNECT_MS = 10_000;
    private static final int ANSWER_MS = 30_000;
    private static final long DEADLINE_MS = 60_000;

    private Guesses() {}

    static Tally run(Wire wire, InetAddress from, int count, IntFunction<byte[]> request) throws InterruptedException {
        var ready = new CountDownLatch(count);
        var go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(count, r -> {
            var t = new Thread(r, "attack-guess");
            t.setDaemon(true);
            return t;
        });
        var futures = new ArrayList<Future<String>>();
        try {
            for (int i = 0; i < count; i++) {
                var bytes = request.apply(i);
                futures.add(pool.submit(() -> guess(wire, from, bytes, ready, go)));
            }
            ready.await(CONNECT_MS + 5_000, TimeUnit.MILLISECONDS);
            go.countDown();
            long end = System.currentTimeMillis() + DEADLINE_MS;
            var outcomes = new ArrayList<String>();
            for (var future : futures) {
                try {
                    outcomes.add(future.get(Math.max(1, end - System.currentTimeMillis()), TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    future.cancel(true);
                    outcomes.add("no answer within " + DEADLINE_MS / 1000 + " s");
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add("failed: " + Attack.describe(e.getCause()));
                }
            }
            return new Tally(outcomes);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String guess(Wire wire, InetAddress from, byte[] request, CountDownLatch ready, CountDownLatch go)
            throws InterruptedException {
        Wire.Conn conn;
        try {
            conn = wire.open(from, CONNECT_MS);
        } catch (Exception e) {
            ready.countDown();
            return "refused: " + Attack.describe(e);
        }
        try (conn) {
            ready.countDown();
            go.await();
            conn.socket().setSoTimeout(ANSWER_MS);
            var out = conn.socket().getOutputStream();
            out.write(request);
            out.flush();
            return Integer.toString(Wire.Response.read(conn.socket().getInputStream(), System.nanoTime())
                    .status());
        } catch (Exception e) {
            return "no answer: " + Attack.describe(e);
        }
    }

    /** The answers, by kind: statuses ("401", "429", ...) and failures ("refused: ...", "no answer: ..."). */
    record Tally(List<String> outcomes) {
        int count(String outcome) {
            return (int) outcomes.stream().filter(outcome::equals).count();
        }

        int hashed() {
            return count("401");
        }

        int throttled() {
            return count("429");
        }

        /** Statuses other than 401 and 429: 5xx, or a 400/403 that means the request itself was wrong. */
        int other() {
            return (int) outcomes.stream()
                    .filter(o -> o.matches("\\d+") && !o.equals("401") && !o.equals("429"))
                    .count();
        }

        /** Held: at most {@code limit} hashed, the server answered, and nothing but 401 or 429. */
        boolean held(int limit) {
            return hashed() <= limit && hashed() + throttled() > 0 && other() == 0;
        }

        /** "5 hashed, 95 × 429", then any other status and failure with its count. */
        String summary() {
            var parts = new ArrayList<String>();
            parts.add(Attack.count(hashed()) + " hashed");
            if (throttled() > 0) {
                parts.add(Attack.count(throttled()) + " × 429");
            }
            Map<String, Integer> rest = new TreeMap<>();
            for (var o : outcomes) {
                if (!o.equals("401") && !o.equals("429")) {
                    rest.merge(o, 1, Integer::sum);
                }
            }
            rest.forEach(
                    (o, n) -> parts.add(o.matches("\\d+") ? Attack.count(n) + " × " + o : Attack.count(n) + " " + o));
            return String.join(", ", parts);
        }
    }
}
