package dev.latchkey.bench.attack;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Attacks a running latchkey server on this machine and says, per attack, what held: parallel password guessing on
 * each sign-in path, slow bodies and slow headers while a bystander on another address checks health and signs in,
 * and oversized or hostile inputs. bench/attack starts a fresh server and runs this against it.
 *
 * <p>Every attack comes from its own loopback address (and guesses at its own username), so no attack spends the
 * throttle budget of another; the bystander is always 127.0.0.2. Exit status: 0 when every attack held, 1 when any
 * did not, 2 on a usage error or when the server is not there to attack.
 */
public final class Attack {
    static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final PrintStream ERR =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private static final String USAGE = """
            usage: bench/attack [--url URL] [--slow N] [--hold SECONDS] [--guesses N] [--only LIST] [--user NAME]
              --url URL       attack this server (https:// or http:// on 127.0.0.0/8); default: start a fresh one
              --slow N        connections in each slow attack (default 1000)
              --hold SECONDS  how long slow connections are kept going once open (default 35)
              --guesses N     guesses in each parallel-guessing attack (default 100)
              --only LIST     some of: guess,bodies,headers,inputs (comma-separated; default all)
              --user NAME     the bystander's account (default alice); its password from $LATCHKEY_ATTACK_PASSWORD
                              (default "correct horse battery staple")
            """;
    private static final Set<String> ATTACKS = Set.of("guess", "bodies", "headers", "inputs");
    private static final long RUN_LIMIT_MS = 280_000;

    private static final InetAddress ATTACKER = address(1);
    private static final InetAddress BYSTANDER = address(2);
    private static final InetAddress JWT_GUESSER = address(3);
    private static final InetAddress FORM_GUESSER = address(4);
    private static final InetAddress SPRAYER = address(5);
    private static final InetAddress PRANKSTER = address(6);
    private static final Pattern CSRF_COOKIE = Pattern.compile("^(?:__Host-)?lk_csrf=([^;]+)");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");

    private final Wire wire;
    private final Options options;
    private final List<Outcome> outcomes = new ArrayList<>();

    private Attack(Wire wire, Options options) {
        this.wire = wire;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            ERR.println("bench/attack: " + e.getMessage());
            ERR.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            OUT.print(USAGE);
            return;
        }
        if (options.freePort) {
            try (var socket = new ServerSocket(0, 1, ATTACKER)) {
                OUT.println(socket.getLocalPort());
            }
            return;
        }
        Wire wire;
        try {
            wire = Wire.of(options.url);
        } catch (IllegalArgumentException e) {
            ERR.println("bench/attack: " + e.getMessage());
            System.exit(2);
            return;
        }
        var watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(RUN_LIMIT_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    OUT.println("bench/attack: stopped, the run took longer than " + RUN_LIMIT_MS / 1000 + " s");
                    Runtime.getRuntime().halt(1);
                },
                "attack-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(new Attack(wire, options).run());
    }

    private int run() throws InterruptedException {
        var bystander = new Probes(wire, BYSTANDER, options.user, options.password);
        try {
            var health = wire.exchange(BYSTANDER, wire.head("GET", "/healthz", -1), null, 10_000);
            if (health.status() != 200) {
                ERR.println("bench/attack: " + wire.url() + "/healthz answers " + health.status());
                return 2;
            }
            var signIn = wire.exchange(
                    BYSTANDER,
                    wire.postJson("/api/session", Wire.credentials(options.user, options.password)),
                    null,
                    10_000);
            if (signIn.status() != 200) {
                ERR.println("bench/attack: the bystander cannot sign in as " + options.user + " (" + signIn.status()
                        + "); give --user NAME and its password in $LATCHKEY_ATTACK_PASSWORD");
                return 2;
            }
        } catch (Exception e) {
            ERR.println("bench/attack: no server at " + wire.url() + " (" + describe(e) + ")");
            return 2;
        }
        OUT.printf(
                "bench/attack against %s on %d cores, Java %s; each attack from its own address in 127.0.0.0/8,"
                        + " the bystander on 127.0.0.2 signs in as %s%n",
                wire.url(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                options.user);
        bystander.run(6, 20_000); // unmeasured: both JITs warm before anything is timed
        var rest = bystander.run(10, 20_000);
        OUT.println("at rest   " + rest.atRest() + " (each probe a new connection, TLS handshake included)");

        if (options.only.contains("guess")) {
            guessing();
        }
        if (options.only.contains("bodies")) {
            slow(SlowClients.Kind.BODIES, bystander);
        }
        if (options.only.contains("headers")) {
            slow(SlowClients.Kind.HEADERS, bystander);
        }
        if (options.only.contains("inputs")) {
            inputs();
        }
        return summary();
    }

    // ---- 1. parallel guessing ------------------------------------------------------------------------------------

    private void guessing() throws InterruptedException {
        int n = options.guesses;
        guess(
                "POST /api/session",
                "alice",
                ATTACKER,
                5,
                i -> wire.postJson("/api/session", Wire.credentials("alice", "wrong guess " + i)));
        guess(
                "POST /api/jwt",
                "bob",
                JWT_GUESSER,
                5,
                i -> wire.postJson("/api/jwt", Wire.credentials("bob", "wrong guess " + i)));
        formGuesses();
        var run = Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
        var tally = Guesses.run(
                wire,
                SPRAYER,
                n,
                i -> wire.postJson("/api/session", Wire.credentials("spray" + run + "-" + i, "wrong guess")));
        record(new Outcome(
                count(n) + " parallel guesses over " + count(n) + " usernames",
                "from 127.0.0.5",
                tally.held(10),
                tally.summary(),
                "≤ 10 hashed"));
    }

    private void guess(
            String path, String user, InetAddress from, int limit, java.util.function.IntFunction<byte[]> request)
            throws InterruptedException {
        var tally = Guesses.run(wire, from, options.guesses, request);
        record(new Outcome(
                count(options.guesses) + " parallel guesses, " + path,
                user + " from " + from.getHostAddress(),
                tally.held(limit),
                tally.summary(),
                "≤ " + limit + " hashed"));
    }

    /** The HTML form: its CSRF cookie and field from one GET /login, then every guess with them and our Origin. */
    private void formGuesses() throws InterruptedException {
        String token;
        try {
            var form = wire.exchange(FORM_GUESSER, wire.head("GET", "/login", -1), null, 10_000);
            token = csrfToken(form);
        } catch (Exception e) {
            token = null;
        }
        var label = count(options.guesses) + " parallel guesses, form POST /login";
        if (token == null) {
            record(new Outcome(label, "carol from 127.0.0.4", false, "no CSRF token from GET /login", "≤ 5 hashed"));
            return;
        }
        var csrf = token;
        guess("form POST /login", "carol", FORM_GUESSER, 5, i -> {
            var body = ("csrf_token=" + csrf + "&next=%2F&username=carol&password=wrong+guess+" + i)
                    .getBytes(StandardCharsets.UTF_8);
            var cookie = wire.origin().startsWith("https") ? "__Host-lk_csrf" : "lk_csrf";
            return Wire.concat(
                    wire.head(
                            "POST",
                            "/login",
                            body.length,
                            "Origin: " + wire.origin(),
                            "Cookie: " + cookie + "=" + csrf,
                            "Content-Type: application/x-www-form-urlencoded"),
                    body);
        });
    }

    private static String csrfToken(Wire.Response form) {
        var cookie = form.headers().get("set-cookie");
        if (cookie != null) {
            var m = CSRF_COOKIE.matcher(cookie);
            if (m.find()) {
                return m.group(1);
            }
        }
        var m = CSRF_FIELD.matcher(form.text());
        return m.find() ? m.group(1) : null;
    }

    // ---- 2, 3. slow bodies and slow headers ---------------------------------------------------------------------

    private void slow(SlowClients.Kind kind, Probes bystander) throws InterruptedException {
        var report = SlowClients.run(
                wire, ATTACKER, options.slow, kind, options.holdSeconds * 1000L, () -> bystander.run(20, 20_000));
        var limit = kind == SlowClients.Kind.BODIES ? "p99 < 1 s, none failed" : "p99 < 1 s, none failed, all dropped";
        // The next attack should meet a server that has got over this one, and the time it takes is worth knowing.
        long recovered = bystander.recovery(20_000);
        var after = recovered < 0
                ? "; /healthz still not answering 20 s after the attack stopped"
                : recovered >= 1000
                        ? String.format(
                                Locale.ROOT,
                                "; /healthz answered again %.1f s after the attack" + " stopped",
                                recovered / 1000.0)
                        : "";
        var kept = "; " + count(report.stillOpen()) + " of " + count(options.slow) + " kept open " + options.holdSeconds
                + " s";
        record(new Outcome(
                count(options.slow) + " " + kind.label,
                "from 127.0.0.1",
                report.held() && recovered >= 0,
                report.probes().summary(),
                limit,
                "attacker: " + report.attacker() + after,
                report.probes().shortSummary() + kept));
    }

    // ---- 4. hostile inputs ---------------------------------------------------------------------------------------

    private void inputs() {
        var results = HostileInputs.run(wire, PRANKSTER);
        var held = results.stream().allMatch(HostileInputs.Result::held);
        var text = String.join(
                ", ", results.stream().map(HostileInputs.Result::text).toList());
        var fives = results.stream().filter(r -> !r.held()).count();
        record(new Outcome(
                "hostile inputs",
                "from 127.0.0.6",
                held,
                text,
                "no 5xx, all answered",
                null,
                fives == 0 ? "no 5xx" : fives + " with 5xx or no answer"));
    }

    // ---- output --------------------------------------------------------------------------------------------------

    private void record(Outcome outcome) {
        outcomes.add(outcome);
        OUT.println((outcome.held ? "held      " : "NOT HELD  ") + outcome.name + " (" + outcome.who + "): "
                + outcome.measured);
        if (outcome.detail != null) {
            OUT.println("          " + outcome.detail);
        }
    }

    private int summary() {
        OUT.println();
        int width = outcomes.stream().mapToInt(o -> o.name.length()).max().orElse(10);
        int measuredWidth =
                outcomes.stream().mapToInt(o -> o.brief().length()).max().orElse(10);
        OUT.printf("%-" + width + "s  %-8s  %-" + measuredWidth + "s  %s%n", "attack", "held", "measured", "held when");
        for (var o : outcomes) {
            OUT.printf(
                    "%-" + width + "s  %-8s  %-" + measuredWidth + "s  %s%n",
                    o.name,
                    o.held ? "yes" : "NO",
                    o.brief(),
                    o.limit);
        }
        var failed = outcomes.stream().filter(o -> !o.held).map(o -> o.name).toList();
        OUT.println();
        if (failed.isEmpty()) {
            OUT.println("every attack held (" + outcomes.size() + " of " + outcomes.size() + ")");
            return 0;
        }
        OUT.println("not held: " + String.join("; ", failed) + " (" + failed.size() + " of " + outcomes.size() + ")");
        return 1;
    }

    /** One attack's result: the line printed as it ends, and its row in the summary. */
    record Outcome(
            String name, String who, boolean held, String measured, String limit, String detail, String summary) {
        Outcome(String name, String who, boolean held, String measured, String limit) {
            this(name, who, held, measured, limit, null, null);
        }

        String brief() {
            return summary != null ? summary : measured;
        }
    }

    // ---- small helpers -------------------------------------------------------------------------------------------

    /** 1000 as "1,000". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** An exception as a few words: "timed out", "connection reset", "TLS: ...". */
    static String describe(Throwable e) {
        String text;
        if (e instanceof SocketTimeoutException) {
            text = "timed out";
        } else if (e instanceof ConnectException) {
            text = "connection refused";
        } else if (e instanceof SSLException) {
            text = "TLS: " + e.getMessage();
        } else if (e instanceof EOFException || e instanceof SocketException) {
            text = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().toLowerCase(Locale.ROOT);
        } else {
            text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command line. */
    static final class Options {
        String url;
        int slow = 1000;
        int holdSeconds = 35;
        int guesses = 100;
        Set<String> only = new LinkedHashSet<>(List.of("guess", "bodies", "headers", "inputs"));
        String user = "alice";
        String password = System.getenv().getOrDefault("LATCHKEY_ATTACK_PASSWORD", "correct horse battery staple");
        boolean freePort;
        boolean help;

        static Options parse(String[] args) {
            var o = new Options();
            for (int i = 0; i < args.length; i++) {
                var arg = args[i];
                switch (arg) {
                    case "--help", "-h" -> o.help = true;
                    case "--free-port" -> o.freePort = true;
                    case "--url" -> o.url = value(args, ++i, arg);
                    case "--user" -> o.user = value(args, ++i, arg);
                    case "--slow" -> o.slow = number(value(args, ++i, arg), arg, 1, 5000);
                    case "--hold" -> o.holdSeconds = number(value(args, ++i, arg), arg, 5, 120);
                    case "--guesses" -> o.guesses = number(value(args, ++i, arg), arg, 1, 500);
                    case "--only" -> {
                        o.only = new LinkedHashSet<>(
                                List.of(value(args, ++i, arg).split(",")));
                        if (!ATTACKS.containsAll(o.only)) {
                            throw new IllegalArgumentException("--only takes some of guess,bodies,headers,inputs");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (o.url == null && !o.freePort && !o.help) {
                throw new IllegalArgumentException("--url is required");
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int number(String text, String flag, int min, int max) {
            try {
                int n = Integer.parseInt(text.replace(",", "").replace("_", ""));
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException(flag + " takes a number from " + min + " to " + max + ": " + text);
        }
    }
}
