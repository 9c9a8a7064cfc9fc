package dev.latchkey.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Real Chromium with Selenium's virtual authenticator (CTAP2, internal transport, resident keys, user verification):
 * a passkey is added on {@code /account/passkeys}, the user signs out, and signs in again with "Sign in with a
 * passkey" on {@code /login}, landing where {@code next} said. Screenshots of both are saved under
 * {@code target/screenshots}.
 */
class BrowserPasskeyTest {

    @TempDir
    Path dir;

    private TestServer server;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        Chromium.requireInstalled();
        server = TestServer.withPublicUrl(dir.resolve("server"), Clock.systemUTC());
        browser = Chromium.start(dir.resolve("profile"), "1000,900");
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
    void addAPasskeySignOutAndSignInWithItFromTheLoginPage() throws Exception {
        var base = server.base().toString().replaceAll("/$", "");
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        VirtualAuthenticator authenticator = browser.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true));

        // Until the conditional-UI part below, the page sees no conditional mediation: the virtual authenticator
        // would answer the login page's conditional request at once and sign alice in before the button is tried.
        var noConditionalUi = (String) browser.executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument",
                        Map.of(
                                "source",
                                "Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable',"
                                        + " {value: undefined});"))
                .get("identifier");
        browser.get(base + "/login?next=/account/passkeys");
        assertThat(browser.findElement(By.id("username")).getAttribute("autocomplete"))
                .isEqualTo("username webauthn");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(base + "/account/passkeys"));
        assertThat(browser.findElement(By.id("no-passkeys")).getText()).isEqualTo("No passkeys yet.");

        browser.findElement(By.id("passkey-name")).sendKeys("Test laptop");
        browser.findElement(By.id("passkey-add")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("li.passkey")));
        assertThat(browser.findElement(By.cssSelector("li.passkey .name")).getText())
                .isEqualTo("Test laptop");
        assertThat(browser.findElement(By.cssSelector("li.passkey .meta")).getText())
                .contains("never used");
        assertThat(authenticator.getCredentials())
                .singleElement()
                .satisfies(c -> assertThat(c.isResidentCredential()).isTrue());
        screenshot("passkey-enrolment");

        browser.get(base + "/account");
        var signOut = browser.findElement(By.id("sign-out"));
        signOut.click();
        Chromium.awaitGone(wait, signOut);
        wait.until(ExpectedConditions.urlToBe(base + "/login"));

        // The button: with conditional UI hidden from the page (as in a browser without it), only the click asks.
        browser.get(base + "/login?next=/account");
        var button = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-sign-in")));
        screenshot("passkey-sign-in");
        button.click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alice");
        screenshot("passkey-signed-in");
        signOut = browser.findElement(By.id("sign-out"));
        signOut.click();
        Chromium.awaitGone(wait, signOut);
        wait.until(ExpectedConditions.urlToBe(base + "/login"));

        // A password now leads to a second step (alice has a factor: her passkey), which the passkey answers.
        browser.get(base + "/login?next=/account");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        var usePasskey = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-second-step")));
        assertThat(browser.findElement(By.id("code")).isDisplayed()).isTrue();
        screenshot("passkey-second-step");
        usePasskey.click();
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alice");
        assertThat(server.latchkey().audit().findRecentByUser(1, "sign_in", 5))
                .filteredOn(e -> e.outcome().equals("success"))
                .first()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("mfa_webauthn"));
        signOut = browser.findElement(By.id("sign-out"));
        signOut.click();
        Chromium.awaitGone(wait, signOut);
        wait.until(ExpectedConditions.urlToBe(base + "/login"));

        // Conditional UI: the page asks for a passkey as it loads (mediation "conditional", offered in the username
        // field's autofill); the virtual authenticator answers such a request at once, as a user picking the
        // passkey from the autofill list would.
        browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", noConditionalUi));
        browser.get(base + "/login?next=/account");
        wait.until(ExpectedConditions.urlToBe(base + "/account"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("alice");
        assertThat(server.latchkey().audit().findRecentByUser(1, "passkey_sign_in", 5))
                .filteredOn(e -> e.outcome().equals("success"))
                .hasSize(3); // the button, the second step, conditional UI
        screenshot("passkey-signed-in-conditional");

        browser.get(base + "/account/passkeys");
        assertThat(browser.findElement(By.cssSelector("li.passkey .meta")).getText())
                .contains("last used");
    }

    private void screenshot(String name) throws Exception {
        var shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        var target = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
