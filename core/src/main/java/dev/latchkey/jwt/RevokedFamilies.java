package dev.latchkey.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of revoked token families, in memory, so that every access-token check is one hash lookup and a revoked
 * family's tokens are refused by the very next request. An id is kept only while an access token of the family can
 * still be valid ({@code remember}: the longest access lifetime any configuration may have given it, plus the
 * allowed clock skew); after that the tokens refuse themselves.
 *
 * <p>The set is loaded from the database at start, so a restart never revives a revoked token, and
 * {@link #sync} re-reads recent revocations so that one made by another process (the command line, another node)
 * takes hold here within a second.
 */
public final class RevokedFamilies {
    /** How far back each sync looks, beyond its last run: room for clocks of other nodes that run a little behind. */
    private static final Duration SYNC_OVERLAP = Duration.ofSeconds(30);

    private final TokenFamilyStore store;
    private final Clock clock;
    private final Duration remember;
    private final ConcurrentHashMap<String, Instant> forgetAt = new ConcurrentHashMap<>();
    private volatile Instant lastSync;

    public RevokedFamilies(TokenFamilyStore store, Clock clock, Duration remember) {
        this.store = store;
        this.clock = clock;
        this.remember = remember;
    }

    public boolean contains(String familyId) {
        return forgetAt.containsKey(familyId);
    }

    public void add(String familyId, Instant revokedAt) {
        forgetAt.merge(familyId, revokedAt.plus(remember), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Reads revocations made since the last sync (all that still matter, the first time) and forgets stale ones. */
    public synchronized void sync() {
        var now = clock.instant();
        var since = lastSync == null ? now.minus(remember) : lastSync.minus(SYNC_OVERLAP);
        for (var family : store.revokedSince(since)) {
            add(family.id(), family.revoked());
        }
        lastSync = now;
        forgetAt.values().removeIf(until -> !until.isAfter(now));
    }
}
