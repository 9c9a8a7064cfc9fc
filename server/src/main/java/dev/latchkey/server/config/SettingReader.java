package dev.latchkey.server.config;

import dev.latchkey.error.InvalidInput;
import dev.latchkey.redis.RedisLink;
import dev.latchkey.server.config.SettingSources.Raw;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.throttle.Rule;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of raw settings, the same for every section of the settings, {@code [social.NAME]} ones included:
 * each answers its fallback when the setting is absent, and otherwise its value or an {@link InvalidInput} that
 * names the setting, where the value came from and what is accepted.
 */
final class SettingReader {
    private static final String DURATIONS = "90s, 30m, 12h or 14d";

    private final Map<String, Raw> values;
    private final String prefix;

    /** @param prefix what goes before a key to name the setting in messages: empty, or {@code social.NAME.} */
    SettingReader(Map<String, Raw> values, String prefix) {
        this.values = values;
        this.prefix = prefix;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value as given; a blank one is refused. */
    String text(String key, String fallback) {
        var value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value.value().isBlank()) {
            throw invalid(key, "a non-empty value");
        }
        return value.value();
    }

    /** The value without surrounding spaces, blank or not. */
    String trimmed(String key, String fallback) {
        var value = values.get(key);
        return value == null ? fallback : value.value().trim();
    }

    /** The value without surrounding spaces; absent or blank, it is refused. */
    String required(String key) {
        var value = values.get(key);
        if (value == null || value.value().isBlank()) {
            throw new InvalidInput("invalid_setting", prefix + key + " is required");
        }
        return value.value().trim();
    }

    /** The words of the value, separated by spaces or commas (a TOML list arrives space-separated). */
    List<String> words(String key, List<String> fallback) {
        var value = values.get(key);
        return value == null ? fallback : List.of(value.value().trim().split("[\\s,]+"));
    }

    int integer(String key, int fallback, int min, int max) {
        var value = values.get(key);
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
        throw invalid(key, "a whole number from " + min + " to " + max);
    }

    /** {@code true}, {@code 1}, {@code yes}, {@code on} or their opposites, in any case. */
    boolean bool(String key, boolean fallback) {
        var value = values.get(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(key, "true or false");
        };
    }

    /** Exactly {@code true} or {@code false}, as a provider's switches have always been written. */
    boolean trueOrFalse(String key, boolean fallback) {
        var value = trimmed(key, Boolean.toString(fallback));
        if (!value.equals("true") && !value.equals("false")) {
            throw invalid(key, "true or false");
        }
        return value.equals("true");
    }

    Duration duration(String key, Duration fallback) {
        return duration(key, fallback, DURATIONS);
    }

    /** @param examples what the message offers as examples of durations */
    Duration duration(String key, Duration fallback, String examples) {
        var value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Durations.parse(value.value());
        } catch (IllegalArgumentException e) {
            throw invalid(key, "a duration such as " + examples);
        }
    }

    /** A duration from {@code min} to {@code max}, both included. */
    Duration bounded(String key, Duration fallback, Duration min, Duration max) {
        var value = duration(key, fallback);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, "from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return value;
    }

    /** {@code 10/1m}: at most 10 failures a minute. */
    Rule rule(String key, Rule fallback) {
        var value = values.get(key);
        if (value == null) {
            return fallback;
        }
        var parts = value.value().trim().split("/", 2);
        try {
            return new Rule(Integer.parseInt(parts[0].trim()), Durations.parse(parts[1]));
        } catch (RuntimeException e) {
            throw invalid(key, "failures per window, such as 10/1m or 5/5m");
        }
    }

    /** A database URL, as {@link DatabaseUrl#parse} reads it; the setting must be present. */
    DatabaseUrl databaseUrl(String key) {
        var value = values.get(key);
        try {
            return DatabaseUrl.parse(value.value());
        } catch (InvalidInput e) {
            throw new InvalidInput("invalid_setting", e.detail() + " (from " + value.source() + ")");
        }
    }

    /**
     * A Redis URL, or null when absent. The message for a bad one says what is wrong but never repeats the value: it
     * may hold a password.
     */
    String redisUrl(String key) {
        var value = values.get(key);
        if (value == null) {
            return null;
        }
        try {
            RedisLink.parse(value.value());
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(
                    "invalid_setting",
                    prefix + key + " must be redis://[user:password@]host[:port][/database] or rediss://… ("
                            + e.getMessage() + "; from " + value.source() + ")");
        }
        return value.value().strip();
    }

    /** An https:// URL, or null when absent; http:// only on a loopback address (development and tests). */
    URI secureUrl(String key) {
        var value = values.get(key);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(value.value().trim());
        } catch (IllegalArgumentException e) {
            throw invalid(key, "an https:// URL");
        }
        var host = uri.getHost() == null ? "" : uri.getHost();
        var loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!"https".equals(uri.getScheme()) && !(loopback && "http".equals(uri.getScheme()))) {
            throw invalid(key, "an https:// URL (http:// only on a loopback address)");
        }
        return uri;
    }

    /**
     * {@code https://auth.example.com} or {@code http://127.0.0.1:8443}: a scheme and host, no path or query,
     * lower-cased; null when absent or blank.
     */
    URI origin(String key) {
        var value = values.get(key);
        if (value == null || value.value().isBlank()) {
            return null;
        }
        var accepted = "an absolute http(s) URL with a host and nothing after it, such as https://auth.example.com";
        URI uri;
        try {
            uri = new URI(value.value().trim());
        } catch (URISyntaxException e) {
            throw invalid(key, accepted);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        var path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(key, accepted);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT));
    }

    /**
     * Comma-separated origins ({@code https://app.example.com}), each lower-cased and without the scheme's default
     * port, as a browser sends {@code Origin}; none when absent or blank. {@code *}, {@code null}, a path (even
     * {@code /}), a query or user info are refused: the list is compared exactly, and credentials never go to a
     * wildcard.
     */
    List<String> origins(String key) {
        var value = values.get(key);
        if (value == null || value.value().isBlank()) {
            return List.of();
        }
        var accepted = "comma-separated origins such as https://app.example.com or http://localhost:5173 (scheme, host"
                + " and port only; no wildcards, no null, no path)";
        var origins = new java.util.ArrayList<String>();
        for (var part : value.value().split(",", -1)) {
            var text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw invalid(key, accepted);
            }
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http"))
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw invalid(key, accepted);
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
            var origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        return List.copyOf(origins);
    }

    /** The refusal of the setting's present value: it names the setting, the value and where it came from. */
    InvalidInput invalid(String key, String accepted) {
        var value = values.get(key);
        if (value == null) {
            return new InvalidInput("invalid_setting", prefix + key + " must be " + accepted + " (it is not set)");
        }
        return new InvalidInput(
                "invalid_setting",
                prefix + key + " must be " + accepted + " (was \"" + value.value() + "\" from " + value.source() + ")");
    }

    /** As {@link #invalid}, without repeating the value: for a setting that may hold a password. */
    InvalidInput invalidSecret(String key, String accepted) {
        var value = values.get(key);
        return new InvalidInput(
                "invalid_setting",
                prefix + key + " must be " + accepted + (value == null ? "" : " (from " + value.source() + ")"));
    }
}
