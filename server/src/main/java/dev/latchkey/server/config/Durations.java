package dev.latchkey.server.config;

import java.time.Duration;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 30m}, {@code 12h}, {@code 14d} (or ISO 8601, PT1H). */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        var trimmed = text.trim();
        var m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            var parsed = Duration.parse(trimmed);
            if (parsed.isNegative()) {
                throw new IllegalArgumentException("negative duration");
            }
            return parsed;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }
}
