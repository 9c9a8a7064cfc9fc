package dev.latchkey.bench;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One password verification with the default hasher (Argon2id, m = 19 MiB, t = 2, p = 1), against one of Django
 * 3.2's default PBKDF2-SHA256 (260,000 iterations): the cost of every password sign-in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class PasswordHashingBench {
    private static final String PASSWORD = "correct horse battery staple";
    private static final String DJANGO_PBKDF2 =
            "pbkdf2_sha256$260000$wecZgj2DyciQszjsP0VdFm$sn1/XXwFENom9l/CPt0rWgC2lsOclolOp0J2GC3R9pE=";

    private PasswordHashing hashing;
    private String argon2Hash;

    @Setup
    public void setUp() {
        hashing = PasswordHashing.standard(Argon2Settings.OWASP, Secrets.create());
        argon2Hash = hashing.hash(PASSWORD);
    }

    @Benchmark
    public boolean verifyDefaultArgon2id() {
        return hashing.verify(PASSWORD, argon2Hash);
    }

    @Benchmark
    public boolean verifyDjangoPbkdf2Sha256() {
        return hashing.verify(PASSWORD, DJANGO_PBKDF2);
    }
}
