package dev.latchkey.server.config;

import java.time.Duration;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 30m}, {@code 12h}, {@code 14d} (or ISO 8601, PT1H). */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {}

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

    /** The shortest of {@code 90d}, {@code 12h}, {@code 30m}, {@code 90s} that is exact. */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
