package example.nativeapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A native app's use of latchkey: {@code signin USERNAME} (the password on standard input) gets a JWT pair with
 * {@code POST /api/jwt} and keeps it in a file only its owner can read; {@code me} calls {@code /api/me} with the
 * access token, refreshing the pair first when the access token is about to expire and once more on a 401;
 * {@code signout} revokes the pair's family and deletes the file.
 *
 * <p>Settings: {@code --url} (or {@code LATCHKEY_URL}), {@code --ca} (or {@code LATCHKEY_CA}: a PEM file of the
 * certificates to trust instead of the JDK's; for a latchkey with a self-signed certificate, never "trust all"),
 * {@code --store} (default {@code ~/.config/latchkey-example/tokens.json}).
 *
 * <p>Exit codes: 0 done, 1 failed (latchkey unreachable, an unexpected answer), 2 not signed in (no pair, or a refresh
 * token latchkey refused: sign in again), 64 bad usage.
 */
public final class NativeApp {
    /** Refresh when the access token has less than this left, so a request does not fail on the way. */
    static final Duration EARLY = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final TokenFile store;

    NativeApp(URI base, HttpClient http, TokenFile store) {
        this.base = base;
        this.http = http;
        this.store = store;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String url = System.getenv("LATCHKEY_URL");
        String ca = System.getenv("LATCHKEY_CA");
        Path store = Path.of(System.getProperty("user.home"), ".config", "latchkey-example", "tokens.json");
        int i = 0;
        for (; i + 1 < args.length && args[i].startsWith("--"); i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--ca" -> ca = args[i + 1];
                case "--store" -> store = Path.of(args[i + 1]);
                default -> {
                    return usage("unknown option " + args[i]);
                }
            }
        }
        if (url == null || i >= args.length) {
            return usage(url == null ? "--url (or LATCHKEY_URL) is required" : "a command is required");
        }
        try {
            var base = URI.create(url.endsWith("/") ? url : url + "/");
            var client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .sslContext(ca == null ? SSLContext.getDefault() : trusting(Path.of(ca)))
                    .build();
            var app = new NativeApp(base, client, new TokenFile(store));
            return switch (args[i]) {
                case "signin" -> i + 1 < args.length ? app.signIn(args[i + 1], readPassword()) : usage("signin USERNAME");
                case "me" -> app.me();
                case "signout" -> app.signOut();
                default -> usage("unknown command " + args[i]);
            };
        } catch (NotSignedIn e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("failed: " + e);
            return 1;
        }
    }

    int signIn(String username, String password) throws IOException, InterruptedException {
        var answer = post("api/jwt", Map.of("username", username, "password", password));
        if (answer.statusCode() != 200) {
            System.err.println("sign-in refused (" + answer.statusCode() + "): " + answer.body());
            return 2;
        }
        store.save(Pair.from(JSON.readTree(answer.body()), Instant.now()));
        System.out.println("signed in as " + username);
        return 0;
    }

    /** Prints {@code /api/me}; the pair is refreshed (and rotated in the file) when needed, under the file's lock. */
    int me() throws IOException, InterruptedException {
        try (var lock = store.lock()) {
            var pair = store.load().orElseThrow(() -> new NotSignedIn("not signed in: run signin first"));
            if (pair.expiresAt().minus(EARLY).isBefore(Instant.now())) {
                pair = refresh(pair);
            }
            var answer = get("api/me", pair.access());
            if (answer.statusCode() == 401) {
                // Expired early (a clock off), or the server refused it: one refresh, then one more try.
                pair = refresh(pair);
                answer = get("api/me", pair.access());
            }
            if (answer.statusCode() != 200) {
                System.err.println("/api/me answered " + answer.statusCode() + ": " + answer.body());
                return answer.statusCode() == 401 ? 2 : 1;
            }
            System.out.println(answer.body());
            return 0;
        }
    }

    int signOut() throws IOException, InterruptedException {
        try (var lock = store.lock()) {
            var pair = store.load();
            if (pair.isPresent()) {
                var answer = post("api/jwt/revoke", Map.of("refresh", pair.get().refresh()));
                if (answer.statusCode() != 200) {
                    System.err.println("revoke answered " + answer.statusCode() + ": " + answer.body());
                    return 1;
                }
            }
            store.delete();
            System.out.println("signed out");
            return 0;
        }
    }

    /** A new pair for the refresh token; the old one is spent, so the new one must reach the file before any use. */
    private Pair refresh(Pair pair) throws IOException, InterruptedException {
        var answer = post("api/jwt/refresh", Map.of("refresh", pair.refresh()));
        if (answer.statusCode() == 401 || answer.statusCode() == 400) {
            store.delete();
            throw new NotSignedIn("the session ended (" + answer.body() + "): sign in again");
        }
        if (answer.statusCode() != 200) {
            throw new IOException("refresh answered " + answer.statusCode() + ": " + answer.body());
        }
        var next = Pair.from(JSON.readTree(answer.body()), Instant.now());
        store.save(next);
        return next;
    }

    private HttpResponse<String> get(String path, String access) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + access)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, Map<String, String> body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Trusts exactly the certificates in a PEM file (a CA, or a self-signed server certificate). */
    static SSLContext trusting(Path pem) throws Exception {
        var keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            int n = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                keys.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("no certificate in " + pem);
            }
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String readPassword() throws IOException {
        var console = System.console();
        if (console != null) {
            return new String(console.readPassword("Password: "));
        }
        var line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new NotSignedIn("no password on standard input");
        }
        return line;
    }

    private static int usage(String problem) {
        System.err.println(problem + "\nusage: native-app [--url URL] [--ca PEM] [--store FILE] signin USERNAME | me | signout");
        return 64;
    }

    /** No usable pair: the user must sign in (again). */
    static final class NotSignedIn extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotSignedIn(String message) {
            super(message);
        }
    }

    /** The pair as kept: the access token's expiry is computed from {@code expires_in} when it arrived. */
    record Pair(String access, String refresh, Instant expiresAt) {
        static Pair from(JsonNode answer, Instant received) {
            return new Pair(
                    answer.get("access").asText(),
                    answer.get("refresh").asText(),
                    received.plusSeconds(answer.get("expires_in").asLong()));
        }
    }

    /**
     * The file the pair is kept in: owner-only ({@code rw-------} in an {@code rwx------} folder where the file system
     * has POSIX permissions), each new pair written to a temporary file beside it and moved over it atomically, so
     * a crash leaves the old pair or the new one, never half of one. A lock file keeps two runs from refreshing with
     * the same token at once (latchkey would see a spent token reused and end the whole family).
     */
    static final class TokenFile {
        private final Path file;

        TokenFile(Path file) {
            this.file = file.toAbsolutePath();
        }

        Optional<Pair> load() throws IOException {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            var json = JSON.readTree(Files.readString(file));
            return Optional.of(new Pair(
                    json.get("access").asText(),
                    json.get("refresh").asText(),
                    Instant.ofEpochSecond(json.get("access_expires_at").asLong())));
        }

        void save(Pair pair) throws IOException {
            var dir = file.getParent();
            Files.createDirectories(dir, OwnerOnly.folder());
            var temp = Files.createTempFile(dir, ".tokens", ".tmp", OwnerOnly.file());
            try {
                Files.writeString(
                        temp,
                        JSON.writeValueAsString(Map.of(
                                "access", pair.access(),
                                "refresh", pair.refresh(),
                                "access_expires_at", pair.expiresAt().getEpochSecond())));
                try (var channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(
                        temp,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        }

        void delete() throws IOException {
            Files.deleteIfExists(file);
        }

        Closeable lock() throws IOException {
            var dir = file.getParent();
            Files.createDirectories(dir, OwnerOnly.folder());
            var lockFile = file.resolveSibling(file.getFileName() + ".lock");
            var channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            var lock = channel.lock();
            return () -> {
                lock.release();
                channel.close();
            };
        }
    }

    /** Owner-only permissions where the file system has POSIX ones (not on Windows, where the profile is private). */
    static final class OwnerOnly {
        private static final boolean POSIX =
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

        static FileAttribute<?>[] folder() {
            return POSIX
                    ? new FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------"))
                    }
                    : new FileAttribute<?>[0];
        }

        static FileAttribute<?>[] file() {
            return POSIX
                    ? new FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------"))
                    }
                    : new FileAttribute<?>[0];
        }
    }
}
