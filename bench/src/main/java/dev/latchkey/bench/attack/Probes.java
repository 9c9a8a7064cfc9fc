package dev.latchkey.bench.attack;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bystander: a client on another address that only wants {@code GET /healthz} and a real sign-in, each on a new
 * connection (TCP, TLS handshake and all), one after another. A probe that fails or takes longer than the timeout
 * counts as failed and as infinitely slow in the percentiles; probes not started within the window count as failed.
 */
final class Probes {
    static final int TIMEOUT_MS = 5_000;

    private final Wire wire;
    private final InetAddress from;
    private final String username;
    private final String password;

    Probes(Wire wire, InetAddress from, String username, String password) {
        this.wire = wire;
        this.from = from;
        this.username = username;
        this.password = password;
    }

    /** {@code healthz} health checks with a sign-in after every second one, all within {@code windowMs}. */
    Report run(int healthz, int windowMs) {
        var health = new Series();
        var signIns = new Series();
        long end = System.nanoTime() + windowMs * 1_000_000L;
        for (int i = 0; i < healthz; i++) {
            probe(health, end, windowMs, wire.head("GET", "/healthz", -1), 200);
            if (i % 2 == 1) {
                var signIn = wire.postJson("/api/session", Wire.credentials(username, password));
                probe(signIns, end, windowMs, signIn, 200);
            }
        }
        return new Report(health, signIns);
    }

    private void probe(Series series, long end, int windowMs, byte[] request, int expected) {
        if (System.nanoTime() > end) {
            series.failed("not started within " + windowMs / 1000 + " s");
            return;
        }
        try {
            var response = wire.exchange(from, request, null, TIMEOUT_MS);
            if (response.status() == expected) {
                series.ok(response.nanos());
            } else {
                series.failed("status " + response.status());
            }
        } catch (Exception e) {
            series.failed(
                    e instanceof java.net.SocketTimeoutException
                            ? "timed out after " + TIMEOUT_MS / 1000 + " s"
                            : Attack.describe(e));
        }
    }

    /** Milliseconds until {@code /healthz} answers 200 again, or -1 if it does not within {@code limitMs}. */
    long recovery(int limitMs) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + limitMs * 1_000_000L;
        while (System.nanoTime() < end) {
            try {
                if (wire.exchange(from, wire.head("GET", "/healthz", -1), null, 2_000)
                                .status()
                        == 200) {
                    return (System.nanoTime() - start) / 1_000_000L;
                }
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(100);
        }
        return -1;
    }

    record Report(Series healthz, Series signIn) {
        boolean held() {
            return healthz.held() && signIn.held();
        }

        String summary() {
            return "healthz " + healthz.percentiles() + ", other-address sign-in " + signIn.percentiles() + failures();
        }

        String atRest() {
            return "healthz " + healthz.percentiles() + ", sign-in " + signIn.percentiles()
                    + failures().replace(", no probe failed", "");
        }

        String shortSummary() {
            return "healthz " + healthz.brief() + ", sign-in " + signIn.brief();
        }

        private String failures() {
            var reasons = new java.util.TreeMap<String, Integer>();
            healthz.failures.forEach(f -> reasons.merge(f, 1, Integer::sum));
            signIn.failures.forEach(f -> reasons.merge(f, 1, Integer::sum));
            if (reasons.isEmpty()) {
                return ", no probe failed";
            }
            var why = new ArrayList<String>();
            reasons.forEach((reason, n) -> why.add(Attack.count(n) + " " + reason));
            int failed = healthz.failures.size() + signIn.failures.size();
            return ", " + failed + " of " + (healthz.count() + signIn.count()) + " probes failed ("
                    + String.join(", ", why) + ")";
        }
    }

    /** Latencies of one kind of probe, failures as +infinity. */
    static final class Series {
        private final List<Long> nanos = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        void ok(long n) {
            nanos.add(n);
        }

        void failed(String why) {
            nanos.add(Long.MAX_VALUE);
            failures.add(why);
        }

        int count() {
            return nanos.size();
        }

        /** Held: nothing failed and the 99th percentile is under a second. */
        boolean held() {
            return failures.isEmpty() && !nanos.isEmpty() && percentile(99) < 1_000_000_000L;
        }

        long percentile(int p) {
            if (nanos.isEmpty()) {
                return Long.MAX_VALUE;
            }
            var sorted = new ArrayList<>(nanos);
            sorted.sort(null);
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }

        /** "p99 40 ms", or "3/20 failed". */
        String brief() {
            return failures.isEmpty() ? "p99 " + duration(percentile(99)) : failures.size() + "/" + count() + " failed";
        }

        String percentiles() {
            if (failures.size() == count()) {
                return "all " + count() + " failed";
            }
            return "p50 " + duration(percentile(50)) + ", p99 " + duration(percentile(99));
        }

        private static String duration(long n) {
            if (n == Long.MAX_VALUE) {
                return "failed";
            }
            long ms = Math.round(n / 1e6);
            return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", n / 1e9);
        }
    }
}
