package dev.latchkey.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.mfa.Totp;
import dev.latchkey.server.web.TestCodes;
import dev.latchkey.server.web.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
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
 * A real browser sets up an authenticator app on /account/mfa (the QR code, the key, a code, the recovery codes) and
 * signs in again with the password and then a code. Screenshots: {@code target/mfa-enrol.png},
 * {@code target/mfa-codes.png} and {@code target/mfa-sign-in.png}.
 */
class BrowserMfaTest {

    @TempDir
    Path dir;

    private TestServer server;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        Chromium.requireInstalled();
        server = TestServer.https(dir.resolve("server"));
        browser = Chromium.start(dir.resolve("profile"), "412,915");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void setUpAnAuthenticatorAppThenSignInWithThePasswordAndACode() throws Exception {
        var base = server.base().toString().replaceAll("/$", "");
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(base + "/login?next=/account");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));

        browser.findElement(By.id("mfa-link")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account/mfa"));
        assertThat(browser.findElement(By.id("mfa-status")).getText()).contains("off");
        browser.findElement(By.id("set-up")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.qr")));
        var shown = browser.findElement(By.id("secret")).getText();
        assertThat(shown).matches("([A-Z2-7]{4} ){7}[A-Z2-7]{4}");
        var key = TestCodes.base32(shown.replace(" ", ""));
        save("mfa-enrol.png");
        var step = Totp.step(Instant.now());
        browser.findElement(By.id("code")).sendKeys(Totp.text(key, step, 6));
        browser.findElement(By.cssSelector("button[type=submit].primary")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recovery-codes")));
        assertThat(browser.findElements(By.cssSelector("#recovery-codes li"))).hasSize(10);
        save("mfa-codes.png");

        browser.manage().deleteAllCookies();
        browser.get(base + "/login?next=/account");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code")));
        assertThat(browser.getPageSource()).contains("recovery code");
        save("mfa-sign-in.png");
        // The next step's code: the one that enabled the app is spent.
        browser.findElement(By.id("code")).sendKeys(Totp.text(key, step + 1, 6));
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alice");
    }

    private void save(String name) throws Exception {
        var target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
