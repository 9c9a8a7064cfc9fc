package dev.latchkey.server.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.session.Sessions;
import dev.latchkey.user.User;
import dev.latchkey.user.Users;
import java.time.Duration;
import java.util.Optional;

/**
 * The one component that turns a request's credentials into its {@link Caller}. Handlers read the caller; they never
 * parse credentials. A session cookie names a user only while the session is live and the user active; anything
 * else (no cookie, garbage, an ended or expired session) is anonymous, never an error.
 *
 * <p>Users are cached as briefly as sessions are ({@code session.cache_ttl}), so an authenticated read costs no
 * database query while it is warm.
 */
public final class CurrentUser {
    private final Sessions sessions;
    private final Users users;
    private final CookiePolicy cookies;
    private final Cache<Long, Optional<User>> userCache;

    public CurrentUser(Sessions sessions, Users users, CookiePolicy cookies, Duration cacheTtl) {
        this.sessions = sessions;
        this.users = users;
        this.cookies = cookies;
        this.userCache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheTtl).build();
    }

    public Caller resolve(Exchange exchange) {
        var cookie = exchange.cookie(cookies.sessionName(exchange.client().https()));
        if (cookie.isEmpty()) {
            return Caller.anonymous(null);
        }
        var session = sessions.find(cookie.get());
        if (session.isEmpty()) {
            return Caller.anonymous(null);
        }
        var userId = session.get().userId();
        if (userId == null) {
            return Caller.anonymous(session.get());
        }
        var user = userCache.get(userId, users::findById).filter(User::active);
        return user.map(u -> new Caller(u, Caller.Method.SESSION, session.get()))
                .orElseGet(() -> Caller.anonymous(null));
    }

    /** Forgets a cached user at once (after a change made by this process). */
    public void forget(long userId) {
        userCache.invalidate(userId);
    }
}
