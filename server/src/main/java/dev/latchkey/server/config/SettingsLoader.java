package dev.latchkey.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.jwt.SigningKeys;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.social.ProviderSettings;
import dev.latchkey.throttle.Rule;
import dev.latchkey.throttle.ThrottleSettings;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.store.DatabaseUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds {@link Settings}: defaults, then {@code latchkey.toml} in the data directory, then {@code LATCHKEY_*}
 * environment variables ({@code server.port} is {@code LATCHKEY_SERVER_PORT}), then command-line flags. A bad value
 * stops everything with a message that names the setting, where it came from and what is accepted; an unknown key
 * in the file is an error too, since a misspelt setting silently ignored is a setting that does not work.
 */
public final class SettingsLoader {
    public static final String FILE_NAME = "latchkey.toml";

    private static final Set<String> KNOWN = Set.of("db.url", "server.bind", "server.port", "server.http",
            "server.tls_cert", "server.tls_key", "server.trusted_proxies", "server.redirect_http_port",
            "session.idle_timeout", "session.absolute_timeout", "session.expire_at_browser_close",
            "session.cache_ttl", "password.min_length", "password.argon2_memory_kib", "password.argon2_iterations",
            "password.argon2_parallelism", "jwt.algorithm", "jwt.issuer", "jwt.audience", "jwt.access_lifetime",
            "jwt.refresh_lifetime", "jwt.refresh_max_lifetime", "audit.retention",
            "server.management_bind", "server.management_port", "log.format", "log.requests", "throttle.per_ip",
            "throttle.per_account_ip", "throttle.per_account", "throttle.max_block", "server.public_url",
            "server.max_connections_per_client", "server.header_timeout", "server.body_timeout",
            "tokens.default_lifetime", "tokens.max_lifetime");

    /** A raw value and where it came from, for error messages. */
    private record Raw(String value, String source) {
    }

    private final Map<String, Raw> raw = new LinkedHashMap<>();
    /** {@code [social.NAME]} sections: provider name to its settings. */
    private final Map<String, Map<String, Raw>> social = new java.util.TreeMap<>();
    private static final List<String> SOCIAL_ENDPOINTS = List.of("authorization_endpoint", "token_endpoint",
            "profile_endpoint", "emails_endpoint");
    private static final List<String> SOCIAL_KEYS = List.of("client_secret", "client_id", "redirect_uris", "scopes",
            "issuer", "type", "timeout", "authorization_endpoint", "token_endpoint", "profile_endpoint",
            "emails_endpoint", "keep_tokens", "link_by_email");
    private static final java.util.regex.Pattern PROVIDER_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private final Path dataDir;

    private SettingsLoader(Path dataDir) {
        this.dataDir = dataDir;
    }

    /**
     * @param flags settings given on the command line, by key (e.g. {@code server.port}); they win over all else
     */
    public static Settings load(Path dataDir, Map<String, String> env, Map<String, String> flags) {
        var loader = new SettingsLoader(dataDir);
        loader.readFile(dataDir.resolve(FILE_NAME));
        for (var key : KNOWN) {
            var name = envName(key);
            if (env.containsKey(name)) {
                loader.raw.put(key, new Raw(env.get(name), name));
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith("LATCHKEY_SOCIAL_")) {
                loader.socialFromEnv(name, value);
            }
        });
        flags.forEach((key, value) -> {
            if (value != null) {
                loader.raw.put(key, new Raw(value, "the command line"));
            }
        });
        return loader.build();
    }

    public static String envName(String key) {
        return "LATCHKEY_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private void readFile(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInput("invalid_setting", file + " is not valid TOML: " + e.getMessage());
        }
        var source = file.getFileName().toString();
        root.properties().forEach(section -> {
            if (!section.getValue().isObject()) {
                throw unknown(section.getKey(), source);
            }
            if (section.getKey().equals("social")) {
                section.getValue().properties().forEach(provider -> socialFromFile(provider.getKey(),
                        provider.getValue(), source));
                return;
            }
            section.getValue().properties().forEach(entry -> {
                var key = section.getKey() + "." + entry.getKey();
                if (!KNOWN.contains(key)) {
                    throw unknown(key, source);
                }
                if (entry.getValue().isContainerNode()) {
                    throw new InvalidInput("invalid_setting", key + " in " + source + " must be a single value");
                }
                raw.put(key, new Raw(entry.getValue().asText(), source));
            });
        });
    }

    private Settings build() {
        var dbUrl = raw.containsKey("db.url") ? database("db.url") : DatabaseUrl.sqlite(dataDir.resolve("latchkey.sqlite3"));
        var cert = text("server.tls_cert", null);
        var key = text("server.tls_key", null);
        if ((cert == null) != (key == null)) {
            throw new InvalidInput("invalid_setting", "server.tls_cert and server.tls_key go together: set both or "
                    + "neither");
        }
        var proxies = text("server.trusted_proxies", "");
        var server = new Settings.Server(text("server.bind", "127.0.0.1"),
                integer("server.port", 8443, 0, 65_535), bool("server.http", false),
                cert == null ? null : path("server.tls_cert", cert), key == null ? null : path("server.tls_key", key),
                proxies.isBlank() ? List.of() : List.of(proxies.split("\\s*,\\s*")),
                raw.containsKey("server.redirect_http_port") ? integer("server.redirect_http_port", 0, 0, 65_535)
                        : null, text("server.management_bind", "127.0.0.1"),
                raw.containsKey("server.management_port") ? integer("server.management_port", 0, 0, 65_535) : null,
                publicUrl(), integer("server.max_connections_per_client", 64, 1, 100_000),
                bounded("server.header_timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                bounded("server.body_timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)));
        var idle = duration("session.idle_timeout", Duration.ofDays(14));
        var absolute = duration("session.absolute_timeout", Duration.ofDays(30));
        if (absolute.compareTo(idle) < 0) {
            throw new InvalidInput("invalid_setting",
                    "session.absolute_timeout must not be shorter than session.idle_timeout");
        }
        if (idle.isZero() || idle.isNegative()) {
            throw invalid("session.idle_timeout", raw.get("session.idle_timeout"), "a positive duration");
        }
        var sessions = new SessionSettings(idle, absolute, bool("session.expire_at_browser_close", false),
                SessionSettings.DEFAULT.touchInterval(),
                duration("session.cache_ttl", SessionSettings.DEFAULT.cacheTtl()));
        var argon2 = new Argon2Settings(
                integer("password.argon2_memory_kib", Argon2Settings.OWASP.memoryKib(), 19 * 1024, 256 * 1024),
                integer("password.argon2_iterations", Argon2Settings.OWASP.iterations(), 2, 16),
                integer("password.argon2_parallelism", Argon2Settings.OWASP.parallelism(), 1, 64),
                Argon2Settings.OWASP.hashLength());
        var policy = new PasswordPolicy(integer("password.min_length", PasswordPolicy.DEFAULT.minLength(), 1, 1024));
        var retention = duration("audit.retention", Duration.ofDays(90));
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw invalid("audit.retention", raw.get("audit.retention"), "at least 1d");
        }
        var format = text("log.format", "text").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw invalid("log.format", raw.get("log.format"), "text or json");
        }
        var log = new Settings.Log(format.equals("json"), bool("log.requests", true));
        return new Settings(dataDir, dbUrl, server, sessions, argon2, policy, jwt(), retention, log, throttle(),
                socialProviders(), tokenLifetimes());
    }

    /** A file named by a setting, relative to the data directory; refused when no path could be that name. */
    private Path path(String key, String value) {
        try {
            return dataDir.resolve(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw invalid(key, raw.get(key), "a file name (no NUL characters)");
        }
    }

    /** {@code https://auth.example.com} or {@code http://127.0.0.1:8443}: a scheme and host, no path or query. */
    private java.net.URI publicUrl() {
        var value = raw.get("server.public_url");
        if (value == null || value.value().isBlank()) {
            return null;
        }
        var accepted = "an absolute http(s) URL with a host and nothing after it, such as https://auth.example.com";
        java.net.URI uri;
        try {
            uri = new java.net.URI(value.value().trim());
        } catch (java.net.URISyntaxException e) {
            throw invalid("server.public_url", value, accepted);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        var path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid("server.public_url", value, accepted);
        }
        return java.net.URI.create(scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT));
    }

    private Duration bounded(String key, Duration fallback, Duration min, Duration max) {
        var value = duration(key, fallback);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, raw.get(key), "from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return value;
    }

    private dev.latchkey.token.ApiTokens.Lifetimes tokenLifetimes() {
        var defaults = dev.latchkey.token.ApiTokens.Lifetimes.DEFAULT;
        var max = bounded("tokens.max_lifetime", defaults.maxLifetime(), Duration.ofMinutes(1),
                Duration.ofDays(3650));
        var dflt = bounded("tokens.default_lifetime", defaults.defaultLifetime().compareTo(max) > 0 ? max
                : defaults.defaultLifetime(), Duration.ofMinutes(1), max);
        return new dev.latchkey.token.ApiTokens.Lifetimes(dflt, max);
    }

    private ThrottleSettings throttle() {
        var defaults = ThrottleSettings.DEFAULT;
        return new ThrottleSettings(rule("throttle.per_ip", defaults.perIp()),
                rule("throttle.per_account_ip", defaults.perAccountAndIp()),
                rule("throttle.per_account", defaults.perAccount()), defaults.tightened(),
                duration("throttle.max_block", defaults.maxBlock()), defaults.maxKeys());
    }

    /** {@code 10/1m}: at most 10 failures a minute. */
    private Rule rule(String key, Rule fallback) {
        var value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        var parts = value.value().trim().split("/", 2);
        try {
            return new Rule(Integer.parseInt(parts[0].trim()), Durations.parse(parts[1]));
        } catch (RuntimeException e) {
            throw invalid(key, value, "failures per window, such as 10/1m or 5/5m");
        }
    }

    private JwtSettings jwt() {
        var defaults = JwtSettings.DEFAULT;
        var name = text("jwt.algorithm", defaults.algorithm().getName()).trim();
        var algorithm = SigningKeys.ALGORITHMS.stream().filter(a -> a.getName().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> invalid("jwt.algorithm", raw.get("jwt.algorithm"), "one of "
                        + SigningKeys.ALGORITHMS));
        var refresh = duration("jwt.refresh_lifetime", defaults.refreshLifetime());
        var max = duration("jwt.refresh_max_lifetime", defaults.familyLifetime());
        if (max.compareTo(refresh) < 0) {
            throw new InvalidInput("invalid_setting",
                    "jwt.refresh_max_lifetime must not be shorter than jwt.refresh_lifetime");
        }
        var access = duration("jwt.access_lifetime", defaults.accessLifetime());
        // Revoked families are remembered for the longest access lifetime allowed, whatever is configured now.
        if (access.isZero() || access.isNegative() || access.compareTo(JwtSettings.MAX_ACCESS_LIFETIME) > 0) {
            throw invalid("jwt.access_lifetime", raw.get("jwt.access_lifetime"), "from 1s to 1d");
        }
        if (refresh.isZero() || refresh.isNegative()) {
            throw invalid("jwt.refresh_lifetime", raw.get("jwt.refresh_lifetime"), "a positive duration");
        }
        return new JwtSettings(algorithm, text("jwt.issuer", defaults.issuer()),
                text("jwt.audience", defaults.audience()), access, refresh, max);
    }

    private void socialFromFile(String name, JsonNode section, String source) {
        if (!section.isObject()) {
            throw new InvalidInput("invalid_setting", "social." + name + " in " + source + " must be a table of "
                    + "settings: [social." + name + "]");
        }
        section.properties().forEach(entry -> {
            var key = entry.getKey();
            if (!SOCIAL_KEYS.contains(key)) {
                throw new InvalidInput("invalid_setting", "unknown setting social." + name + "." + key + " in "
                        + source + "; known: " + String.join(", ", SOCIAL_KEYS));
            }
            var value = entry.getValue();
            String text;
            if (value.isArray()) {
                var items = new java.util.ArrayList<String>();
                value.forEach(item -> items.add(item.asText()));
                text = String.join(" ", items);
            } else if (value.isContainerNode()) {
                throw new InvalidInput("invalid_setting", "social." + name + "." + key + " in " + source
                        + " must be a value or a list");
            } else {
                text = value.asText();
            }
            social.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(key, new Raw(text, source));
        });
    }

    private void socialFromEnv(String variable, String value) {
        var rest = variable.substring("LATCHKEY_SOCIAL_".length());
        for (var key : SOCIAL_KEYS) {
            var suffix = "_" + key.toUpperCase(Locale.ROOT);
            if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                var name = rest.substring(0, rest.length() - suffix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
                social.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(key, new Raw(value, variable));
                return;
            }
        }
        throw new InvalidInput("invalid_setting", "unknown setting " + variable + "; LATCHKEY_SOCIAL_<NAME>_ takes "
                + String.join(", ", SOCIAL_KEYS.stream().map(k -> k.toUpperCase(Locale.ROOT)).toList()));
    }

    private List<ProviderSettings> socialProviders() {
        var providers = new java.util.ArrayList<ProviderSettings>();
        social.forEach((name, values) -> {
            if (!PROVIDER_NAME.matcher(name).matches()) {
                throw new InvalidInput("invalid_setting", "social provider name \"" + name + "\" must be lower-case "
                        + "letters, digits and dashes");
            }
            var prefix = "social." + name + ".";
            var type = values.containsKey("type") ? values.get("type").value().trim() : name;
            var clientId = required(values, prefix + "client_id", "client_id");
            var secret = required(values, prefix + "client_secret", "client_secret");
            var issuer = values.containsKey("issuer") ? secureUrl(prefix + "issuer", values.get("issuer")) : null;
            var endpoints = new LinkedHashMap<String, java.net.URI>();
            for (var key : SOCIAL_ENDPOINTS) {
                if (values.containsKey(key)) {
                    endpoints.put(key, secureUrl(prefix + key, values.get(key)));
                }
            }
            var scopes = values.containsKey("scopes") ? List.of(values.get("scopes").value().trim().split("[\\s,]+"))
                    : List.of("openid", "email", "profile");
            var redirects = values.containsKey("redirect_uris")
                    ? List.of(values.get("redirect_uris").value().trim().split("[\\s,]+")) : List.<String>of();
            var timeout = ProviderSettings.DEFAULT_TIMEOUT;
            if (values.containsKey("timeout")) {
                try {
                    timeout = Durations.parse(values.get("timeout").value());
                } catch (IllegalArgumentException e) {
                    throw invalid(prefix + "timeout", values.get("timeout"), "a duration such as 5s");
                }
            }
            var keep = values.containsKey("keep_tokens") ? values.get("keep_tokens").value().trim() : "false";
            if (!keep.equals("true") && !keep.equals("false")) {
                throw invalid(prefix + "keep_tokens", values.get("keep_tokens"), "true or false");
            }
            var link = values.containsKey("link_by_email") ? values.get("link_by_email").value().trim() : "true";
            if (!link.equals("true") && !link.equals("false")) {
                throw invalid("social." + name + ".link_by_email", values.get("link_by_email"), "true or false");
            }
            providers.add(new ProviderSettings(name, type, issuer, clientId, secret, scopes, redirects, timeout,
                    endpoints, keep.equals("true"), link.equals("true")));
        });
        return providers;
    }

    /** An https:// URL; http:// only on a loopback address (development and tests). */
    private static java.net.URI secureUrl(String setting, Raw raw) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(raw.value().trim());
        } catch (IllegalArgumentException e) {
            throw invalid(setting, raw, "an https:// URL");
        }
        var host = uri.getHost() == null ? "" : uri.getHost();
        var loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!"https".equals(uri.getScheme()) && !(loopback && "http".equals(uri.getScheme()))) {
            throw invalid(setting, raw, "an https:// URL (http:// only on a loopback address)");
        }
        return uri;
    }

    private static String required(Map<String, Raw> values, String setting, String key) {
        var value = values.get(key);
        if (value == null || value.value().isBlank()) {
            throw new InvalidInput("invalid_setting", setting + " is required");
        }
        return value.value().trim();
    }

    private DatabaseUrl database(String key) {
        var value = raw.get(key);
        try {
            return DatabaseUrl.parse(value.value());
        } catch (InvalidInput e) {
            throw new InvalidInput("invalid_setting", e.detail() + " (from " + value.source() + ")");
        }
    }

    private String text(String key, String fallback) {
        var value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        if (value.value().isBlank()) {
            throw invalid(key, value, "a non-empty value");
        }
        return value.value();
    }

    private int integer(String key, int fallback, int min, int max) {
        var value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.value().trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, value, "a whole number from " + min + " to " + max);
    }

    private boolean bool(String key, boolean fallback) {
        var value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(key, value, "true or false");
        };
    }

    private Duration duration(String key, Duration fallback) {
        var value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Durations.parse(value.value());
        } catch (IllegalArgumentException e) {
            throw invalid(key, value, "a duration such as 90s, 30m, 12h or 14d");
        }
    }

    private static InvalidInput invalid(String key, Raw value, String accepted) {
        return new InvalidInput("invalid_setting", key + " must be " + accepted + " (was \"" + value.value()
                + "\" from " + value.source() + ")");
    }

    private static InvalidInput unknown(String key, String source) {
        return new InvalidInput("invalid_setting", "unknown setting " + key + " in " + source + "; known settings: "
                + String.join(", ", new TreeSet<>(KNOWN)));
    }
}
