package dev.latchkey.singleuse;

import java.time.Duration;
import java.time.Instant;

/**
 * Values that may be used once, across every node that shares this store: an OAuth state, an app's authorization
 * code, and anything else that must not work twice. In memory on one node ({@link MemorySingleUseStore}); a table in
 * PostgreSQL or a key in Redis when several nodes serve together.
 *
 * <p>Implementations keep only a hash of the value: values are often secrets (a provider's code).
 */
public interface SingleUseStore {

    /**
     * Uses {@code value} for {@code purpose}, atomically: true for the first use within {@code lifetime} of it, false
     * for every later one, however many arrive at once and on however many nodes. After {@code lifetime} the value
     * is forgotten (whatever it was good for has expired by then).
     *
     * @throws dev.latchkey.error.StoreFailure when the store cannot say; the caller must then refuse (fail closed)
     */
    boolean firstUse(String purpose, String value, Instant now, Duration lifetime);
}
