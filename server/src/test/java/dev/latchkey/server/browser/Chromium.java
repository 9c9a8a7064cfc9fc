package dev.latchkey.server.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its chromedriver, as every browser test starts it: no sandbox or GPU (the
 * test runs as root in a container), none of the background connections a closed network refuses, a profile of the
 * test's own, and the self-signed certificate of the test server accepted — here, in tests, only.
 */
public final class Chromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Skips the calling test loudly when Debian's Chromium or its driver is missing; under CI=true, fails it. */
    public static void requireInstalled() {
        if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
            return;
        }
        var message = "\n*** Chromium or chromedriver is missing (apt-get install chromium chromium-driver): "
                + "the browser test is SKIPPED. ***\n";
        System.err.println(message);
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("Chromium is required under CI=true" + message);
        }
        Assumptions.abort(message);
    }

    /**
     * Waits until {@code element}'s page is gone (a click on it submitted a form). ChromeDriver says so as a stale
     * element or, while the new document is still coming in, as a node that "does not belong to the document";
     * Selenium's {@code stalenessOf} knows only the first.
     */
    public static void awaitGone(WebDriverWait wait, WebElement element) {
        wait.until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                return true;
            }
        });
    }

    /**
     * A started browser, its pages loading within 30 seconds.
     *
     * @param windowSize {@code WIDTH,HEIGHT}
     * @param more       further command-line switches ({@code --hide-scrollbars})
     */
    public static ChromeDriver start(Path profile, String windowSize, String... more) throws IOException {
        var options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        var arguments = new ArrayList<>(List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
                "--window-size=" + windowSize,
                "--user-data-dir=" + Files.createDirectories(profile)));
        arguments.addAll(List.of(more));
        options.addArguments(arguments);
        options.setAcceptInsecureCerts(true);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        var browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
