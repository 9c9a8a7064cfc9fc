package dev.latchkey.testing;

import dev.latchkey.password.PasswordHasher;

import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real hasher and counts how many full hashes it computed. */
public final class CountingHasher implements PasswordHasher {
    private final PasswordHasher real;
    public final AtomicInteger hashes = new AtomicInteger();

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
        return real.encode(password, salt);
    }

    @Override
    public boolean verify(byte[] password, String encoded) {
        hashes.incrementAndGet();
        return real.verify(password, encoded);
    }

    @Override
    public boolean mustUpdate(String encoded) {
        return real.mustUpdate(encoded);
    }
}
