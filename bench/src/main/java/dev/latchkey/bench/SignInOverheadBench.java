package dev.latchkey.bench;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.error.Throttled;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.store.JdbcAuditStore;
import dev.latchkey.throttle.MemoryThrottleStore;
import dev.latchkey.throttle.SignInThrottle;
import dev.latchkey.throttle.ThrottleSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a password sign-in pays besides the hash (about 25 ms, PasswordHashingBench): the throttle's check and its
 * bookkeeping of a failure and of a success, and the audit line appended to SQLite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SignInOverheadBench {
    private Path dir;
    private Database database;
    private AuditStore audit;
    private SignInThrottle throttle;
    private final Clock clock = Clock.systemUTC();

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("latchkey-bench");
        database = Database.open(DatabaseUrl.sqlite(dir.resolve("bench.sqlite3")));
        audit = new JdbcAuditStore(database);
        throttle = new SignInThrottle(
                new MemoryThrottleStore(100_000), ThrottleSettings.DEFAULT, clock, new SimpleMeterRegistry());
    }

    @TearDown
    public void tearDown() throws Exception {
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /**
     * A sign-in that fails: the attempt reserved under three keys before the hash, and left counted (addresses
     * spread over 65,536; once an address is blocked, its attempts stop at the reservation).
     */
    @Benchmark
    public Object throttleFailure() {
        int n = ThreadLocalRandom.current().nextInt(65_536);
        var ip = "10.1." + (n >> 8) + "." + (n & 255);
        try {
            return throttle.attempt("user" + (n & 1023), ip);
        } catch (Throttled blocked) {
            return blocked; // a blocked attempt stops here, as it does in SignIn
        }
    }

    /** A sign-in that succeeds: the attempt reserved, then given back and the (account, address) counter cleared. */
    @Benchmark
    public void throttleSuccess() {
        throttle.attempt("alice", "192.0.2.1").succeeded();
    }

    @Benchmark
    public void auditAppend() {
        audit.append(new AuditEvent(
                clock.instant(),
                "sign_in",
                1L,
                "alice",
                "success",
                "",
                "192.0.2.1",
                "Mozilla/5.0 (X11; Linux x86_64) bench"));
    }
}
