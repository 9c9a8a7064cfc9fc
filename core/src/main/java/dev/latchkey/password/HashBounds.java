package dev.latchkey.password;

/**
 * The work a stored hash may ask for, in one place. A stored hash names its own cost, and a hash with cost beyond
 * these bounds would make every sign-in attempt for that name cost seconds to hours of CPU or gigabytes of heap, so
 * such a hash is refused at import and never computed at verification (it costs what an unknown user costs). Each
 * upper bound is a few times what any Django release writes, so that real dumps, tuned ones included, pass:
 *
 * <ul>
 *   <li>PBKDF2: Django 3.2 writes 260,000 iterations, 5.2 1,000,000 and 6.0 1,200,000; latchkey takes up to
 *       3,000,000 (about a second of one core). Down to 1: a weak hash is re-hashed at sign-in, not refused.</li>
 *   <li>bcrypt: Django's default cost is 12; each step doubles the work, so 16 is sixteen times that. bcrypt itself
 *       takes nothing under 4.</li>
 *   <li>Argon2: Django 3.2+ writes m = 102,400 KiB, t = 2, p = 8 (1.10 to 3.1: m = 512, t = 2, p = 2); latchkey
 *       takes m up to 256 MiB, t up to 16, p up to 64, and m·t up to 1 GiB-pass (five times Django's m·t), since
 *       the time grows with the product. m must be at least 8p (RFC 9106, section 3.1).</li>
 * </ul>
 *
 * <p>The second set of numbers says which stored hashes cost at least one default Argon2id hash (OWASP's 19 MiB,
 * t = 2: 25 to 50 ms on one core), measured with the JDK's PBKDF2 and Bouncy Castle's bcrypt on the same core:
 * 100,000 PBKDF2-SHA256 iterations took 28 ms where the Argon2id took 48 ms (so 200,000 count), bcrypt cost 10 took
 * 72 ms and cost 9 half that; Argon2 counts when its m·t is at least the configured one's. A cheaper hash gets one
 * default hash spent beside it ({@link PasswordHashing#verify}).
 */
final class HashBounds {
    static final long PBKDF2_MIN_ITERATIONS = 1;
    static final long PBKDF2_MAX_ITERATIONS = 3_000_000;
    static final long PBKDF2_COSTLY_ITERATIONS = 200_000;

    static final long BCRYPT_MIN_COST = 4;
    static final long BCRYPT_MAX_COST = 16;
    static final long BCRYPT_COSTLY_COST = 10;

    static final long ARGON2_MAX_MEMORY_KIB = 256 * 1024;
    static final long ARGON2_MAX_ITERATIONS = 16;
    static final long ARGON2_MAX_PARALLELISM = 64;
    static final long ARGON2_MAX_WORK = 1024 * 1024;

    private HashBounds() {}

    /** {@code value} if it lies in {@code [min, max]}; {@link HashOutOfBounds} naming the parameter otherwise. */
    static long within(String algorithm, String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new HashOutOfBounds(algorithm, name, value, min, max);
        }
        return value;
    }

    /**
     * The Argon2 bounds for a hasher that writes {@code settings}: the ones above, raised to the configured
     * parameters where an operator chose more, so that a hash latchkey wrote itself always verifies.
     */
    static Argon2Limits argon2(Argon2Settings settings) {
        return new Argon2Limits(
                Math.max(ARGON2_MAX_MEMORY_KIB, settings.memoryKib()),
                Math.max(ARGON2_MAX_ITERATIONS, settings.iterations()),
                Math.max(ARGON2_MAX_PARALLELISM, settings.parallelism()),
                Math.max(ARGON2_MAX_WORK, (long) settings.memoryKib() * settings.iterations()));
    }

    record Argon2Limits(long maxMemoryKib, long maxIterations, long maxParallelism, long maxWork) {}
}
