package dev.latchkey.redis;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.throttle.MemoryThrottleStore;
import dev.latchkey.throttle.Rule;
import dev.latchkey.throttle.ThrottleStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link ThrottleStore} in Redis, shared by every node on it: each operation is one Lua script, which Redis runs
 * alone, so that attempts on any number of nodes are counted one at a time. A key is three Redis keys with one hash
 * tag (a cluster keeps them on one shard): a hash (block, block count), a sorted set of failures and one of attempts
 * in flight, scored by time; all three expire after a quiet day. Times are the callers' ({@code now}), as in memory.
 *
 * <p>While Redis does not answer, counting falls back to this node's memory ({@link MemoryThrottleStore}): sign-ins go
 * on, each node holding its own budget, which is logged loudly and counted ({@code latchkey.redis.unavailable
 * {piece="throttle"}}) — an attacker then gets a budget per node, not an open door. Counting goes back to Redis with
 * the first command that succeeds.
 */
public final class RedisThrottleStore implements ThrottleStore {
    static final long IN_FLIGHT_WAIT_MS = Duration.ofSeconds(1).toMillis();
    static final long IN_FLIGHT_LIMIT_MS = Duration.ofMinutes(1).toMillis();
    static final long FORGET_AFTER_MS = Duration.ofDays(1).toMillis();
    private static final int MAX_KEY = 256;

    /** KEYS: state, failures, in flight. ARGV: now, window, limit, in-flight limit, in-flight wait, forget after. */
    private static final String RESERVE = """
            local now = tonumber(ARGV[1])
            local blocked = tonumber(redis.call('HGET', KEYS[1], 'blocked_until') or '0')
            if blocked > now then return blocked end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]))
            if redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
              return now + tonumber(ARGV[5])
            end
            local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
            redis.call('ZADD', KEYS[3], now, string.format('%d:%d', now, seq))
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
            return -1
            """;

    /**
     * KEYS: state, failures, in flight. ARGV: now, reserved at, window, limit, in-flight limit, max block, forget
     * after.
     */
    private static final String FAILED = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[3])
            local held = redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[2], ARGV[2], 'LIMIT', 0, 1)
            if #held > 0 then redis.call('ZREM', KEYS[3], held[1]) end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[5]))
            local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
            redis.call('ZADD', KEYS[2], now, string.format('%d:%d', now, seq))
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[7]) end
            if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[4]) then return -1 end
            redis.call('DEL', KEYS[2])
            local blocks = tonumber(redis.call('HGET', KEYS[1], 'blocks') or '0')
            local block = window * math.pow(2, math.min(blocks, 20))
            if block > tonumber(ARGV[6]) then block = tonumber(ARGV[6]) end
            local blockedUntil = now + block
            redis.call('HSET', KEYS[1], 'blocked_until', string.format('%d', blockedUntil), 'blocks', blocks + 1)
            return blockedUntil
            """;

    /** KEYS: in flight. ARGV: reserved at. */
    private static final String RELEASE = """
            local held = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
            if #held > 0 then redis.call('ZREM', KEYS[1], held[1]) end
            return 0
            """;

    private final RedisLink link;
    private final MemoryThrottleStore fallback;

    /** @param fallback where this node counts while Redis does not answer */
    public RedisThrottleStore(RedisLink link, MemoryThrottleStore fallback) {
        this.link = link;
        this.fallback = fallback;
    }

    @Override
    public Optional<Instant> blockedUntil(String key, Instant now) {
        return orFallback(
                () -> {
                    var value = link.commands().hget(keys(key)[0], "blocked_until");
                    return Optional.ofNullable(value)
                            .map(v -> Instant.ofEpochMilli(Long.parseLong(v)))
                            .filter(until -> until.isAfter(now));
                },
                () -> fallback.blockedUntil(key, now));
    }

    @Override
    public Optional<Instant> reserve(String key, Instant now, Rule rule, Duration maxBlock) {
        return orFallback(
                () -> until(link.commands()
                        .eval(
                                RESERVE,
                                ScriptOutputType.INTEGER,
                                keys(key),
                                Long.toString(now.toEpochMilli()),
                                Long.toString(rule.window().toMillis()),
                                Integer.toString(rule.limit()),
                                Long.toString(IN_FLIGHT_LIMIT_MS),
                                Long.toString(IN_FLIGHT_WAIT_MS),
                                Long.toString(FORGET_AFTER_MS))),
                () -> fallback.reserve(key, now, rule, maxBlock));
    }

    @Override
    public Optional<Instant> failed(String key, Instant reservedAt, Instant now, Rule rule, Duration maxBlock) {
        return orFallback(
                () -> until(link.commands()
                        .eval(
                                FAILED,
                                ScriptOutputType.INTEGER,
                                keys(key),
                                Long.toString(now.toEpochMilli()),
                                Long.toString(reservedAt.toEpochMilli()),
                                Long.toString(rule.window().toMillis()),
                                Integer.toString(rule.limit()),
                                Long.toString(IN_FLIGHT_LIMIT_MS),
                                Long.toString(maxBlock.toMillis()),
                                Long.toString(FORGET_AFTER_MS))),
                () -> fallback.failed(key, reservedAt, now, rule, maxBlock));
    }

    @Override
    public void release(String key, Instant reservedAt) {
        orFallback(
                () -> link.commands()
                        .eval(
                                RELEASE,
                                ScriptOutputType.INTEGER,
                                new String[] {keys(key)[2]},
                                Long.toString(reservedAt.toEpochMilli())),
                () -> {
                    fallback.release(key, reservedAt);
                    return 0L;
                });
    }

    @Override
    public void reset(String key) {
        orFallback(() -> link.commands().del(keys(key)), () -> {
            fallback.reset(key);
            return 0L;
        });
        // A success must also clear what was counted here while Redis was away.
        fallback.reset(key);
    }

    private <T> T orFallback(Supplier<T> redis, Supplier<T> memory) {
        T result;
        try {
            result = redis.get();
        } catch (RuntimeException e) {
            link.failed("throttle", e);
            return memory.get();
        }
        link.succeeded();
        return result;
    }

    private static Optional<Instant> until(Object reply) {
        long value = (Long) reply;
        return value < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    /** The state, failures and in-flight keys of a throttle key, under one hash tag. */
    private String[] keys(String key) {
        var tag = "{" + (key.length() <= MAX_KEY ? key : "sha256:" + Secrets.sha256Hex(key)) + "}";
        var base = link.prefix() + "throttle:" + tag;
        return new String[] {base, base + ":failures", base + ":in_flight"};
    }
}
