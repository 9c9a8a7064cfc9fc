package dev.latchkey.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.latchkey.error.InvalidInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where settings come from, before any is read as a type: {@code latchkey.toml} in the data directory, then
 * {@code LATCHKEY_*} environment variables ({@code server.port} is {@code LATCHKEY_SERVER_PORT}), then command-line
 * flags, each overriding the one before. Every value keeps the name of its source for error messages; defaults
 * belong to the readers ({@link SettingReader}). An unknown key in the file, or an unknown
 * {@code LATCHKEY_SOCIAL_*} variable, is an error: a misspelt setting silently ignored is a setting that does not
 * work.
 */
final class SettingSources {
    static final Set<String> KNOWN = Set.of(
            "db.url",
            "server.bind",
            "server.port",
            "server.http",
            "server.tls_cert",
            "server.tls_key",
            "server.trusted_proxies",
            "server.redirect_http_port",
            "session.idle_timeout",
            "session.absolute_timeout",
            "session.expire_at_browser_close",
            "session.cache_ttl",
            "password.min_length",
            "password.argon2_memory_kib",
            "password.argon2_iterations",
            "password.argon2_parallelism",
            "jwt.algorithm",
            "jwt.issuer",
            "jwt.audience",
            "jwt.access_lifetime",
            "jwt.refresh_lifetime",
            "jwt.refresh_max_lifetime",
            "audit.retention",
            "server.management_bind",
            "server.management_port",
            "log.format",
            "log.requests",
            "throttle.per_ip",
            "throttle.per_account_ip",
            "throttle.per_account",
            "throttle.max_block",
            "server.public_url",
            "server.max_connections_per_client",
            "server.header_timeout",
            "server.body_timeout",
            "tokens.default_lifetime",
            "tokens.max_lifetime",
            "mail.smtp_url",
            "mail.from",
            "accounts.signup",
            "mfa.required",
            "mfa.trust_social",
            "accounts.email_verification",
            "accounts.reset_lifetime",
            "accounts.verification_lifetime",
            "accounts.invitation_lifetime",
            "password.min_strength",
            "redis.url",
            "redis.key_prefix",
            "server.drain_time",
            "http.cors_origins",
            "session.cookie_samesite",
            "webauthn.origins");
    /** Settings that a file may give as a TOML array as well as one comma-separated string. */
    static final Set<String> LISTS = Set.of("http.cors_origins", "webauthn.origins");
    /** The settings of one {@code [social.NAME]} section. */
    static final List<String> SOCIAL_KEYS = List.of(
            "client_secret",
            "client_id",
            "redirect_uris",
            "scopes",
            "issuer",
            "type",
            "timeout",
            "authorization_endpoint",
            "token_endpoint",
            "profile_endpoint",
            "emails_endpoint",
            "keep_tokens",
            "link_by_email");

    private static final String SOCIAL_ENV = "LATCHKEY_SOCIAL_";

    /** A raw value and where it came from, for error messages. */
    record Raw(String value, String source) {}

    private final Map<String, Raw> values = new LinkedHashMap<>();
    private final Map<String, Map<String, Raw>> social = new TreeMap<>();

    private SettingSources() {}

    /** @param flags settings given on the command line, by key (e.g. {@code server.port}); they win over all else */
    static SettingSources read(Path file, Map<String, String> env, Map<String, String> flags) {
        var sources = new SettingSources();
        sources.readFile(file);
        for (var key : KNOWN) {
            var name = envName(key);
            if (env.containsKey(name)) {
                sources.values.put(key, new Raw(env.get(name), name));
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(SOCIAL_ENV)) {
                sources.socialFromEnv(name, value);
            }
        });
        flags.forEach((key, value) -> {
            if (value != null) {
                sources.values.put(key, new Raw(value, "the command line"));
            }
        });
        return sources;
    }

    static String envName(String key) {
        return "LATCHKEY_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The settings outside {@code [social.*]}, by their full key ({@code server.port}). */
    Map<String, Raw> values() {
        return Collections.unmodifiableMap(values);
    }

    /** Each {@code [social.NAME]} section by provider name, sorted; its settings by their key within it. */
    Map<String, Map<String, Raw>> social() {
        return Collections.unmodifiableMap(social);
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
                section.getValue()
                        .properties()
                        .forEach(provider -> socialFromFile(provider.getKey(), provider.getValue(), source));
                return;
            }
            section.getValue().properties().forEach(entry -> {
                var key = section.getKey() + "." + entry.getKey();
                if (!KNOWN.contains(key)) {
                    throw unknown(key, source);
                }
                if (entry.getValue().isArray() && LISTS.contains(key)) {
                    var items = new ArrayList<String>();
                    entry.getValue().forEach(item -> items.add(item.asText()));
                    values.put(key, new Raw(String.join(",", items), source));
                    return;
                }
                if (entry.getValue().isContainerNode()) {
                    throw new InvalidInput("invalid_setting", key + " in " + source + " must be a single value");
                }
                values.put(key, new Raw(entry.getValue().asText(), source));
            });
        });
    }

    private void socialFromFile(String name, JsonNode section, String source) {
        if (!section.isObject()) {
            throw new InvalidInput(
                    "invalid_setting",
                    "social." + name + " in " + source + " must be a table of " + "settings: [social." + name + "]");
        }
        section.properties().forEach(entry -> {
            var key = entry.getKey();
            if (!SOCIAL_KEYS.contains(key)) {
                throw new InvalidInput(
                        "invalid_setting",
                        "unknown setting social." + name + "." + key + " in " + source + "; known: "
                                + String.join(", ", SOCIAL_KEYS));
            }
            var value = entry.getValue();
            String text;
            if (value.isArray()) {
                var items = new ArrayList<String>();
                value.forEach(item -> items.add(item.asText()));
                text = String.join(" ", items);
            } else if (value.isContainerNode()) {
                throw new InvalidInput(
                        "invalid_setting",
                        "social." + name + "." + key + " in " + source + " must be a value or a list");
            } else {
                text = value.asText();
            }
            social.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(key, new Raw(text, source));
        });
    }

    private void socialFromEnv(String variable, String value) {
        var rest = variable.substring(SOCIAL_ENV.length());
        for (var key : SOCIAL_KEYS) {
            var suffix = "_" + key.toUpperCase(Locale.ROOT);
            if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                var name = rest.substring(0, rest.length() - suffix.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '-');
                social.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(key, new Raw(value, variable));
                return;
            }
        }
        throw new InvalidInput(
                "invalid_setting",
                "unknown setting " + variable + "; LATCHKEY_SOCIAL_<NAME>_ takes "
                        + String.join(
                                ", ",
                                SOCIAL_KEYS.stream()
                                        .map(k -> k.toUpperCase(Locale.ROOT))
                                        .toList()));
    }

    private static InvalidInput unknown(String key, String source) {
        return new InvalidInput(
                "invalid_setting",
                "unknown setting " + key + " in " + source + "; known settings: "
                        + String.join(", ", new TreeSet<>(KNOWN)));
    }
}
