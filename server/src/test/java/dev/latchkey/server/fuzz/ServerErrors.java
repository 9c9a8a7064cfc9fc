package dev.latchkey.server.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * The last failure the server logged with a stack trace, so that a fuzz test that sees a 500 can say why. Request
 * lines are silenced: a fuzzing run sends millions.
 */
final class ServerErrors extends AppenderBase<ILoggingEvent> {
    private final AtomicReference<String> last = new AtomicReference<>();

    private static final String REQUEST_LOG = "dev.latchkey.server.web.RequestObserver";

    static ServerErrors attach() {
        var errors = new ServerErrors();
        var root = root();
        errors.setContext(root.getLoggerContext());
        errors.start();
        root.addAppender(errors);
        ((Logger) LoggerFactory.getLogger(REQUEST_LOG)).setLevel(Level.WARN);
        return errors;
    }

    void detach() {
        root().detachAppender(this);
        stop();
        ((Logger) LoggerFactory.getLogger(REQUEST_LOG)).setLevel(null);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null) {
            last.set(event.getFormattedMessage() + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
    }

    /** The last logged failure since the previous call, or a note that there was none. */
    String takeLast() {
        var failure = last.getAndSet(null);
        return failure == null ? "(nothing logged with a stack trace)" : failure;
    }
}
