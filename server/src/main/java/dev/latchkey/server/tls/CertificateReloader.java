package dev.latchkey.server.tls;

import dev.latchkey.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the certificate and key files and swaps them into the running server when they change (a renewal by
 * certbot or an operator), without a restart: new connections get the new certificate, open ones keep theirs.
 * A pair that does not load (caught half-written) is reported and retried at the next look.
 */
public final class CertificateReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    private final PemFiles files;
    private final SslContextFactory.Server ssl;
    private final Scheduler.Cancellable checking;
    private String seen;

    public CertificateReloader(PemFiles files, SslContextFactory.Server ssl, Duration interval) {
        this.files = files;
        this.ssl = ssl;
        this.seen = stamp();
        this.checking = Scheduler.daemonThreads().every("tls-reload", interval, this::check);
    }

    private void check() {
        var now = stamp();
        if (now.equals(seen)) {
            return;
        }
        try {
            var loaded = files.load();
            ssl.reload(factory -> {
                factory.setKeyStore(loaded.keyStore());
                factory.setKeyStorePassword(new String(loaded.password()));
            });
            seen = now;
            log.info(
                    "reloaded the TLS certificate (subject {}, valid until {})",
                    loaded.leaf().getSubjectX500Principal().getName(),
                    loaded.leaf().getNotAfter().toInstant());
        } catch (Exception e) {
            log.warn("the TLS files changed but do not load yet ({}); keeping the current certificate", e.getMessage());
        }
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(files.certificate()).toMillis() + ":" + Files.size(files.certificate())
                    + "/" + Files.getLastModifiedTime(files.privateKey()).toMillis() + ":"
                    + Files.size(files.privateKey());
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public void close() {
        checking.cancel();
    }
}
