package dev.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.server.config.SettingsLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey sessions purge}: what has ended goes, audit events past the retention with it. */
class SessionsCommandTest {
    @TempDir
    Path data;

    @Test
    void purgeDeletesAuditEventsOlderThanTheRetentionAndSaysWhatWent() {
        var cli = new Cli(data);
        assertThat(cli.run("sessions", "purge").status()).isZero(); // makes the data directory and database
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            var now = Instant.now();
            for (var age : new Duration[] {Duration.ofDays(100), Duration.ofDays(91), Duration.ofDays(10)}) {
                latchkey.audit()
                        .append(new AuditEvent(
                                now.minus(age),
                                "sign_in",
                                null,
                                "alice",
                                "failure",
                                "unknown_user",
                                "192.0.2.1",
                                "test"));
            }
        }
        var purged = cli.run("sessions", "purge");
        assertThat(purged.status()).as(purged.err()).isZero();
        assertThat(purged.out())
                .isEqualTo("deleted 0 expired sessions, 0 expired API tokens, 0 ended JWT records"
                        + " and 2 audit events older than 90d; 0 used or expired mailed links and 0 sent mail records"
                        + " older than 30d\n");
        var shorter = new Cli(data).env("LATCHKEY_AUDIT_RETENTION", "7d").run("sessions", "purge");
        assertThat(shorter.out()).contains("1 audit event older than 7d");
    }
}
