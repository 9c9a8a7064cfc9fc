package dev.latchkey.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.request.RequestContext;
import dev.latchkey.user.UserRevocation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Django's session machinery: {@code login()} rotates the id, {@code logout()} ends the session on the server,
 * each request finds its session by the id in its cookie.
 *
 * <p>Ids are 256 random bits from the one {@link Secrets} source, sent as 43 base64url characters; only their
 * SHA-256 is stored. Found sessions are cached for {@link SessionSettings#cacheTtl()}, and last-seen is written at
 * most once per {@link SessionSettings#touchInterval()}, so a busy session costs no write per request.
 */
public final class Sessions implements UserRevocation {
    static final int ID_BYTES = 32;
    private static final int PURGE_BATCH = 1_000;

    private final SessionStore store;
    private final SessionSettings settings;
    private final Secrets secrets;
    private final Clock clock;
    private final Cache<String, Session> cache;
    private final List<SessionEndListener> endListeners = new CopyOnWriteArrayList<>();

    public Sessions(SessionStore store, SessionSettings settings, Secrets secrets, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.secrets = secrets;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(settings.cacheTtl())
                .build();
    }

    /** Called with the id hashes of signed-in sessions that end by sign-out, by the user or by an administrator. */
    public void onEnd(SessionEndListener listener) {
        endListeners.add(listener);
    }

    public SessionSettings settings() {
        return settings;
    }

    /** A new anonymous session, stored at once (it may hold a CSRF secret or a sign-in state). */
    public IssuedSession start(RequestContext request, Map<String, Object> data) {
        var issued = issue(null, data, request);
        store.insert(issued.session());
        return issued;
    }

    /**
     * The live session for a cookie value, or empty for anything else: a malformed value, an unknown, ended or
     * expired session. Never throws for bad input.
     */
    public Optional<Session> find(String id) {
        if (!isWellFormed(id)) {
            return Optional.empty();
        }
        var idHash = Secrets.sha256Hex(id);
        var session = cache.get(idHash, h -> store.findByIdHash(h).orElse(null));
        if (session == null) {
            return Optional.empty();
        }
        var now = clock.instant();
        if (session.isExpiredAt(now)) {
            cache.invalidate(idHash);
            return Optional.empty();
        }
        if (!now.isBefore(session.lastSeen().plus(settings.touchInterval()))) {
            session = session.seenAt(now, expiryFor(session.created(), now));
            store.updateLastSeen(idHash, session.lastSeen(), session.expires());
            cache.put(idHash, session);
        }
        return Optional.of(session);
    }

    /**
     * Signs {@code userId} in (Django's {@code login()}): always a new id, so an id planted before sign-in is worth
     * nothing after it (session fixation, OWASP ASVS 3.2.1). The data of the current session is kept when it was
     * anonymous or the same user's; a different user's session is flushed.
     */
    public IssuedSession login(String currentId, long userId, RequestContext request) {
        return login(currentId, userId, request, Map.of());
    }

    /** As {@link #login(String, long, RequestContext)}, with {@code add} put into the new session's data. */
    public IssuedSession login(String currentId, long userId, RequestContext request, Map<String, Object> add) {
        var current = find(currentId);
        var keep = current.filter(s -> s.userId() == null || s.userId() == userId);
        var data = new java.util.HashMap<String, Object>(keep.map(Session::data).orElse(Map.of()));
        data.putAll(add);
        var issued = issue(userId, data, request);
        var oldHash = current.map(Session::idHash).orElse(null);
        store.replace(oldHash, issued.session());
        if (oldHash != null) {
            cache.invalidate(oldHash);
            if (current.get().userId() != null) {
                notifyEnded(List.of(oldHash));
            }
        }
        return issued;
    }

    /** Ends the session server-side (Django's {@code logout()}); a cookie holding this id is worthless from now. */
    public boolean logout(String id) {
        if (!isWellFormed(id)) {
            return false;
        }
        return end(Secrets.sha256Hex(id));
    }

    /** How many signed-in sessions are live now (a gauge; one counting query). */
    public long countSignedIn() {
        return store.countSignedIn(clock.instant());
    }

    /** Ends the session with this id hash (from a list of the user's sessions). */
    public boolean end(String idHash) {
        var deleted = store.delete(idHash);
        cache.invalidate(idHash);
        if (deleted) {
            notifyEnded(List.of(idHash));
        }
        return deleted;
    }

    /**
     * Drops these sessions from this process's cache, without touching the store: another node ended them, and the
     * next request for one reads the store again.
     */
    public void forgetCached(List<String> idHashes) {
        cache.invalidateAll(idHashes);
    }

    /** Drops every cached session (this node may have missed that some ended elsewhere). */
    public void forgetAllCached() {
        cache.invalidateAll();
    }

    /** Saves changed data of a live session. */
    public Session save(Session session, Map<String, Object> data) {
        var updated = session.withData(data);
        store.update(updated);
        cache.put(updated.idHash(), updated);
        return updated;
    }

    /** The user's live sessions, most recently seen first. */
    public List<Session> forUser(long userId) {
        var now = clock.instant();
        return store.findByUser(userId).stream()
                .filter(s -> !s.isExpiredAt(now))
                .sorted((a, b) -> b.lastSeen().compareTo(a.lastSeen()))
                .toList();
    }

    /** Ends all of the user's sessions but the one with {@code keepIdHash} (null: all). */
    public int endAllFor(long userId, String keepIdHash) {
        var ended = store.deleteByUser(userId, keepIdHash);
        cache.invalidateAll(ended);
        notifyEnded(List.copyOf(ended));
        return ended.size();
    }

    @Override
    public void revokeAll(long userId) {
        endAllFor(userId, null);
    }

    /**
     * Deletes expired sessions in short batches, so that sign-ins are never held up by one long delete (Django's
     * {@code clearsessions}). Answers how many were deleted.
     */
    public int purgeExpired() {
        var now = clock.instant();
        int total = 0;
        int deleted;
        do {
            deleted = store.deleteExpired(now, PURGE_BATCH);
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
    }

    private void notifyEnded(List<String> idHashes) {
        if (!idHashes.isEmpty()) {
            endListeners.forEach(listener -> listener.sessionsEnded(idHashes));
        }
    }

    /** 43 base64url characters, the only shape an id has; anything else is not looked up at all. */
    private static boolean isWellFormed(String id) {
        return Secrets.isUrlSafeToken(id, 0, 43);
    }

    private IssuedSession issue(Long userId, Map<String, Object> data, RequestContext request) {
        var id = secrets.urlSafeToken(ID_BYTES);
        var now = clock.instant();
        var session = new Session(
                Secrets.sha256Hex(id),
                userId,
                data,
                now,
                now,
                expiryFor(now, now),
                request.userAgent(),
                request.clientIp());
        return new IssuedSession(id, session);
    }

    private Instant expiryFor(Instant created, Instant lastSeen) {
        var idle = lastSeen.plus(settings.idleTimeout());
        var absolute = created.plus(settings.absoluteTimeout());
        return idle.isBefore(absolute) ? idle : absolute;
    }
}
