package dev.latchkey.invalidation;

/**
 * Carries {@link Invalidation}s from the node where a change happened to every other node sharing the bus: in
 * memory within one process ({@link MemoryInvalidationBus}), PostgreSQL's {@code LISTEN/NOTIFY}, or Redis pub/sub.
 *
 * <p>Delivery is best effort and fast (milliseconds); what is missed is caught by the bounds that hold without a bus
 * — caches live {@code session.cache_ttl}, revoked families are re-read every second, signing keys every 30 s — and
 * a node whose connection to the bus was lost flushes its caches when it is back ({@link Listener#reconnected}).
 */
public interface InvalidationBus extends AutoCloseable {

    /** Tells the other nodes (not this one). Never throws: a failure is logged and counted, the poll covers it. */
    void publish(Invalidation invalidation);

    /** Delivers what other nodes publish to {@code listener} from now until {@link #close}; called once. */
    void start(Listener listener);

    /** Whether the bus is connected now (false while a shared bus is unreachable). */
    boolean connected();

    @Override
    void close();

    /** What a node does with what it hears. Called on the bus's own thread; must not block for long. */
    interface Listener {
        void heard(Invalidation invalidation);

        /** The connection was lost and is back: messages may have been missed, so every cache is dropped. */
        void reconnected();
    }
}
