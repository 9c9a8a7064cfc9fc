package dev.latchkey.server.web.caller;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditStore;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.user.User;
import java.time.Clock;

/** Appends what a request did to the audit trail, with its client address and user agent. Never a secret. */
public final class Audits {
    private final AuditStore store;
    private final Clock clock;

    public Audits(AuditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void record(Exchange x, String kind, User user, String reason) {
        var client = x.client().context();
        store.append(new AuditEvent(
                clock.instant(),
                kind,
                user.id(),
                user.username(),
                "success",
                reason,
                client.clientIp(),
                client.userAgent()));
    }
}
