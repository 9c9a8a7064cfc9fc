package dev.latchkey.server.cli;

import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.mail.SmtpTransport;
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
import java.time.Duration;
import java.util.Map;

/** Opens the library from settings: the one place the server and the commands wire {@link Latchkey}. */
public final class Engine {
    /** The longest one SMTP step (connect, a command, the message) may take before the sender tries again later. */
    public static final Duration MAIL_TIMEOUT = Duration.ofSeconds(20);

    private Engine() {}

    public static Latchkey open(Settings settings, Map<String, String> env) {
        return open(settings, env, new SimpleMeterRegistry());
    }

    /**
     * For {@code serve}: with the registry that metrics go to (Prometheus's, when it has a management port), and the
     * background work that a command does not do — sending mail, answering requests made by address.
     */
    public static Latchkey serving(Settings settings, Map<String, String> env, MeterRegistry meters) {
        return open(settings, env, meters, true);
    }

    /** With the registry that metrics go to; no mail is sent from here (a command may enqueue it). */
    public static Latchkey open(Settings settings, Map<String, String> env, MeterRegistry meters) {
        return open(settings, env, meters, false);
    }

    private static Latchkey open(Settings settings, Map<String, String> env, MeterRegistry meters, boolean serving) {
        // One source of randomness for the process: the instance secret, when made now, and everything after.
        var secrets = Secrets.create();
        var secret = InstanceSecret.load(settings.dataDir(), env, secrets);
        var database = Database.open(settings.database());
        RedisLink redis = null;
        try {
            var builder = Latchkey.builder(database)
                    .secrets(secrets)
                    .instanceSecret(secret)
                    .argon2(settings.argon2())
                    .passwordPolicy(settings.passwordPolicy())
                    .sessions(settings.sessions())
                    .jwt(settings.jwt())
                    .tokenLifetimes(settings.tokenLifetimes())
                    .throttle(settings.throttle())
                    .socialProviders(settings.social())
                    .accounts(settings.accounts())
                    .mfa(settings.mfa())
                    .mfaIssuer(
                            settings.server().publicUrl() == null
                                    ? "latchkey"
                                    : settings.server().publicUrl().getHost())
                    .background(serving)
                    .meters(meters);
            if (settings.mail() != null) {
                builder.mail(
                        new SmtpTransport(
                                settings.mail().url(),
                                settings.mail().from(),
                                MAIL_TIMEOUT,
                                java.time.Clock.systemUTC()),
                        Duration.ofSeconds(30));
            }
            if (settings.webauthn() != null) {
                builder.webauthn(settings.webauthn());
            }
            if (settings.server().publicUrl() != null) {
                // The OpenID Provider's issuer is where browsers reach latchkey; it names no trailing slash.
                var issuer = settings.server().publicUrl().toString();
                builder.openIdProvider(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer);
            }
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
            return builder.build();
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            database.close();
            throw e;
        }
    }
}
