package dev.latchkey.testing;

import dev.latchkey.password.PasswordHasher;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real hasher and counts the full hashes it computes: {@link #encodes} (new and default hashes),
 * {@link #verifies}, and {@link #hashes} for both. Open for tests that also need to hold a hash up.
 */
public class CountingHasher implements PasswordHasher {
    private final PasswordHasher real;
    public final AtomicInteger hashes = new AtomicInteger();
    public final AtomicInteger encodes = new AtomicInteger();
    public final AtomicInteger verifies = new AtomicInteger();

    public CountingHasher(PasswordHasher real) {
        this.real = real;
    }

    @Override
    public String algorithm() {
        return real.algorithm();
    }

    @Override
    public String salt() {
        return real.salt();
    }

    @Override
    public String encode(byte[] password, String salt) {
        hashes.incrementAndGet();
        encodes.incrementAndGet();
        return real.encode(password, salt);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        hashes.incrementAndGet();
        verifies.incrementAndGet();
        return real.verify(password, encoded);
    }

    @Override
    public boolean mustUpdate(String encoded) {
        return real.mustUpdate(encoded);
    }

    @Override
    public boolean costsAtLeastTheDefault(String encoded) {
        return real.costsAtLeastTheDefault(encoded);
    }
}
