package dev.latchkey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.Latchkey;
import dev.latchkey.request.RequestContext;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.testing.SoftwareAuthenticator;
import dev.latchkey.user.NewUser;
import dev.latchkey.user.User;
import dev.latchkey.webauthn.Passkeys;
import dev.latchkey.webauthn.WebAuthnSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of checking one passkey assertion (ES256) as a sign-in pays it, on SQLite: parsing the JSON, CBOR and
 * clientDataJSON, taking the challenge (one delete), finding the passkey, the origin / RP id / type / flags /
 * counter checks and the signature, then recording the use and the audit event. Each invocation checks a fresh
 * assertion signed in its setup (not measured), over a fresh challenge.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class WebAuthnBench {
    private static final String ORIGIN = "https://auth.example";
    private static final RequestContext FROM = new RequestContext("203.0.113.1", "bench");

    private Path dir;
    private Latchkey latchkey;
    private Passkeys passkeys;
    private SoftwareAuthenticator authenticator;
    private User alice;
    private String assertion;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("latchkey-bench-webauthn");
        latchkey = Latchkey.builder(Database.open(DatabaseUrl.sqlite(dir.resolve("db.sqlite3"))))
                .webauthn(WebAuthnSettings.forPublicUrl(URI.create(ORIGIN), List.of()))
                .build();
        passkeys = latchkey.passkeys().orElseThrow();
        alice = latchkey.users().create(NewUser.named("alice"), Optional.empty());
        authenticator = new SoftwareAuthenticator();
        JsonNode options = passkeys.registrationOptions(alice);
        passkeys.register(alice, authenticator.register(options, ORIGIN), "bench", FROM);
    }

    @Setup(Level.Invocation)
    public void sign() {
        assertion = authenticator.assertion(passkeys.authenticationOptions(null), ORIGIN);
    }

    @Benchmark
    public Object passwordlessAssertionCheck() {
        return passkeys.authenticate(assertion, null, FROM);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        latchkey.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
