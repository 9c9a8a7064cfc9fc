package dev.latchkey.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.user.UserRevocation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * DRF-style API tokens ({@code Authorization: Token <key>}), many per user, named, optionally expiring. A key is
 * {@code lk_} and 256 random bits (43 base64url characters), so secret scanners can recognise a leaked one; only its
 * SHA-256 is stored, and the key is shown once. A slow hash is not needed: the key is not guessable, only leakable.
 *
 * <p>Found tokens are cached as briefly as sessions ({@code cacheTtl}); last use is written at most once per
 * {@code touchInterval}.
 */
public final class ApiTokens implements UserRevocation {
    /** Who made a token. */
    public enum Origin {
        /** A user for themselves, through the API (with their password or a fresh browser sign-in). */
        USER,
        /** An operator, on the command line. */
        OPERATOR,
        /**
         * DRF's {@code authtoken}, brought over by {@code import django}: the key is Django's (40 hex characters), and
         * like a DRF token it lives until it is revoked, a password change or not.
         */
        DJANGO;

        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Origin ofColumn(String value) {
            if ("operator".equals(value)) {
                return OPERATOR;
            }
            return "django".equals(value) ? DJANGO : USER;
        }
    }

    /**
     * How long tokens live: {@code defaultLifetime} when none is asked for, and users may ask for at most
     * {@code maxLifetime}; an operator may also make one that never expires.
     */
    public record Lifetimes(Duration defaultLifetime, Duration maxLifetime) {
        public static final Lifetimes DEFAULT = new Lifetimes(Duration.ofDays(90), Duration.ofDays(365));

        public Lifetimes {
            if (defaultLifetime.isNegative()
                    || defaultLifetime.isZero()
                    || maxLifetime.compareTo(defaultLifetime) < 0) {
                throw new IllegalArgumentException(
                        "token lifetimes must be positive, the maximum not below the default");
            }
        }
    }

    public static final String PREFIX = "lk_";
    private static final int KEY_BYTES = 32;
    private static final int MAX_NAME = 100;
    /** A token that expires as it is made helps nobody and says something went wrong. */
    private static final Duration MIN_LIFETIME = Duration.ofMinutes(1);

    private final ApiTokenStore store;
    private final Secrets secrets;
    private final Clock clock;
    private final Duration touchInterval;
    private final Cache<String, ApiToken> cache;
    private final Lifetimes lifetimes;
    private final List<LongConsumer> revokeListeners = new CopyOnWriteArrayList<>();

    public ApiTokens(
            ApiTokenStore store,
            Secrets secrets,
            Clock clock,
            Duration touchInterval,
            Duration cacheTtl,
            Lifetimes lifetimes) {
        this.lifetimes = lifetimes;
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
        this.touchInterval = touchInterval;
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(cacheTtl)
                .build();
    }

    /** A token a user makes for themselves: {@code lifetime} empty for the default, never past the maximum. */
    public IssuedApiToken create(long userId, String name, Optional<Duration> lifetime) {
        var asked = lifetime.orElse(lifetimes.defaultLifetime());
        if (asked.compareTo(MIN_LIFETIME) < 0) {
            throw new InvalidInput("invalid_expiry", "a token lives at least a minute");
        }
        if (asked.compareTo(lifetimes.maxLifetime()) > 0) {
            throw new InvalidInput(
                    "invalid_expiry",
                    "a token lives at most " + lifetimes.maxLifetime().toDays() + " days");
        }
        return insert(userId, name, Optional.of(asked), Origin.USER);
    }

    /**
     * A token an operator makes: {@code lifetime} empty for one that never expires. Operators' tokens outlive
     * password changes (they serve machines, not the person); users' tokens do not.
     */
    public IssuedApiToken createByOperator(long userId, String name, Optional<Duration> lifetime) {
        return insert(userId, name, lifetime, Origin.OPERATOR);
    }

    private IssuedApiToken insert(long userId, String name, Optional<Duration> lifetime, Origin origin) {
        var cleanName = name == null || name.isBlank() ? "token" : name.strip();
        if (cleanName.length() > MAX_NAME || cleanName.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInput(
                    "invalid_name", "a token name has at most " + MAX_NAME + " characters and no control characters");
        }
        if (lifetime.isPresent()
                && (lifetime.get().isNegative() || lifetime.get().isZero())) {
            throw new InvalidInput("invalid_expiry", "a token's lifetime must be positive");
        }
        var key = PREFIX + secrets.urlSafeToken(KEY_BYTES);
        var now = clock.instant();
        var token = store.insert(
                userId,
                cleanName,
                Secrets.sha256Hex(key),
                key.substring(0, PREFIX.length() + 6),
                now,
                lifetime.map(now::plus).orElse(null),
                origin);
        return new IssuedApiToken(token, key);
    }

    /** Password change, deactivation: the tokens the user made for themselves stop working at once. */
    @Override
    public void revokeAll(long userId) {
        if (store.deleteCreatedBy(userId, Origin.USER) > 0) {
            forgetCachedOf(userId);
        }
    }

    /** The live token of this key, or empty for any other key (malformed, unknown, revoked, expired). */
    public Optional<ApiToken> find(String key) {
        if (!isWellFormed(key)) {
            return Optional.empty();
        }
        var hash = Secrets.sha256Hex(key);
        var token = cache.get(hash, h -> store.findByKeyHash(h).orElse(null));
        var now = clock.instant();
        if (token == null || token.isExpiredAt(now)) {
            return Optional.empty();
        }
        if (token.lastUsed() == null || !now.isBefore(token.lastUsed().plus(touchInterval))) {
            store.updateLastUsed(token.id(), now);
            token = new ApiToken(
                    token.id(),
                    token.userId(),
                    token.name(),
                    token.prefix(),
                    token.created(),
                    token.expires(),
                    now,
                    token.createdBy());
            cache.put(hash, token);
        }
        return Optional.of(token);
    }

    public List<ApiToken> forUser(long userId) {
        return store.findByUser(userId);
    }

    /** Revokes the user's token with this id; its key stops working here at once. */
    public boolean revoke(long userId, long id) {
        var deleted = store.delete(userId, id);
        if (deleted) {
            forgetCached(id);
            revokeListeners.forEach(listener -> listener.accept(id));
        }
        return deleted;
    }

    /** Called with the id of each token revoked one by one ({@link #revoke}), so that other nodes can drop it. */
    public void onRevoke(LongConsumer listener) {
        revokeListeners.add(listener);
    }

    /** Drops the token with this id from this process's cache (another node revoked it). */
    public void forgetCached(long tokenId) {
        cache.asMap().values().removeIf(t -> t.id() == tokenId);
    }

    /** Drops the tokens this user made from this process's cache (another node revoked them all). */
    public void forgetCachedOf(long userId) {
        cache.asMap().values().removeIf(t -> t.userId() == userId && t.createdBy() == Origin.USER);
    }

    /** Drops every cached token (this node may have missed a revocation made elsewhere). */
    public void forgetAllCached() {
        cache.invalidateAll();
    }

    public int purgeExpired() {
        return store.deleteExpired(clock.instant());
    }

    /**
     * {@code lk_} and 43 base64url characters, the shape latchkey's keys have, or 40 lower-case hex characters, the
     * shape of a DRF key that {@code import django} brought over.
     */
    public static boolean isWellFormed(String key) {
        return key != null
                && ((key.startsWith(PREFIX) && Secrets.isUrlSafeToken(key, PREFIX.length(), 43)) || isDrfKey(key));
    }

    /** DRF's {@code Token.generate_key}: {@code binascii.hexlify(os.urandom(20))}, 160 random bits. */
    static boolean isDrfKey(String key) {
        if (key.length() != 40) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
