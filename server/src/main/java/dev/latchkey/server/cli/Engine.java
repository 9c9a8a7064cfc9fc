package dev.latchkey.server.cli;

import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.redis.RedisInvalidationBus;
import dev.latchkey.redis.RedisLink;
import dev.latchkey.redis.RedisSingleUseStore;
import dev.latchkey.redis.RedisThrottleStore;
import dev.latchkey.server.config.InstanceSecret;
import dev.latchkey.server.config.Settings;
import dev.latchkey.store.Database;
import dev.latchkey.throttle.MemoryThrottleStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/** Opens the library from settings: the one place the server and the commands wire {@link Latchkey}. */
public final class Engine {
    private Engine() {}

    public static Latchkey open(Settings settings, Map<String, String> env) {
        return open(settings, env, new SimpleMeterRegistry());
    }

    /** With the registry that metrics go to (Prometheus's, when {@code serve} has a management port). */
    public static Latchkey open(Settings settings, Map<String, String> env, MeterRegistry meters) {
        // One source of randomness for the process: the instance secret, when made now, and everything after.
        var secrets = Secrets.create();
        var secret = InstanceSecret.load(settings.dataDir(), env, secrets);
        var database = Database.open(settings.database());
        RedisLink redis = null;
        try {
            var builder = Latchkey.builder(database);
            var redisUrl = settings.shared().redisUrl();
            if (redisUrl != null) {
                // Redis carries the shared state instead of the database: counters (in memory while Redis is away),
                // single-use values and invalidations.
                redis = new RedisLink(redisUrl, settings.shared().keyPrefix(), meters);
                builder.throttleStore(new RedisThrottleStore(
                                redis,
                                new MemoryThrottleStore(settings.throttle().maxKeys())))
                        .singleUse(new RedisSingleUseStore(redis))
                        .invalidations(new RedisInvalidationBus(redis, secrets.urlSafeToken(9)))
                        .alsoClose(redis);
            }
            return builder.secrets(secrets)
                    .instanceSecret(secret)
                    .argon2(settings.argon2())
                    .passwordPolicy(settings.passwordPolicy())
                    .sessions(settings.sessions())
                    .jwt(settings.jwt())
                    .tokenLifetimes(settings.tokenLifetimes())
                    .throttle(settings.throttle())
                    .socialProviders(settings.social())
                    .meters(meters)
                    .build();
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            database.close();
            throw e;
        }
    }
}
