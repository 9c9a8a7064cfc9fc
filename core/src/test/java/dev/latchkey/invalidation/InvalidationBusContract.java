package dev.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InvalidationBus} must do, run on memory, PostgreSQL and Redis: each kind of change reaches the
 * other nodes and not the one that made it, long lists arrive whole, and a node that lost its connection is told to
 * drop its caches when it is back.
 */
public abstract class InvalidationBusContract {
    private final List<InvalidationBus> buses = new ArrayList<>();

    /** A bus for one node; every call in one test joins the same medium. */
    protected abstract InvalidationBus newNode();

    /**
     * Cuts this node's connection to the shared medium, as a restart of the server would; false where there is no
     * connection to lose (memory).
     */
    protected abstract boolean dropConnection(InvalidationBus bus) throws Exception;

    /** A node that records what it hears. */
    protected final class Node implements InvalidationBus.Listener {
        final InvalidationBus bus = newNode();
        final BlockingQueue<Invalidation> heard = new LinkedBlockingQueue<>();
        final AtomicInteger reconnects = new AtomicInteger();

        Node() {
            buses.add(bus);
            bus.start(this);
        }

        @Override
        public void heard(Invalidation invalidation) {
            heard.add(invalidation);
        }

        @Override
        public void reconnected() {
            reconnects.incrementAndGet();
        }

        Invalidation next() throws InterruptedException {
            return heard.poll(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(InvalidationBus::close);
    }

    @Test
    void everyKindOfChangeReachesTheOtherNodesAndNotItsOwn() throws Exception {
        var a = new Node();
        var b = new Node();
        var c = new Node();
        awaitConnected(a, b, c);
        var hash = "ab".repeat(32);
        var changes = List.of(
                new Invalidation.SessionsEnded(List.of(hash)),
                new Invalidation.UserChanged(42),
                new Invalidation.ApiTokenRevoked(7),
                new Invalidation.FamilyRevoked("fam_-1", Instant.ofEpochMilli(1_780_000_000_123L)),
                new Invalidation.KeysRotated());
        for (var change : changes) {
            a.bus.publish(change);
            assertThat(b.next()).isEqualTo(change);
            assertThat(c.next()).isEqualTo(change);
        }
        assertThat(a.heard.poll(100, TimeUnit.MILLISECONDS))
                .as("a node never hears itself")
                .isNull();
    }

    @Test
    void manyEndedSessionsArriveWhole() throws Exception {
        var a = new Node();
        var b = new Node();
        awaitConnected(a, b);
        var hashes = new ArrayList<String>();
        for (int i = 0; i < 250; i++) {
            hashes.add(String.format("%064x", i));
        }
        a.bus.publish(new Invalidation.SessionsEnded(hashes));
        var received = new ArrayList<String>();
        while (received.size() < hashes.size()) {
            var next = b.next();
            assertThat(next).isInstanceOf(Invalidation.SessionsEnded.class);
            received.addAll(((Invalidation.SessionsEnded) next).idHashes());
        }
        assertThat(received).containsExactlyElementsOf(hashes);
    }

    @Test
    void aNodeThatLostItsConnectionIsToldToDropItsCachesAndHearsAgain() throws Exception {
        var a = new Node();
        var b = new Node();
        awaitConnected(a, b);
        if (!dropConnection(b.bus)) {
            return;
        }
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.reconnects.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(b.reconnects.get()).as("told to flush after reconnecting").isEqualTo(1);
        awaitConnected(b);
        a.bus.publish(new Invalidation.UserChanged(9));
        assertThat(b.next()).isEqualTo(new Invalidation.UserChanged(9));
    }

    private static void awaitConnected(Node... nodes) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (var node : nodes) {
            while (!node.bus.connected() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(node.bus.connected()).isTrue();
        }
    }
}
