package dev.latchkey.throttle;

import java.time.Duration;

/** At most {@code limit} failures per {@code window}; the next one blocks the key (allauth's "5/5m"). */
public record Rule(int limit, Duration window) {
    public Rule {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rule needs a positive limit and window");
        }
    }

    @Override
    public String toString() {
        return limit + "/" + window;
    }
}
