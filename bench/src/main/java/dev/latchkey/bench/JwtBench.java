package dev.latchkey.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.Latchkey;
import dev.latchkey.jwt.AccessTokens;
import dev.latchkey.jwt.JwtSettings;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.jwt.TokenPair;
import dev.latchkey.request.RequestContext;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.user.NewUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Access-token checks and refreshes, per algorithm, on SQLite:
 * <ul>
 *   <li>{@code nimbusPlain}: the baseline — Nimbus's {@code DefaultJWTProcessor} with its stock key selector over an
 *       in-memory JWK set, checking signature and default claims only;</li>
 *   <li>{@code verifyStrict}: latchkey's full check without its cache (type, pinned algorithm, known kid,
 *       iss/aud/exp/nbf with skew, required claims);</li>
 *   <li>{@code verifyCached}: what a request pays for a token it has seen: SHA-256 of the token, a cache hit and the
 *       revoked-family lookup;</li>
 *   <li>{@code refresh}: spend a refresh token and sign a new pair (one SQLite write transaction and one
 *       signature).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class JwtBench {
    @Param({"RS256", "ES256", "EdDSA", "HS256"})
    public String algorithm;

    private Path dir;
    private Latchkey latchkey;
    private TokenFamilies jwt;
    private AccessTokens strict;
    private DefaultJWTProcessor<SecurityContext> plain;
    private String token;
    private TokenPair pair;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("latchkey-bench");
        var database = Database.open(DatabaseUrl.sqlite(dir.resolve("bench.sqlite3")));
        var settings = JwtSettings.DEFAULT.withAlgorithm(JWSAlgorithm.parse(algorithm));
        latchkey = Latchkey.builder(database)
                .instanceSecret(new byte[32])
                .jwt(settings)
                .build();
        var alice = latchkey.users()
                .create(NewUser.named("alice"), Optional.empty())
                .id();
        jwt = latchkey.tokenFamilies();
        pair = jwt.obtain(alice, null);
        token = pair.access();
        strict = new AccessTokens(
                latchkey.signingKeys(),
                dev.latchkey.crypto.Secrets.create(),
                latchkey.clock(),
                settings.issuer(),
                settings.audience(),
                settings.accessLifetime(),
                settings.algorithm());
        plain = new DefaultJWTProcessor<>();
        plain.setJWSTypeVerifier((type, context) -> {});
        var key = latchkey.signingKeys().signingKey();
        var verifying = key.toPublicJWK() != null ? key.toPublicJWK() : key;
        plain.setJWSKeySelector(
                new JWSVerificationKeySelector<>(settings.algorithm(), new ImmutableJWKSet<>(new JWKSet(verifying))));
        jwt.verify(token);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        latchkey.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Object nimbusPlain() throws Exception {
        if (algorithm.equals("EdDSA")) {
            return null; // Nimbus's stock key selector cannot hand it an Ed25519 key; see verifyStrict
        }
        return plain.process(token, null);
    }

    @Benchmark
    public Object verifyStrict() throws Exception {
        return strict.verify(token);
    }

    @Benchmark
    public Object verifyCached() throws Exception {
        return jwt.verify(token);
    }

    @Benchmark
    public Object refresh() throws Exception {
        pair = jwt.refresh(pair.refresh(), RequestContext.NONE);
        return pair;
    }
}
