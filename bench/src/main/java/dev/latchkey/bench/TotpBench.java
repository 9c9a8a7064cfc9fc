package dev.latchkey.bench;

import dev.latchkey.Latchkey;
import dev.latchkey.mfa.Totp;
import dev.latchkey.mfa.WrongCode;
import dev.latchkey.request.RequestContext;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
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
 * The cost of a TOTP check, on SQLite:
 * <ul>
 *   <li>{@code code}: one RFC 6238 code (HMAC-SHA1 of the step, dynamic truncation);</li>
 *   <li>{@code check}: what a second step pays before any write — the user's row read, the secret unsealed
 *       (AES-256-GCM), the three codes of the window computed and compared in constant time. Measured with a wrong
 *       code, since a right one is good once; a right one adds one conditional UPDATE.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TotpBench {
    private static final RequestContext FROM = new RequestContext("203.0.113.1", "bench");
    private Path dir;
    private Latchkey latchkey;
    private User alice;
    private byte[] key;
    private long step;
    private String wrong;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("latchkey-bench");
        latchkey = Latchkey.builder(Database.open(DatabaseUrl.sqlite(dir.resolve("bench.sqlite3"))))
                .instanceSecret(new byte[32])
                .build();
        alice = latchkey.users().create(NewUser.named("alice"), Optional.empty());
        var enrolment = latchkey.totp().begin(alice);
        key = decode(enrolment.secret());
        step = Totp.step(Instant.now());
        latchkey.totp().confirm(alice, Totp.text(key, step, 6));
        var window = Totp.text(key, step - 1, 6) + Totp.text(key, step, 6) + Totp.text(key, step + 1, 6);
        int n = 0;
        while (window.contains(String.format("%06d", n))) {
            n++;
        }
        wrong = String.format("%06d", n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        latchkey.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public String code() {
        return Totp.text(key, step, 6);
    }

    @Benchmark
    public Object check() {
        try {
            return latchkey.totp().verify(alice, wrong, FROM);
        } catch (dev.latchkey.auth.AuthenticationDenied | WrongCode e) {
            return e;
        }
    }

    private static byte[] decode(String base32) {
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < base32.length(); i++) {
            buffer = (buffer << 5) | alphabet.indexOf(base32.charAt(i));
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
