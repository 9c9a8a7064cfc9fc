package dev.latchkey.bench;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordHashing;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many default-hash verifications per second this machine allows: one thread per core verifying an Argon2id
 * hash for the given seconds. bench/run compares password sign-ins per second with this ceiling.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.latchkey.bench.HashCeiling [seconds]} — prints "hashes/s: N".
 */
public final class HashCeiling {
    private HashCeiling() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        var hashing = PasswordHashing.standard(Argon2Settings.OWASP, Secrets.create());
        var hash = hashing.hash("correct horse battery staple");
        for (int i = 0; i < 20; i++) {
            hashing.verify("correct horse battery staple", hash); // warm-up
        }
        var count = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        var threads = new Thread[Runtime.getRuntime().availableProcessors()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    hashing.verify("correct horse battery staple", hash);
                    count.incrementAndGet();
                }
            });
            threads[i].start();
        }
        for (var thread : threads) {
            thread.join();
        }
        System.out.printf("hashes/s: %.1f%n", count.get() / (double) seconds);
    }
}
