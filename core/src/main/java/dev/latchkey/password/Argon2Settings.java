package dev.latchkey.password;

/**
 * Parameters for new Argon2id hashes. The default is OWASP's first recommendation (Password Storage Cheat Sheet:
 * m = 19 MiB, t = 2, p = 1), with a 32-byte hash.
 */
public record Argon2Settings(int memoryKib, int iterations, int parallelism, int hashLength) {
    public static final Argon2Settings OWASP = new Argon2Settings(19 * 1024, 2, 1, 32);

    public Argon2Settings {
        if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("argon2 memory must be between 8*p KiB and 4 GiB, was " + memoryKib);
        }
        if (iterations < 1 || iterations > 1_000) {
            throw new IllegalArgumentException("argon2 iterations must be between 1 and 1000, was " + iterations);
        }
        if (parallelism < 1 || parallelism > 255) {
            throw new IllegalArgumentException("argon2 parallelism must be between 1 and 255, was " + parallelism);
        }
        if (hashLength < 16 || hashLength > 64) {
            throw new IllegalArgumentException("argon2 hash length must be between 16 and 64, was " + hashLength);
        }
    }
}
