package dev.latchkey.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/**
 * Users by id, trusted for as briefly as sessions are ({@code session.cache_ttl}): an authenticated request costs no
 * user query while it is warm. Changes made through {@link Users} are forgotten here at once.
 */
public final class UserCache {
    private final UserStore store;
    private final Cache<Long, Optional<User>> cache;

    public UserCache(UserStore store, Duration ttl) {
        this.store = store;
        this.cache =
                Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
    }

    public Optional<User> find(long id) {
        return cache.get(id, store::findById);
    }

    public void forget(long id) {
        cache.invalidate(id);
    }

    /** Drops every cached user (this node may have missed a change made elsewhere). */
    public void forgetAll() {
        cache.invalidateAll();
    }
}
