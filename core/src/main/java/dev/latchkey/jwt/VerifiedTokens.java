package dev.latchkey.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.latchkey.crypto.Secrets;
import java.time.Clock;
import java.time.Duration;

/**
 * Access tokens already verified, by the SHA-256 of the token, each until its {@code exp}: a token used again costs
 * a hash and a lookup instead of a signature check. Only what the token says is cached; whether its family is
 * revoked or its user still active is for the caller to ask on every use.
 */
final class VerifiedTokens {
    private static final int MAX_ENTRIES = 100_000;

    private final AccessTokens accessTokens;
    private final Clock clock;
    private final Cache<String, AccessToken> verified;

    VerifiedTokens(AccessTokens accessTokens, Clock clock) {
        this.accessTokens = accessTokens;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfter(untilExpiry())
                .build();
    }

    /** What the token says, verified now or before and not yet expired; {@link InvalidAccessToken} otherwise. */
    AccessToken verify(String token) throws InvalidAccessToken {
        var key = Secrets.sha256Hex(token);
        var access = verified.getIfPresent(key);
        if (access == null || !clock.instant().isBefore(access.expires())) {
            access = accessTokens.verify(token);
            verified.put(key, access);
        }
        return access;
    }

    private Expiry<String, AccessToken> untilExpiry() {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(String key, AccessToken token, long currentTime) {
                return Math.max(
                        0, Duration.between(clock.instant(), token.expires()).toNanos());
            }

            @Override
            public long expireAfterUpdate(String key, AccessToken token, long currentTime, long currentDuration) {
                return expireAfterCreate(key, token, currentTime);
            }

            @Override
            public long expireAfterRead(String key, AccessToken token, long currentTime, long currentDuration) {
                return currentDuration;
            }
        };
    }
}
