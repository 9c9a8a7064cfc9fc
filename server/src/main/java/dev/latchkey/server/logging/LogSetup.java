package dev.latchkey.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logback's configuration in code (found through {@code META-INF/services}): one line per event on stderr, latchkey
 * at INFO and libraries at WARN. Reading an XML file costs Logback about a third of a second at every start of
 * every command; this costs almost nothing. A {@code logback.xml} given with {@code -Dlogback.configurationFile}
 * still wins.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    public static final String APPENDER = "stderr";

    /**
     * Sets the console's format from the settings: one JSON object per line ({@code log.format = "json"}, key-values
     * such as a request's status and time as fields), or text.
     */
    public static void apply(dev.latchkey.server.config.Settings.Log settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        console.stop();
        console.setEncoder(settings.json() ? jsonEncoder(context) : textEncoder(context));
        console.start();
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        var encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithContext(false);
        encoder.setWithThreadName(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level %logger{24} - %msg%n");
        encoder.start();
        return encoder;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        var console = new ConsoleAppender<ILoggingEvent>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(textEncoder(context));
        console.start();

        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("dev.latchkey").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
