package dev.latchkey.server.web.api;

import dev.latchkey.audit.AuditEntry;
import dev.latchkey.audit.AuditQuery;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.user.Users;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /api/audit}, for staff: the audit trail, newest first, filtered by {@code user} (a username),
 * {@code kind}, {@code since} and {@code until} (ISO-8601 instants or epoch seconds), paged by {@code limit} (1-500,
 * 50 by default) and {@code before} (the {@code next} cursor of the previous page).
 */
public final class AuditApi {
    private static final int DEFAULT_LIMIT = 50;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final AuditStore audit;
    private final Users users;

    public AuditApi(AuditStore audit, Users users) {
        this.audit = audit;
        this.users = users;
    }

    public void register(Router router) {
        router.add(
                "GET",
                "/api/audit",
                Policy.staff(),
                Doc.of("The audit trail, newest first")
                        .query("user", "A username")
                        .query("kind", "An event kind, such as sign_in")
                        .query("since", "ISO-8601 or epoch seconds")
                        .query("until", "ISO-8601 or epoch seconds")
                        .query("limit", "1 to 500, 50 by default")
                        .query("before", "The previous page's next")
                        .answers(
                                200,
                                "A page of events",
                                Schemas.object(
                                        "events*", Schemas.array(Schemas.object()),
                                        "next", Schemas.nullable(Schemas.string()))),
                (x, p) -> search(x));
    }

    private void search(Exchange x) {
        Long userId = null;
        var username = x.query("user");
        if (username.isPresent()) {
            var user = users.find(username.get());
            if (user.isEmpty()) {
                x.json(200, JsonResponses.object("events", java.util.List.of(), "next", null));
                return;
            }
            userId = user.get().id();
        }
        int limit = (int) number(x, "limit", DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT);
        var query = new AuditQuery(
                userId,
                x.query("kind").orElse(null),
                instant(x, "since"),
                instant(x, "until"),
                x.query("before").isPresent() ? number(x, "before", 0, 1, Long.MAX_VALUE) : null,
                limit);
        var entries = audit.search(query);
        var next = entries.size() == limit
                ? Long.toString(entries.get(entries.size() - 1).id())
                : null;
        x.json(
                200,
                JsonResponses.object(
                        "events", entries.stream().map(AuditApi::view).toList(), "next", next));
    }

    private static Map<String, Object> view(AuditEntry entry) {
        var e = entry.event();
        return JsonResponses.object(
                "id",
                entry.id(),
                "at",
                e.at().toString(),
                "kind",
                e.kind(),
                "user_id",
                e.userId(),
                "username",
                e.username(),
                "outcome",
                e.outcome(),
                "reason",
                e.reason(),
                "ip",
                e.clientIp(),
                "user_agent",
                e.userAgent());
    }

    private static long number(Exchange x, String name, long fallback, long min, long max) {
        var value = x.query(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInput(
                "invalid_parameter", "\"" + name + "\" must be a whole number from " + min + " to " + max);
    }

    private static Instant instant(Exchange x, String name) {
        var value = x.query(name);
        if (value.isEmpty()) {
            return null;
        }
        Instant parsed = null;
        try {
            parsed = value.get().chars().allMatch(Character::isDigit)
                            && value.get().length() <= 12
                    ? Instant.ofEpochSecond(Long.parseLong(value.get()))
                    : Instant.parse(value.get());
        } catch (DateTimeParseException | NumberFormatException e) {
            // reported below
        }
        // Stored times are epoch milliseconds: an instant beyond year 9999 could not even be compared with them.
        if (parsed == null || parsed.isAfter(LATEST)) {
            throw new InvalidInput(
                    "invalid_parameter",
                    "\"" + name + "\" must be an ISO-8601 instant such as "
                            + "2026-01-31T12:00:00Z, or epoch seconds, before the year 10000");
        }
        return parsed.isBefore(Instant.EPOCH) ? Instant.EPOCH : parsed;
    }
}
