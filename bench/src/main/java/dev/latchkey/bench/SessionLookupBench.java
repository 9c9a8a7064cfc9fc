package dev.latchkey.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.session.Session;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.session.Sessions;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.store.JdbcSessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * Finding a session by the id in its cookie, on SQLite holding 100,000 live sessions: with the in-process cache warm
 * (every id looked up before), and cold (no cache: a primary-key read from SQLite each time). Sample mode reports
 * the percentiles (p99 is the target: well under 1 ms warm, under 2 ms cold).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class SessionLookupBench {
    private static final int SESSIONS = 100_000;
    private static final String UNKNOWN = "A".repeat(43);

    private Path dir;
    private Database database;
    private Sessions warm;
    private Sessions cold;
    private String[] ids;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("latchkey-bench");
        database = Database.open(DatabaseUrl.sqlite(dir.resolve("bench.sqlite3")));
        var secrets = Secrets.create();
        var clock = Clock.systemUTC();
        var now = clock.instant();
        ids = new String[SESSIONS];
        database.sql().inTransaction(c -> {
            try (var insert = c.prepareStatement("INSERT INTO sessions (id_hash, user_id, data, created_at,"
                    + " last_seen_at, expires_at, user_agent, client_ip) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < SESSIONS; i++) {
                    ids[i] = secrets.urlSafeToken(32);
                    insert.setString(1, Secrets.sha256Hex(ids[i]));
                    insert.setString(2, "{\"csrf\":\"" + secrets.urlSafeToken(32) + "\"}");
                    insert.setLong(3, now.toEpochMilli());
                    insert.setLong(4, now.toEpochMilli());
                    insert.setLong(5, now.plus(Duration.ofDays(14)).toEpochMilli());
                    insert.setString(6, "Mozilla/5.0 (X11; Linux x86_64) bench");
                    insert.setString(7, "127.0.0.1");
                    insert.addBatch();
                    if (i % 1_000 == 999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            return null;
        });
        var store = new JdbcSessionStore(database, new ObjectMapper());
        var base = SessionSettings.DEFAULT;
        warm = new Sessions(
                store,
                new SessionSettings(
                        base.idleTimeout(), base.absoluteTimeout(), false, base.touchInterval(), Duration.ofHours(1)),
                secrets,
                clock);
        cold = new Sessions(
                store,
                new SessionSettings(
                        base.idleTimeout(), base.absoluteTimeout(), false, base.touchInterval(), Duration.ZERO),
                secrets,
                clock);
        // Every id looked up once, so that the warm benchmark finds each in the cache.
        for (var id : ids) {
            if (warm.find(id).isEmpty()) {
                throw new IllegalStateException("a session just inserted is not found");
            }
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        database.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Session findWarm() {
        return warm.find(ids[ThreadLocalRandom.current().nextInt(SESSIONS)]).orElseThrow();
    }

    @Benchmark
    public Session findCold() {
        return cold.find(ids[ThreadLocalRandom.current().nextInt(SESSIONS)]).orElseThrow();
    }

    /** Unknown ids (a forged or stale cookie) cost one primary-key miss. */
    @Benchmark
    public boolean findUnknown() {
        return cold.find(UNKNOWN).isPresent();
    }
}
