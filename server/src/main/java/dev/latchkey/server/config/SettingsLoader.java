package dev.latchkey.server.config;

import dev.latchkey.account.AccountSettings;
import dev.latchkey.account.EmailVerification;
import dev.latchkey.account.SignUpMode;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.mail.SmtpUrl;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.server.config.SettingSources.Raw;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.social.ProviderSettings;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.throttle.ThrottleSettings;
import dev.latchkey.token.ApiTokens;
import dev.latchkey.webauthn.WebAuthnSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds {@link Settings}: the defaults here, overridden by what {@link SettingSources} found (the file, the
 * environment, flags), each value read by the same {@link SettingReader}s. A bad value stops everything with a
 * message that names the setting, where it came from and what is accepted.
 */
public final class SettingsLoader {
    public static final String FILE_NAME = "latchkey.toml";

    private static final List<String> SOCIAL_ENDPOINTS =
            List.of("authorization_endpoint", "token_endpoint", "profile_endpoint", "emails_endpoint");
    private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final Path dataDir;
    private final SettingReader read;
    private final Map<String, Map<String, Raw>> social;

    private SettingsLoader(Path dataDir, SettingSources sources) {
        this.dataDir = dataDir;
        this.read = new SettingReader(sources.values(), "");
        this.social = sources.social();
    }

    /**
     * The settings of the data directory {@code dataDir}: the defaults, overridden by its {@value #FILE_NAME}, then
     * by {@code LATCHKEY_*} variables in {@code env}, then by {@code flags}.
     *
     * @param flags settings given on the command line, by key (e.g. {@code server.port}); they win over all else
     * @throws dev.latchkey.error.InvalidInput for a bad value or an unknown setting, naming it and where it came from
     */
    public static Settings load(Path dataDir, Map<String, String> env, Map<String, String> flags) {
        return new SettingsLoader(dataDir, SettingSources.read(dataDir.resolve(FILE_NAME), env, flags)).build();
    }

    /** The environment variable of a setting: {@code server.port} is {@code LATCHKEY_SERVER_PORT}. */
    public static String envName(String key) {
        return SettingSources.envName(key);
    }

    private Settings build() {
        var dbUrl = read.has("db.url")
                ? read.databaseUrl("db.url")
                : DatabaseUrl.sqlite(dataDir.resolve("latchkey.sqlite3"));
        var server = server();
        var sessions = sessions();
        var argon2 = new Argon2Settings(
                read.integer("password.argon2_memory_kib", Argon2Settings.OWASP.memoryKib(), 19 * 1024, 256 * 1024),
                read.integer("password.argon2_iterations", Argon2Settings.OWASP.iterations(), 2, 16),
                read.integer("password.argon2_parallelism", Argon2Settings.OWASP.parallelism(), 1, 64),
                Argon2Settings.OWASP.hashLength());
        var policy = new PasswordPolicy(
                read.integer("password.min_length", PasswordPolicy.DEFAULT.minLength(), 1, 1024),
                read.integer("password.min_strength", PasswordPolicy.DEFAULT.minStrength(), 0, 4));
        var retention = read.duration("audit.retention", Duration.ofDays(90));
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw read.invalid("audit.retention", "at least 1d");
        }
        var log = log();
        return new Settings(
                dataDir,
                dbUrl,
                server,
                sessions,
                argon2,
                policy,
                jwt(),
                retention,
                log,
                throttle(),
                socialProviders(),
                tokenLifetimes(),
                accounts(server.publicUrl()),
                mail(server.publicUrl()),
                shared(),
                webauthn(server.publicUrl()),
                new dev.latchkey.mfa.MfaSettings(
                        choice("mfa.required", dev.latchkey.mfa.MfaPolicy.class, dev.latchkey.mfa.MfaPolicy.NONE),
                        read.bool("mfa.trust_social", false)));
    }

    /**
     * Passkeys: the RP id is the host of {@code server.public_url} and its origin the first allowed origin;
     * {@code webauthn.origins} adds exact ones (an app's). Without a public URL there is no RP id to bind
     * credentials to, so passkeys are off (null).
     */
    private WebAuthnSettings webauthn(URI publicUrl) {
        var extra = read.origins("webauthn.origins");
        if (publicUrl == null) {
            return null;
        }
        return WebAuthnSettings.forPublicUrl(publicUrl, extra);
    }

    private AccountSettings accounts(URI publicUrl) {
        var defaults = AccountSettings.DEFAULT;
        var signup = choice("accounts.signup", SignUpMode.class, SignUpMode.CLOSED);
        var verification = choice(
                "accounts.email_verification", EmailVerification.class, AccountSettings.defaultVerification(signup));
        return new AccountSettings(
                signup,
                verification,
                read.bounded(
                        "accounts.reset_lifetime", defaults.resetLifetime(), Duration.ofMinutes(1), Duration.ofDays(1)),
                read.bounded(
                        "accounts.verification_lifetime",
                        defaults.verificationLifetime(),
                        Duration.ofMinutes(1),
                        Duration.ofDays(30)),
                read.bounded(
                        "accounts.invitation_lifetime",
                        defaults.invitationLifetime(),
                        Duration.ofMinutes(1),
                        Duration.ofDays(90)),
                publicUrl);
    }

    private <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        var text = read.text(key, fallback.name()).trim().toUpperCase(Locale.ROOT);
        for (var constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        var names = new ArrayList<String>();
        for (var constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw read.invalid(key, "one of " + String.join(", ", names));
    }

    private Settings.Mail mail(URI publicUrl) {
        if (!read.has("mail.smtp_url")) {
            return null;
        }
        SmtpUrl url;
        try {
            url = SmtpUrl.parse(read.text("mail.smtp_url", ""));
        } catch (IllegalArgumentException e) {
            throw read.invalidSecret(
                    "mail.smtp_url", "smtp://[user[:password]@]host[:port] or smtps://... (" + e.getMessage() + ")");
        }
        var fallbackFrom = publicUrl == null ? null : "latchkey@" + publicUrl.getHost();
        var from = read.text("mail.from", fallbackFrom);
        if (from == null || from.isBlank()) {
            throw read.invalid("mail.from", "the sender address (needed when server.public_url is not set)");
        }
        try {
            new jakarta.mail.internet.InternetAddress(from.strip(), true).validate();
        } catch (jakarta.mail.internet.AddressException e) {
            throw read.invalid("mail.from", "an email address, e.g. latchkey@auth.example.com");
        }
        return new Settings.Mail(url, from.strip());
    }

    private Settings.Server server() {
        var cert = read.text("server.tls_cert", null);
        var key = read.text("server.tls_key", null);
        if ((cert == null) != (key == null)) {
            throw new InvalidInput(
                    "invalid_setting", "server.tls_cert and server.tls_key go together: set both or " + "neither");
        }
        var proxies = read.text("server.trusted_proxies", "");
        var plainHttp = read.bool("server.http", false);
        var publicUrl = read.origin("server.public_url");
        return new Settings.Server(
                read.text("server.bind", "127.0.0.1"),
                read.integer("server.port", 8443, 0, 65_535),
                plainHttp,
                cert == null ? null : path("server.tls_cert", cert),
                key == null ? null : path("server.tls_key", key),
                proxies.isBlank() ? List.of() : List.of(proxies.split("\\s*,\\s*")),
                port("server.redirect_http_port"),
                read.text("server.management_bind", "127.0.0.1"),
                port("server.management_port"),
                publicUrl,
                read.integer("server.max_connections_per_client", 64, 1, 100_000),
                read.bounded(
                        "server.header_timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                read.bounded(
                        "server.body_timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                read.origins("http.cors_origins"),
                sameSite(plainHttp, publicUrl),
                read.bounded("server.drain_time", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5)));
    }

    /**
     * {@code session.cookie_samesite}: {@code Lax} unless set. {@code None} is refused where cookies could not be
     * {@code Secure} (plain HTTP without an https {@code server.public_url}): browsers drop such a cookie.
     */
    private String sameSite(boolean plainHttp, URI publicUrl) {
        var value = read.text("session.cookie_samesite", "Lax").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "lax" -> "Lax";
            case "strict" -> "Strict";
            case "none" -> {
                if (plainHttp && (publicUrl == null || !publicUrl.getScheme().equals("https"))) {
                    throw read.invalid(
                            "session.cookie_samesite",
                            "Lax or Strict over plain HTTP: None needs Secure cookies, so HTTPS, or server.http"
                                    + " behind a TLS proxy with an https server.public_url");
                }
                yield "None";
            }
            default -> throw read.invalid("session.cookie_samesite", "Lax, Strict or None");
        };
    }

    private Settings.Shared shared() {
        var prefix = read.text("redis.key_prefix", "latchkey:");
        if (!prefix.matches("[A-Za-z0-9:_.-]{1,64}")) {
            throw read.invalid("redis.key_prefix", "1 to 64 letters, digits or the characters : _ . -");
        }
        return new Settings.Shared(read.redisUrl("redis.url"), prefix);
    }

    /** A port that is off unless set. */
    private Integer port(String key) {
        return read.has(key) ? read.integer(key, 0, 0, 65_535) : null;
    }

    private SessionSettings sessions() {
        var idle = read.duration("session.idle_timeout", Duration.ofDays(14));
        var absolute = read.duration("session.absolute_timeout", Duration.ofDays(30));
        if (absolute.compareTo(idle) < 0) {
            throw new InvalidInput(
                    "invalid_setting", "session.absolute_timeout must not be shorter than session.idle_timeout");
        }
        if (idle.isZero() || idle.isNegative()) {
            throw read.invalid("session.idle_timeout", "a positive duration");
        }
        return new SessionSettings(
                idle,
                absolute,
                read.bool("session.expire_at_browser_close", false),
                SessionSettings.DEFAULT.touchInterval(),
                read.duration("session.cache_ttl", SessionSettings.DEFAULT.cacheTtl()));
    }

    /** A file named by a setting, relative to the data directory; refused when no path could be that name. */
    private Path path(String key, String value) {
        try {
            return dataDir.resolve(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw read.invalid(key, "a file name (no NUL characters)");
        }
    }

    private Settings.Log log() {
        var format = read.text("log.format", "text").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw read.invalid("log.format", "text or json");
        }
        return new Settings.Log(format.equals("json"), read.bool("log.requests", true));
    }

    private ApiTokens.Lifetimes tokenLifetimes() {
        var defaults = ApiTokens.Lifetimes.DEFAULT;
        var max = read.bounded(
                "tokens.max_lifetime", defaults.maxLifetime(), Duration.ofMinutes(1), Duration.ofDays(3650));
        var dflt = read.bounded(
                "tokens.default_lifetime",
                defaults.defaultLifetime().compareTo(max) > 0 ? max : defaults.defaultLifetime(),
                Duration.ofMinutes(1),
                max);
        return new ApiTokens.Lifetimes(dflt, max);
    }

    private ThrottleSettings throttle() {
        var defaults = ThrottleSettings.DEFAULT;
        return new ThrottleSettings(
                read.rule("throttle.per_ip", defaults.perIp()),
                read.rule("throttle.per_account_ip", defaults.perAccountAndIp()),
                read.rule("throttle.per_account", defaults.perAccount()),
                defaults.tightened(),
                read.duration("throttle.max_block", defaults.maxBlock()),
                defaults.maxKeys());
    }

    private JwtSettings jwt() {
        var defaults = JwtSettings.DEFAULT;
        var name = read.text("jwt.algorithm", defaults.algorithm().getName()).trim();
        var algorithm = SigningKeys.ALGORITHMS.stream()
                .filter(a -> a.getName().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> read.invalid("jwt.algorithm", "one of " + SigningKeys.ALGORITHMS));
        var refresh = read.duration("jwt.refresh_lifetime", defaults.refreshLifetime());
        var max = read.duration("jwt.refresh_max_lifetime", defaults.familyLifetime());
        if (max.compareTo(refresh) < 0) {
            throw new InvalidInput(
                    "invalid_setting", "jwt.refresh_max_lifetime must not be shorter than jwt.refresh_lifetime");
        }
        var access = read.duration("jwt.access_lifetime", defaults.accessLifetime());
        // Revoked families are remembered for the longest access lifetime allowed, whatever is configured now.
        if (access.isZero() || access.isNegative() || access.compareTo(JwtSettings.MAX_ACCESS_LIFETIME) > 0) {
            throw read.invalid("jwt.access_lifetime", "from 1s to 1d");
        }
        if (refresh.isZero() || refresh.isNegative()) {
            throw read.invalid("jwt.refresh_lifetime", "a positive duration");
        }
        return new JwtSettings(
                algorithm,
                read.text("jwt.issuer", defaults.issuer()),
                read.text("jwt.audience", defaults.audience()),
                access,
                refresh,
                max);
    }

    private List<ProviderSettings> socialProviders() {
        var providers = new ArrayList<ProviderSettings>();
        social.forEach((name, values) -> {
            if (!PROVIDER_NAME.matcher(name).matches()) {
                throw new InvalidInput(
                        "invalid_setting",
                        "social provider name \"" + name + "\" must be lower-case " + "letters, digits and dashes");
            }
            providers.add(provider(name, new SettingReader(values, "social." + name + ".")));
        });
        return providers;
    }

    private static ProviderSettings provider(String name, SettingReader read) {
        var type = read.trimmed("type", name);
        var clientId = read.required("client_id");
        var secret = read.required("client_secret");
        var issuer = read.secureUrl("issuer");
        var endpoints = new LinkedHashMap<String, URI>();
        for (var key : SOCIAL_ENDPOINTS) {
            if (read.has(key)) {
                endpoints.put(key, read.secureUrl(key));
            }
        }
        var scopes = read.words("scopes", List.of("openid", "email", "profile"));
        var redirects = read.words("redirect_uris", List.of());
        var timeout = read.duration("timeout", ProviderSettings.DEFAULT_TIMEOUT, "5s");
        var keep = read.trueOrFalse("keep_tokens", false);
        var link = read.trueOrFalse("link_by_email", true);
        return new ProviderSettings(
                name, type, issuer, clientId, secret, scopes, redirects, timeout, endpoints, keep, link);
    }
}
