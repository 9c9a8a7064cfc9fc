package dev.latchkey.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.Mailbox;
import dev.latchkey.user.NewUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The account pages in a real browser (Debian's Chromium), with mail sent over SMTP to an in-process server: sign up,
 * confirm the address from the mailed link and sign in; forget a password, reset it from the mailed link and sign in
 * with the new one. Every account page is also photographed at a desktop (1280×900) and a phone (390×844) width into
 * {@code target/accounts-*.png}, and at phone width none may scroll sideways.
 */
class BrowserAccountsTest {
    private static final Duration MAIL_WAIT = Duration.ofSeconds(15);
    private static final int PHONE_WIDTH = 390;

    @TempDir
    static Path dir;

    private static Mailbox mailbox;
    private static TestServer server;
    private static ChromeDriver browser;
    private static String base;
    private static String userAgent;

    private WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Chromium.requireInstalled();
        mailbox = Mailbox.open();
        server = TestServer.openSignUp(dir, mailbox);
        base = server.base().toString().replaceAll("/$", "");
        browser = Chromium.start(dir.resolve("profile"), "1280,900", "--hide-scrollbars");
        userAgent = (String) browser.executeScript("return navigator.userAgent");
        Files.createDirectories(Path.of("target"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
    }

    @BeforeEach
    void freshBrowser() {
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(base + "/login");
        browser.manage().deleteAllCookies();
        language("en");
        desktop();
    }

    @Test
    void signUpFromTheSignInPageConfirmTheAddressFromTheMailAndSignIn() throws Exception {
        browser.get(base + "/login");
        browser.findElement(By.linkText("Create an account")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/signup"));
        browser.findElement(By.id("username")).sendKeys("robin");
        browser.findElement(By.id("email")).sendKeys("robin@example.com");
        browser.findElement(By.id("password")).sendKeys("velvet harbour lantern");
        submit();
        assertThat(heading()).isEqualTo("Check your mail");

        // Before the address is confirmed the right password is not enough.
        browser.get(base + "/login");
        signIn("robin", "velvet harbour lantern");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".error"), "Confirm your email address first"));
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login");
        shoot("accounts-login-unverified");
        // ... and the page leads to a new confirmation mail, for one that was lost.
        browser.findElement(By.linkText("Send the confirmation mail again")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/verify-email"));
        assertThat(heading()).isEqualTo("Send the confirmation mail again");

        var link = mail("robin@example.com", 1).link();
        assertThat(link).startsWith(base + "/verify-email/");
        browser.get(link);
        assertThat(heading()).isEqualTo("Confirm your email address");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("robin@example.com");
        submit();
        assertThat(heading()).isEqualTo("Email confirmed");

        browser.findElement(By.linkText("Sign in")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/login"));
        signIn("robin", "velvet harbour lantern");
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(heading()).isEqualTo("robin");
    }

    @Test
    void forgetThePasswordResetItFromTheMailAndSignInWithTheNewOne() {
        server.latchkey()
                .users()
                .create(new NewUser("sam", "sam@example.com", false, false), Optional.of("quiet orchard bicycle"));
        browser.get(base + "/login");
        browser.findElement(By.linkText("Forgot your password?")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/password/reset"));
        browser.findElement(By.id("email")).sendKeys("sam@example.com");
        submit();
        assertThat(heading()).isEqualTo("Check your mail");

        var link = mail("sam@example.com", 1).link();
        assertThat(link).startsWith(base + "/password/reset/");
        browser.get(link);
        assertThat(heading()).isEqualTo("Choose a new password");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("sam");
        browser.findElement(By.id("password")).sendKeys("maple comet saddle");
        submit();
        assertThat(heading()).isEqualTo("Password changed");

        browser.findElement(By.linkText("Sign in")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/login"));
        signIn("sam", "quiet orchard bicycle");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".error"), "Invalid username or password."));
        signIn("sam", "maple comet saddle");
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(heading()).isEqualTo("sam");

        // The link was for one use.
        browser.get(link);
        assertThat(heading()).isEqualTo("This link does not work");
    }

    @Test
    void everyAccountPageAtDesktopAndPhoneWidths() throws Exception {
        // Long enough not to fit a phone's line: the pages that quote it must wrap it.
        var email = "kim.with.a.rather.long.address@mail.example.com";
        browser.get(base + "/login");
        shoot("accounts-login");

        browser.get(base + "/signup");
        var hint = browser.findElement(By.id("password")).getDomAttribute("aria-describedby");
        assertThat(browser.findElement(By.id(hint)).getText()).startsWith("At least 8 characters.");
        shoot("accounts-signup");
        browser.findElement(By.id("username")).sendKeys("kim");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("password");
        submit();
        // zxcvbn's warning ends with its own full stop: the page adds none.
        assertThat(browser.findElement(By.cssSelector(".error")).getText())
                .startsWith("The password is too easy to guess")
                .endsWith("password.");
        shoot("accounts-signup-error");
        browser.findElement(By.id("password")).sendKeys("copper meadow violin");
        submit();
        assertThat(heading()).isEqualTo("Check your mail");
        shoot("accounts-signup-sent");

        browser.get(mail(email, 1).link());
        shoot("accounts-verify");
        submit();
        assertThat(heading()).isEqualTo("Email confirmed");
        shoot("accounts-verify-done");

        browser.get(base + "/verify-email");
        shoot("accounts-verify-resend");
        browser.get(base + "/verify-email/not-a-token");
        assertThat(heading()).isEqualTo("This link does not work");
        shoot("accounts-bad-link");

        browser.get(base + "/password/reset");
        shoot("accounts-reset");
        browser.findElement(By.id("email")).sendKeys(email);
        submit();
        shoot("accounts-reset-sent");
        browser.get(mail(email, 2).link());
        assertThat(heading()).isEqualTo("Choose a new password");
        shoot("accounts-reset-new");
        browser.findElement(By.id("password")).sendKeys("amber falcon pottery");
        submit();
        assertThat(heading()).isEqualTo("Password changed");
        shoot("accounts-reset-done");

        browser.get(base + "/login");
        signIn("kim", "amber falcon pottery");
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        shoot("accounts-account");
        browser.findElement(By.linkText("Change password")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account/password"));
        shoot("accounts-change-password");
        browser.findElement(By.id("current_password")).sendKeys("amber falcon pottery");
        browser.findElement(By.id("new_password")).sendKeys("linen glacier trumpet");
        submit();
        assertThat(heading()).isEqualTo("Password changed");
        shoot("accounts-change-password-done");
        browser.get(base + "/account");
        browser.findElement(By.linkText("Change email address")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account/email"));
        shoot("accounts-change-email");
        browser.findElement(By.id("email")).sendKeys("kim.moved.to.another.long.address@mail.example.org");
        browser.findElement(By.id("current_password")).sendKeys("linen glacier trumpet");
        submit();
        assertThat(heading()).isEqualTo("Change your email address");
        shoot("accounts-change-email-sent");

        browser.manage().deleteAllCookies();
        language("ko");
        browser.get(base + "/signup");
        assertThat(heading()).isEqualTo("계정 만들기");
        phone();
        assertFitsThePhone("accounts-signup-ko");
        screenshot("accounts-signup-ko-phone");
    }

    private static Mailbox.Received mail(String address, int count) {
        long end = System.nanoTime() + MAIL_WAIT.toNanos();
        while (true) {
            var mails = mailbox.to(address);
            if (mails.size() >= count) {
                return mails.get(count - 1);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("expected " + count + " mails to " + address + ", got " + mails);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void signIn(String username, String password) {
        var field = browser.findElement(By.id("username"));
        field.clear();
        field.sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        submit();
    }

    /** Submits the page's form and waits for the page that answers. */
    private void submit() {
        WebElement button = browser.findElement(By.cssSelector("main button[type=submit]"));
        button.click();
        Chromium.awaitGone(wait, button);
    }

    private static String heading() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    /** The page as it is, at both widths, then back at the desktop one. */
    private static void shoot(String name) throws Exception {
        desktop();
        screenshot(name + "-desktop");
        phone();
        assertFitsThePhone(name);
        screenshot(name + "-phone");
        desktop();
    }

    private static void assertFitsThePhone(String name) {
        @SuppressWarnings("unchecked")
        var sizes = (Map<String, Long>) browser.executeScript(
                "return {scroll: document.documentElement.scrollWidth," + " inner: window.innerWidth}");
        assertThat(sizes.get("inner")).as(name + ": the phone's viewport").isEqualTo(PHONE_WIDTH);
        assertThat(sizes.get("scroll"))
                .as(name + " scrolls sideways at phone width")
                .isLessThanOrEqualTo(sizes.get("inner"));
    }

    private static void screenshot(String name) throws Exception {
        var shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void desktop() {
        metrics(1280, 900, false);
    }

    /** A phone: its width, and the page's viewport meta in force as on a real one. */
    private static void phone() {
        metrics(PHONE_WIDTH, 844, true);
    }

    private static void metrics(int width, int height, boolean mobile) {
        browser.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** What the browser asks for in {@code Accept-Language}. */
    private static void language(String tag) {
        browser.executeCdpCommand(
                "Emulation.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", tag));
    }
}
