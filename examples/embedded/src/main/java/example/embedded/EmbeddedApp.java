package example.embedded;

import dev.latchkey.Latchkey;
import dev.latchkey.auth.AuthenticationDenied;
import dev.latchkey.auth.Credentials;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.jwt.InvalidAccessToken;
import dev.latchkey.jwt.InvalidRefreshToken;
import dev.latchkey.jwt.TokenPair;
import dev.latchkey.request.RequestContext;
import dev.latchkey.session.Session;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.user.NewUser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * latchkey as a library in a plain Jetty 12 app (no servlet API): a sign-in form that sets a session cookie, a page
 * only a signed-in user sees, sign-out, and a JWT pair for API clients ({@code POST /api/token}, {@code POST
 * /api/token/refresh}, {@code GET /api/me} with {@code Authorization: Bearer}).
 *
 * <pre>
 * java example.embedded.EmbeddedApp DATA_DIR createuser NAME   # the password on standard input
 * java example.embedded.EmbeddedApp DATA_DIR serve PORT         # http://127.0.0.1:PORT/ (0: any free port)
 * </pre>
 *
 * DATA_DIR holds the SQLite database and the instance secret that seals the JWT signing keys (made on first start,
 * owner-only). The session cookie is {@code HttpOnly} and {@code SameSite=Strict}, and a form post whose
 * {@code Origin} is another site's is refused: what stands in for CSRF tokens in this small app. Behind TLS, add
 * {@code Secure} to the cookie.
 */
public final class EmbeddedApp extends Handler.Abstract {
    static final String COOKIE = "session";

    private final Latchkey latchkey;

    EmbeddedApp(Latchkey latchkey) {
        this.latchkey = latchkey;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[1].equals("serve") || args[1].equals("createuser"))) {
            System.err.println("usage: EmbeddedApp DATA_DIR serve PORT | EmbeddedApp DATA_DIR createuser NAME");
            System.exit(64);
        }
        var latchkey = open(Path.of(args[0]));
        if (args[1].equals("createuser")) {
            var password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            var user = latchkey.users()
                    .create(new NewUser(args[2], "", false, false), Optional.ofNullable(password));
            System.out.println("created " + user.username() + " (id " + user.id() + ")");
            latchkey.close();
            return;
        }
        var server = new Server();
        var connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[2]));
        server.addConnector(connector);
        server.setHandler(new EmbeddedApp(latchkey));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(latchkey::close));
        System.out.println("listening on http://127.0.0.1:" + connector.getLocalPort() + "/");
        server.join();
    }

    /** The README's "As a library" set-up: a database, and an instance secret for the JWT signing keys. */
    static Latchkey open(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        var secretFile = dataDir.resolve("instance-secret");
        if (!Files.exists(secretFile)) {
            var secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.createFile(
                    secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(secretFile, secret);
        }
        var database = Database.open(DatabaseUrl.parse("sqlite:" + dataDir.resolve("auth.sqlite3")));
        return Latchkey.builder(database)
                .instanceSecret(Files.readAllBytes(secretFile))
                .build();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var path = Request.getPathInContext(request);
        var method = request.getMethod();
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            if (method.equals("POST") && !sameOrigin(request)) {
                return send(response, callback, 403, "text/plain", "a form of another site");
            }
            switch (method + " " + path) {
                case "GET /" -> home(request, response, callback);
                case "GET /login" -> send(response, callback, 200, "text/html", LOGIN_FORM);
                case "POST /login" -> login(request, response, callback);
                case "POST /logout" -> logout(request, response, callback);
                case "POST /api/token" -> token(request, response, callback);
                case "POST /api/token/refresh" -> refresh(request, response, callback);
                case "GET /api/me" -> me(request, response, callback);
                default -> send(response, callback, 404, "text/plain", "not found");
            }
        } catch (LatchkeyException e) {
            // Throttled sign-ins, a busy hasher, bad input: latchkey's own status and code.
            send(response, callback, e.status(), "application/json", json(Map.of("error", e.code())));
        }
        return true;
    }

    /** The protected page: only for a live session of a user; anyone else is sent to the sign-in form. */
    private void home(Request request, Response response, Callback callback) throws Exception {
        var session = currentSession(request);
        var user = session.map(Session::userId).flatMap(id -> latchkey.users().findById(id));
        if (user.isEmpty()) {
            Response.sendRedirect(request, response, callback, 303, "/login", true);
            return;
        }
        send(response, callback, 200, "text/html", "<h1>Hello, " + escape(user.get().username()) + "</h1>"
                + "<form method=post action=/logout><button>Sign out</button></form>");
    }

    private void login(Request request, Response response, Callback callback) throws Exception {
        var form = Request.getParameters(request);
        try {
            // The README's code: sign in, set the cookie to the new session's id (a new id: no fixation).
            var signedIn = latchkey.signIn()
                    .withSession(
                            context(request),
                            new Credentials.Password(value(form, "username"), value(form, "password")),
                            cookie(request).orElse(null));
            Response.addCookie(
                    response,
                    HttpCookie.build(COOKIE, signedIn.session().id())
                            .path("/")
                            .httpOnly(true)
                            .sameSite(HttpCookie.SameSite.STRICT)
                            .build());
            Response.sendRedirect(request, response, callback, 303, "/", true);
        } catch (AuthenticationDenied denied) {
            // One answer for every refusal: no user enumeration.
            send(response, callback, 401, "text/html", "<p>Wrong username or password.</p>" + LOGIN_FORM);
        }
    }

    private void logout(Request request, Response response, Callback callback) {
        cookie(request).ifPresent(id -> latchkey.sessions().logout(id));
        Response.addCookie(response, HttpCookie.build(COOKIE, "").path("/").maxAge(0).build());
        Response.sendRedirect(request, response, callback, 303, "/login", true);
    }

    /** A JWT pair for an API client that signs in with a password. */
    private void token(Request request, Response response, Callback callback) throws Exception {
        var form = Request.getParameters(request);
        try {
            var authenticated = latchkey.signIn()
                    .verify(
                            context(request),
                            new Credentials.Password(value(form, "username"), value(form, "password")));
            pair(response, callback, latchkey.tokenFamilies().obtain(authenticated.user().id(), null));
        } catch (AuthenticationDenied denied) {
            send(response, callback, 401, "application/json", json(Map.of("error", denied.code())));
        }
    }

    private void refresh(Request request, Response response, Callback callback) throws Exception {
        var form = Request.getParameters(request);
        try {
            pair(response, callback, latchkey.tokenFamilies().refresh(value(form, "refresh"), context(request)));
        } catch (InvalidRefreshToken refused) {
            send(response, callback, 401, "application/json", json(Map.of("error", "invalid_token")));
        }
    }

    private void me(Request request, Response response, Callback callback) throws Exception {
        var header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            send(response, callback, 401, "application/json", json(Map.of("error", "not_authenticated")));
            return;
        }
        try {
            var who = latchkey.tokenFamilies().verify(header.substring(7).strip());
            var user = latchkey.users().findById(who.userId()).orElseThrow(() -> new InvalidAccessToken("no such user"));
            send(
                    response,
                    callback,
                    200,
                    "application/json",
                    json(Map.of("id", user.id(), "username", user.username())));
        } catch (InvalidAccessToken refused) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            send(response, callback, 401, "application/json", json(Map.of("error", "invalid_token")));
        }
    }

    private void pair(Response response, Callback callback, TokenPair pair) throws Exception {
        send(
                response,
                callback,
                200,
                "application/json",
                json(Map.of(
                        "access", pair.access(),
                        "refresh", pair.refresh(),
                        "token_type", "Bearer",
                        "expires_in", pair.accessLifetime().toSeconds())));
    }

    private Optional<Session> currentSession(Request request) {
        return cookie(request).flatMap(id -> latchkey.sessions().find(id));
    }

    private static Optional<String> cookie(Request request) {
        return Request.getCookies(request).stream()
                .filter(c -> c.getName().equals(COOKIE))
                .map(HttpCookie::getValue)
                .findFirst();
    }

    /** A form post from this app's own page, or from no browser at all (no {@code Origin}). */
    private static boolean sameOrigin(Request request) {
        var origin = request.getHeaders().get(HttpHeader.ORIGIN);
        var uri = request.getHttpURI();
        return origin == null
                || origin.equals(uri.getScheme() + "://" + uri.getAuthority());
    }

    private static RequestContext context(Request request) {
        return new RequestContext(Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.USER_AGENT));
    }

    private static String value(Fields form, String name) {
        var value = form.getValue(name);
        return value == null ? "" : value;
    }

    private String json(Map<String, ?> body) throws Exception {
        return latchkey.json().writeValueAsString(body);
    }

    private static boolean send(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
        return true;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String LOGIN_FORM = "<form method=post action=/login>"
            + "<input name=username autocomplete=username> <input name=password type=password"
            + " autocomplete=current-password> <button>Sign in</button></form>";
}
