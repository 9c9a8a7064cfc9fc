package dev.latchkey.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import dev.latchkey.social.ProviderSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
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
 * A real browser (Debian's Chromium, driven by chromedriver) signs in through the form, lands on /account, ends
 * another session, and signs out. A screenshot of /account is saved as {@code target/account.png}.
 */
class BrowserSignInTest {

    @TempDir
    Path dir;

    private TestServer server;
    private ChromeDriver browser;
    private MockOAuth2Server idp;

    @BeforeEach
    void start() throws Exception {
        Chromium.requireInstalled();
        idp = new MockOAuth2Server();
        idp.start(0);
        server = TestServer.https(
                dir.resolve("server"),
                List.of(new ProviderSettings(
                        "myidp",
                        "oidc",
                        URI.create(idp.issuerUrl("default").toString()),
                        "latchkey-client",
                        "client-secret",
                        List.of("openid", "email"),
                        List.of(),
                        Duration.ofSeconds(5),
                        Map.of(),
                        false)));
        browser = Chromium.start(dir.resolve("profile"), "412,915");
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    @Test
    void signInThroughTheFormSeeTheAccountEndAnotherSessionAndSignOut() throws Exception {
        var base = server.base().toString().replaceAll("/$", "");
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        browser.get(base + "/account");
        wait.until(ExpectedConditions.urlContains("/login?next=/account"));

        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".error"), "Invalid username or password."));

        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alice");
        assertThat(browser.findElement(By.cssSelector(".session.current")).getText())
                .contains("this session");
        var cookie = browser.manage().getCookieNamed("__Host-lk_session");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.isSecure()).isTrue();

        // Another device signs in; the browser ends that session from the account page.
        var phone = server.client();
        phone.signIn();
        browser.navigate().refresh();
        var endOthers = browser.findElement(By.id("end-others"));
        endOthers.click();
        // The URL is /account before and after: wait for the old page to go, not for the URL.
        Chromium.awaitGone(wait, endOthers);
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(phone.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(browser.findElements(By.cssSelector(".session"))).hasSize(1);

        var screenshot = browser.getScreenshotAs(OutputType.FILE).toPath();
        var target = Path.of("target", "account.png");
        Files.createDirectories(target.getParent());
        Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/login"));
        browser.get(base + "/account");
        wait.until(ExpectedConditions.urlContains("/login?next=/account"));
    }

    @Test
    void signInWithTheOidcProviderThroughItsButtonAndSeeItLinkedOnTheAccount() throws Exception {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(
                "default",
                "pat-at-idp",
                "JWT",
                List.of("latchkey-client"),
                Map.of("email", "pat@idp.example", "email_verified", true),
                3600));
        var base = server.base().toString().replaceAll("/$", "");
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(base + "/login?next=/account");
        browser.findElement(By.cssSelector("a.provider")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("pat");
        assertThat(browser.findElement(By.cssSelector(".accounts")).getText())
                .contains("myidp")
                .contains("pat@idp.example");
        var screenshot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(screenshot, Path.of("target", "account-social.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
