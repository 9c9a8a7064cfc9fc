package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx in front of a tiny static site, asking latchkey with {@code auth_request}: the README's example,
 * run. Signed out, the site sends the browser to the sign-in page; signed in (cookie or token), it serves the page.
 */
class NginxForwardAuthTest {
    private static final List<Path> NGINX = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));

    @TempDir
    Path dir;

    private TestServer latchkey;
    private Process nginx;
    private URI site;

    @BeforeEach
    void start() throws Exception {
        var binary = NGINX.stream().filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            var message = "\n*** nginx is missing (apt-get install nginx): the forward-auth test is SKIPPED. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("nginx is required under CI=true" + message);
            }
            Assumptions.abort(message);
        }
        latchkey = TestServer.plain(dir.resolve("latchkey"), List.of("127.0.0.1"));
        latchkey.latchkey()
                .users()
                .create(
                        new dev.latchkey.user.NewUser("admin가", "", false, false),
                        java.util.Optional.of(TestServer.PASSWORD));
        var prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("site/private"));
        Files.createDirectories(prefix.resolve("tmp"));
        Files.writeString(prefix.resolve("site/private/index.html"), "<h1>the private page</h1>\n");
        int port = freePort();
        Files.writeString(prefix.resolve("nginx.conf"), config(prefix, port, latchkey.port()));
        nginx = new ProcessBuilder(
                        binary.get().toString(),
                        "-p",
                        prefix.toString(),
                        "-c",
                        prefix.resolve("nginx.conf").toString(),
                        "-e",
                        prefix.resolve("error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        site = URI.create("http://127.0.0.1:" + port + "/");
        awaitListening(prefix);
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    @Test
    void signedOutTheSiteSendsToSignInSignedInItServesThePage() throws Exception {
        var browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        var signedOut = browser.send(
                get("private/index.html").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?next=/private/index.html"));

        var signInPage =
                browser.send(get("login?next=/private/index.html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signInPage.statusCode())
                .as("the sign-in page, through the same nginx")
                .isEqualTo(200);
        assertThat(signInPage.body()).contains("Sign in");

        // Through the form, with the Origin a browser sends: nginx passes Host on, so latchkey sees its own origin.
        var csrf = java.util.regex.Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"")
                .matcher(signInPage.body());
        assertThat(csrf.find()).isTrue();
        var form = "csrf_token=" + csrf.group(1) + "&next=%2Fprivate%2Findex.html&username="
                + java.net.URLEncoder.encode("admin가", java.nio.charset.StandardCharsets.UTF_8) + "&password="
                + java.net.URLEncoder.encode(TestServer.PASSWORD, java.nio.charset.StandardCharsets.UTF_8);
        var signIn = browser.send(
                HttpRequest.newBuilder(site.resolve("login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", site.toString().replaceAll("/$", ""))
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("location")).hasValue("/private/index.html");

        var page = browser.send(get("private/index.html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("the private page");
        var korean = latchkey.latchkey().users().find("admin가").orElseThrow();
        assertThat(page.headers().firstValue("x-auth-user-id")).hasValue(Long.toString(korean.id()));
        assertThat(page.headers().firstValue("x-auth-user"))
                .as("percent-encoded UTF-8, never mangled")
                .hasValue("admin%EA%B0%80");

        var aliceId = latchkey.latchkey().users().find("alice").orElseThrow().id();
        var key = latchkey.latchkey()
                .apiTokens()
                .create(aliceId, "nginx", java.util.Optional.empty())
                .key();
        var machine = HttpClient.newHttpClient();
        var byToken = machine.send(
                get("private/index.html")
                        .header("Authorization", "Token " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byToken.statusCode()).isEqualTo(200);
        var forged = machine.send(
                get("private/index.html")
                        .header("Authorization", "Token lk_" + "x".repeat(43))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(302);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(site.resolve(path)).timeout(Duration.ofSeconds(10));
    }

    /** The README's example, with this test's ports and paths. */
    private static String config(Path prefix, int port, int latchkeyPort) {
        var upstream = "http://127.0.0.1:" + latchkeyPort;
        return """
                # The test's files are owner-only; as root, the worker must stay root to read them (ignored otherwise).
                user root;
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/site;

                        location / {
                            auth_request /auth/verify;
                            auth_request_set $auth_user_id $upstream_http_x_auth_user_id;
                            auth_request_set $auth_user $upstream_http_x_auth_user;
                            proxy_set_header X-Auth-User-Id $auth_user_id;
                            proxy_set_header X-Auth-User $auth_user;
                            add_header X-Auth-User-Id $auth_user_id;
                            add_header X-Auth-User $auth_user;
                            error_page 401 = @sign_in;
                        }
                        location @sign_in {
                            return 302 /login?next=$request_uri;
                        }
                        location = /auth/verify {
                            internal;
                            proxy_pass %3$s/auth/verify;
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_set_header X-Original-URI $request_uri;
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                        location ~ ^/(login|logout|account|api/|static/) {
                            proxy_pass %3$s;
                            proxy_set_header Host $http_host;
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(prefix, port, upstream);
    }

    private void awaitListening(Path prefix) throws Exception {
        var client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("error.log")));
            }
            try {
                client.send(get("").build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx did not start listening");
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
