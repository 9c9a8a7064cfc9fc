package dev.latchkey.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** {@code log.format = "json"}: one JSON object per line, a request's key-values as fields. */
class LogSetupTest {

    @AfterEach
    void backToText() {
        LogSetup.apply(new Settings.Log(false, true));
    }

    @Test
    void jsonLinesCarryTheMessageAndTheKeyValues() throws Exception {
        LogSetup.apply(new Settings.Log(true, true));
        var line = encode("GET /api/me 200 0.4 ms user=7");
        var json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("loggerName").asText()).isEqualTo("dev.latchkey.requests");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("GET /api/me 200 0.4 ms user=7");
        assertThat(json.get("kvpList").toString())
                .contains("\"status\":\"200\"")
                .contains("\"path\":\"/api/me\"");
        assertThat(line).endsWith("\n").doesNotContain("\n{");

        LogSetup.apply(new Settings.Log(false, true));
        assertThat(encode("GET /api/me 200 0.4 ms user=7")).contains(" INFO  ").endsWith("user=7\n");
    }

    @SuppressWarnings("unchecked")
    private static String encode(String message) {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var console = (ConsoleAppender<ILoggingEvent>) context.getLogger("ROOT").getAppender(LogSetup.APPENDER);
        var event = new LoggingEvent("x", context.getLogger("dev.latchkey.requests"), Level.INFO, message, null, null);
        event.setKeyValuePairs(List.of(new KeyValuePair("status", "200"), new KeyValuePair("path", "/api/me")));
        return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
    }
}
