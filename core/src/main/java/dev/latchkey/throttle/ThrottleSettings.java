package dev.latchkey.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on failed password sign-ins, close to django-allauth's defaults ("10/m/ip, 5/5m/key").
 *
 * @param perIp            failures from one client address (IPv6: one /64), any usernames
 * @param perAccountAndIp  failures for one username from one address; a success from there clears it
 * @param perAccount       failures for one username from all addresses: a distributed attack. Past it, the account
 *                         is not locked (that would hand the attacker a lock-out) but tightened: each address gets
 *                         {@code tightened} instead of {@code perAccountAndIp}
 * @param maxBlock         the longest a block lasts, however often it repeats (each repeat doubles it)
 * @param maxKeys          how many counters are kept in memory at most
 */
public record ThrottleSettings(
        Rule perIp, Rule perAccountAndIp, Rule perAccount, Rule tightened, Duration maxBlock, int maxKeys) {
    public static final ThrottleSettings DEFAULT = new ThrottleSettings(
            new Rule(10, Duration.ofMinutes(1)),
            new Rule(5, Duration.ofMinutes(5)),
            new Rule(30, Duration.ofMinutes(15)),
            new Rule(1, Duration.ofMinutes(5)),
            Duration.ofHours(1),
            100_000);

    public ThrottleSettings {
        Objects.requireNonNull(perIp);
        Objects.requireNonNull(perAccountAndIp);
        Objects.requireNonNull(perAccount);
        Objects.requireNonNull(tightened);
        Objects.requireNonNull(maxBlock);
        if (maxKeys < 1_000) {
            throw new IllegalArgumentException("keep at least 1,000 throttle counters");
        }
    }
}
