package dev.latchkey.server.config;

import dev.latchkey.account.AccountSettings;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.mail.SmtpUrl;
import dev.latchkey.mfa.MfaSettings;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.social.ProviderSettings;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.throttle.ThrottleSettings;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.webauthn.WebAuthnSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server and the commands are configured with, built once by {@link SettingsLoader} from defaults,
 * {@code latchkey.toml}, {@code LATCHKEY_*} variables and flags (each overriding the one before), then immutable.
 */
public record Settings(
        Path dataDir,
        DatabaseUrl database,
        Server server,
        SessionSettings sessions,
        Argon2Settings argon2,
        PasswordPolicy passwordPolicy,
        JwtSettings jwt,
        Duration auditRetention,
        Log log,
        ThrottleSettings throttle,
        List<ProviderSettings> social,
        ApiTokens.Lifetimes tokenLifetimes,
        AccountSettings accounts,
        Mail mail,
        Shared shared,
        WebAuthnSettings webauthn,
        MfaSettings mfa) {

    /**
     * Where mail goes, or null in {@link Settings#mail} when it is not set up (password reset, verification and
     * invitations are then off).
     *
     * @param url  {@code mail.smtp_url}
     * @param from {@code mail.from}, the sender of every mail
     */
    public record Mail(SmtpUrl url, String from) {}

    /**
     * Where the state that nodes share lives beyond the database.
     *
     * @param redisUrl  Redis for throttle counters, single-use values and invalidations, or null for PostgreSQL (when
     *                  the database is) or memory (SQLite)
     * @param keyPrefix what Redis keys and the channel begin with
     */
    public record Shared(String redisUrl, String keyPrefix) {}

    /**
     * How the server logs.
     *
     * @param json     log lines as JSON objects rather than text
     * @param requests one line per request
     */
    public record Log(boolean json, boolean requests) {}

    /**
     * Where and how {@code serve} listens.
     *
     * @param tlsCert        PEM certificate chain, or null for the self-signed one in the data directory
     * @param trustedProxies addresses or CIDR ranges whose X-Forwarded-For and X-Forwarded-Proto are believed
     * @param redirectPort   a plain-HTTP port that only redirects to HTTPS, or null for none
     * @param managementPort a plain-HTTP port for /metrics, /healthz and /readyz, or null for none
     * @param publicUrl      the scheme, host and port browsers use to reach latchkey ({@code https://auth.example}),
     *                       or null to take them from each request's {@code Host}; it decides the origin that
     *                       unsafe browser requests must come from, social redirect URIs and links in mail
     * @param maxConnectionsPerClient open connections from one client address at once (proxies exempt)
     * @param headerTimeout  how long a new connection may take to send its first request's headers
     * @param bodyTimeout    how long a request may take to send its body
     * @param corsOrigins    the frontends on other origins that may call the JSON API, normalised
     * @param cookieSameSite the session and CSRF cookies' {@code SameSite}: {@code Lax}, {@code Strict} or
     *                       {@code None}
     * @param drainTime      how long a stopping server answers {@code /readyz} with 503 before it stops taking
     *                       requests, so that a load balancer's health checks take it out of rotation first
     */
    public record Server(
            String bind,
            int port,
            boolean plainHttp,
            Path tlsCert,
            Path tlsKey,
            List<String> trustedProxies,
            Integer redirectPort,
            String managementBind,
            Integer managementPort,
            URI publicUrl,
            int maxConnectionsPerClient,
            Duration headerTimeout,
            Duration bodyTimeout,
            List<String> corsOrigins,
            String cookieSameSite,
            Duration drainTime) {
        public Server {
            trustedProxies = List.copyOf(trustedProxies);
            corsOrigins = List.copyOf(corsOrigins);
        }
    }
}
