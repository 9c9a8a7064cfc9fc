package dev.latchkey.error;

/**
 * The database could not do what was asked (unreachable, locked for too long, a constraint the code did not expect).
 * HTTP 503: the request may succeed later, and nothing of it was half-written.
 */
public final class StoreFailure extends LatchkeyException {
    public StoreFailure(String detail, Throwable cause) {
        super("store_unavailable", 503, detail, cause);
    }
}
