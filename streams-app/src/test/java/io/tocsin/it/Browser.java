package io.tocsin.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the console's browser tests, from the machine's own binaries (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs). Without them the calling test is skipped, never failed:
 * nothing is downloaded, so Selenium Manager is bypassed by naming both binaries.
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the calling test, saying why, when the machine has no Chromium or no chromedriver. */
    static void assumeAvailable() {
        assumeTrue(available(), "browser tests skipped: no chromium and chromedriver binaries on PATH (install Debian's "
                + "chromium and chromium-driver packages; .ci/run does)");
    }

    static boolean available() {
        return onPath("chromium", "chromium-browser", "google-chrome").isPresent() && onPath("chromedriver").isPresent();
    }

    static Browser start() {
        assumeAvailable();
        Optional<Path> chromium = onPath("chromium", "chromium-browser", "google-chrome");
        Optional<Path> chromedriver = onPath("chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        // --no-sandbox: CI runs as root, where Chromium refuses its sandbox
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-GB", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    private static Optional<Path> onPath(String... names) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(names)
                .flatMap(name -> Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Saves what the browser shows as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The texts of the elements {@code css} selects, read again if the page redrew them meanwhile. */
    List<String> texts(String css) {
        return each(css, org.openqa.selenium.WebElement::getText);
    }

    /** One attribute of each element {@code css} selects, read again if the page redrew them meanwhile. */
    List<String> attributes(String css, String attribute) {
        return each(css, e -> e.getAttribute(attribute));
    }

    private List<String> each(String css, java.util.function.Function<org.openqa.selenium.WebElement, String> read) {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElements(org.openqa.selenium.By.cssSelector(css)).stream().map(read).toList();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
