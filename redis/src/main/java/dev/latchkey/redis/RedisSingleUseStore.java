package dev.latchkey.redis;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.StoreFailure;
import dev.latchkey.singleuse.SingleUseStore;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link SingleUseStore} in Redis: {@code SET key 1 NX PX lifetime}, which only the first of any number of uses on
 * any number of nodes succeeds at; the key is the SHA-256 of purpose and value, and Redis forgets it when the value
 * has expired. While Redis does not answer, every use is refused ({@link StoreFailure}, 503): a value that might
 * have been used already must not be taken on trust.
 */
public final class RedisSingleUseStore implements SingleUseStore {
    private final RedisLink link;

    public RedisSingleUseStore(RedisLink link) {
        this.link = link;
    }

    @Override
    public boolean firstUse(String purpose, String value, Instant now, Duration lifetime) {
        var key = link.prefix() + "once:" + Secrets.sha256Hex(purpose + ' ' + value);
        String reply;
        try {
            reply = link.commands().set(key, "1", SetArgs.Builder.nx().px(Math.max(1, lifetime.toMillis())));
        } catch (RuntimeException e) {
            link.failed("single_use", e);
            throw new StoreFailure("the shared single-use store (Redis) does not answer", e);
        }
        link.succeeded();
        return "OK".equals(reply);
    }
}
