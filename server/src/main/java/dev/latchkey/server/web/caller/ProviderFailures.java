package dev.latchkey.server.web.caller;

import dev.latchkey.social.ProviderFailure;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sign-in provider that failed on its side (down, slow, or answering something unexpected), whether a browser or
 * an app met it: one warning in the log and one count in {@code latchkey.social.failures{provider=…}}.
 */
public final class ProviderFailures {
    private static final Logger log = LoggerFactory.getLogger(ProviderFailures.class);

    private final MeterRegistry meters;

    public ProviderFailures(MeterRegistry meters) {
        this.meters = meters;
    }

    public void count(ProviderFailure e) {
        log.warn("{}", e.detail());
        meters.counter("latchkey.social.failures", "provider", e.provider()).increment();
    }
}
