package dev.latchkey.invalidation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus within one process: nodes made from one {@link Hub} hear each other, synchronously, on the publisher's
 * thread. A single node ({@code new MemoryInvalidationBus()}) has nobody to tell; several in one JVM (a test, an
 * application that embeds more than one instance) share a hub.
 */
public final class MemoryInvalidationBus implements InvalidationBus {
    private static final Logger log = LoggerFactory.getLogger(MemoryInvalidationBus.class);

    private final Hub hub;
    private volatile Listener listener;

    /** A node alone on a hub of its own. */
    public MemoryInvalidationBus() {
        this(new Hub());
    }

    private MemoryInvalidationBus(Hub hub) {
        this.hub = hub;
    }

    /** Nodes that hear each other. */
    public static final class Hub {
        private final List<MemoryInvalidationBus> nodes = new CopyOnWriteArrayList<>();

        /** A new node on this hub. */
        public MemoryInvalidationBus node() {
            return new MemoryInvalidationBus(this);
        }
    }

    @Override
    public void publish(Invalidation invalidation) {
        for (var node : hub.nodes) {
            var other = node.listener;
            if (node == this || other == null) {
                continue;
            }
            try {
                other.heard(invalidation);
            } catch (RuntimeException e) {
                log.warn("a node failed to apply {}", invalidation, e);
            }
        }
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        hub.nodes.add(this);
    }

    @Override
    public boolean connected() {
        return true;
    }

    @Override
    public void close() {
        hub.nodes.remove(this);
    }
}
