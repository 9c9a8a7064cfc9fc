package dev.latchkey.jwt;

import dev.latchkey.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of revoked token families, in memory, so that every access-token check is one hash lookup and a revoked
 * family's tokens are refused by the very next request. An id is kept only while an access token of the family can
 * still be valid ({@link #REMEMBER}); after that the tokens refuse themselves.
 *
 * <p>{@link #start} loads the set from the database, so a restart never revives a revoked token, and then re-reads
 * recent revocations every {@link #SYNC_INTERVAL}, so that one made by another process (the command line, another
 * node) takes hold here within a second.
 */
public final class RevokedFamilies {
    /**
     * How long a revoked family is remembered (in memory, and as a row the next start loads): the longest access
     * lifetime the settings allow, not the one configured now, and a minute for the allowed clock skew. A token issued
     * before a restart that lowered {@code jwt.access_lifetime} keeps the expiry it was issued with, and only its
     * family's revocation stops it. The cost is a day of revoked ids in memory (about 150 bytes each) instead of
     * minutes of them.
     */
    public static final Duration REMEMBER = JwtSettings.MAX_ACCESS_LIFETIME.plus(Duration.ofSeconds(60));

    public static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(RevokedFamilies.class);
    /** How far back each sync looks, beyond its last run: room for clocks of other nodes that run a little behind. */
    private static final Duration SYNC_OVERLAP = Duration.ofSeconds(30);

    private final TokenFamilyStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> forgetAt = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Instant>> addListeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastSync;
    private Scheduler.Cancellable syncing;

    public RevokedFamilies(TokenFamilyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public boolean contains(String familyId) {
        return forgetAt.containsKey(familyId);
    }

    /** A family revoked by this process: remembered here, and told to {@link #onAdd} listeners (other nodes). */
    public void add(String familyId, Instant revokedAt) {
        heard(familyId, revokedAt);
        addListeners.forEach(listener -> listener.accept(familyId, revokedAt));
    }

    /** A family another node revoked: remembered here, told to nobody. */
    public void heard(String familyId, Instant revokedAt) {
        forgetAt.merge(familyId, revokedAt.plus(REMEMBER), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Called with each family this process revokes, so that other nodes hear of it before their next sync. */
    public void onAdd(BiConsumer<String, Instant> listener) {
        addListeners.add(listener);
    }

    /**
     * Loads the revocations that still matter now ({@link dev.latchkey.error.StoreFailure} if the database cannot
     * say), then re-reads them on {@code scheduler} until {@link #stop}. Starting again while started does nothing.
     */
    public synchronized void start(Scheduler scheduler) {
        if (syncing != null) {
            return;
        }
        sync();
        syncing = scheduler.every("revocation-sync", SYNC_INTERVAL, this::syncQuietly);
    }

    /** Stops the re-reading; what is in memory stays. */
    public synchronized void stop() {
        if (syncing != null) {
            syncing.cancel();
            syncing = null;
        }
    }

    /** Reads revocations made since the last sync (all that still matter, the first time) and forgets stale ones. */
    public synchronized void sync() {
        var now = clock.instant();
        var since = lastSync == null ? now.minus(REMEMBER) : lastSync.minus(SYNC_OVERLAP);
        for (var family : store.findRevokedSince(since)) {
            heard(family.id(), family.revoked());
        }
        lastSync = now;
        forgetAt.values().removeIf(until -> !until.isAfter(now));
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            log.warn("could not re-read revoked token families; retrying in {}", SYNC_INTERVAL, e);
        }
    }
}
