package dev.latchkey.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.store.JdbcUserStore;
import dev.latchkey.user.DjangoDump;
import dev.latchkey.user.ImportResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code import django} of a 100,000-user dump into a fresh SQLite database: parse, check every record, write in
 * one transaction. One shot per iteration; users per second is 100,000 divided by the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class UserImportBench {
    private static final int USERS = 100_000;

    private byte[] dump;
    private Path dir;
    private Database database;

    @Setup(Level.Trial)
    public void makeDump() {
        var json = new StringBuilder(USERS * 400).append('[');
        for (int i = 0; i < USERS; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"model\": \"auth.user\", \"pk\": ")
                    .append(i + 1)
                    .append(", \"fields\": {\"password\": \"pbkdf2_sha256$260000$wecZgj2DyciQszjsP0VdFm$")
                    .append("sn1/XXwFENom9l/CPt0rWgC2lsOclolOp0J2GC3R9pE=\", \"last_login\": null,")
                    .append(" \"is_superuser\": false, \"username\": \"user")
                    .append(i)
                    .append("\", \"first_name\": \"\", \"last_name\": \"\", \"email\": \"user")
                    .append(i)
                    .append("@example.com\", \"is_staff\": false, \"is_active\": true,")
                    .append(
                            " \"date_joined\": \"2026-11-27T05:57:47.289Z\", \"groups\": [], \"user_permissions\": []}}");
        }
        dump = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Setup(Level.Iteration)
    public void freshDatabase() throws Exception {
        dir = Files.createTempDirectory("latchkey-import");
        database = Database.open(DatabaseUrl.sqlite(dir.resolve("import.sqlite3")));
    }

    @TearDown(Level.Iteration)
    public void dropDatabase() throws Exception {
        database.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public ImportResult import100kUsers() {
        var hashing = PasswordHashing.standard(Argon2Settings.OWASP, Secrets.create());
        var users = new DjangoDump(new ObjectMapper(), hashing).read(new ByteArrayInputStream(dump), n -> {});
        return new JdbcUserStore(database).upsertAll(users);
    }
}
