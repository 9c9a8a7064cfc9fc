package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.browser.Chromium;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.server.web.http.Cors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code examples/spa} in Chromium: the app served from one origin, latchkey on another with that origin in
 * {@code http.cors_origins}; it signs in, shows {@code /api/me}, refreshes once on a 401, and signs out. A screenshot
 * is saved as {@code target/spa.png}.
 */
class SpaExampleTest {
    private static final Path EXAMPLE =
            Path.of("../examples/spa").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private HttpServer site;
    private TestServer latchkey;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        Chromium.requireInstalled();
        site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        site.createContext("/", exchange -> {
            var name = exchange.getRequestURI().getPath().equals("/")
                    ? "index.html"
                    : exchange.getRequestURI().getPath().substring(1);
            var file = EXAMPLE.resolve(name).normalize();
            if (!file.startsWith(EXAMPLE) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            var bytes = Files.readAllBytes(file);
            exchange.getResponseHeaders()
                    .set("Content-Type", name.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (var body = exchange.getResponseBody()) {
                body.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        site.start();
        var origin = "http://127.0.0.1:" + site.getAddress().getPort();
        latchkey = TestServer.https(
                dir.resolve("latchkey"), o -> o.crossOrigin(Cors.of(List.of(origin)), HttpCookie.SameSite.LAX));
        latchkey.latchkey().groups().create("editors");
        var alice = latchkey.latchkey().users().find("alice").orElseThrow();
        latchkey.latchkey().groups().set(alice, List.of("editors"));

        browser = Chromium.start(dir.resolve("profile"), "412,915");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (latchkey != null) {
            latchkey.close();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void theAppSignsInShowsTheUserRefreshesOnA401AndSignsOut() throws Exception {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        var latchkeyBase = latchkey.base().toString().replaceAll("/$", "");
        browser.get("http://127.0.0.1:" + site.getAddress().getPort() + "/?latchkey=" + latchkeyBase);

        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "refused"));

        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("me"), "alice"));
        assertThat(browser.findElement(By.id("groups")).getText()).isEqualTo("editors");
        assertThat(browser.findElement(By.id("status")).getText()).contains("refreshed 0 times");

        // The access token goes bad (as when it expires): the next call gets a 401, refreshes once, and succeeds.
        browser.executeScript("window.latchkeyExample.access = 'spoiled';");
        browser.findElement(By.id("who")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "refreshed 1 times"));
        var shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target/spa.png"), StandardCopyOption.REPLACE_EXISTING);

        var refresh = (String) browser.executeScript("return window.latchkeyExample.refresh;");
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "signed out"));
        // The family was revoked on the server: the refresh token the page held is worth nothing now.
        var replay = latchkey.client().postJson("/api/jwt/refresh", "{\"refresh\":\"" + refresh + "\"}");
        assertThat(replay.statusCode()).isEqualTo(401);
    }
}
