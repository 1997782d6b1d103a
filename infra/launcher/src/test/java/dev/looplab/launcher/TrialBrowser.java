package dev.looplab.launcher;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trial browser in Debian's headless Chromium at 1,280 pixels wide: opens views by their links, waits for
 * what each renders, and saves a screenshot of each under {@code target/screenshots}.
 */
final class TrialBrowser implements AutoCloseable {
    static final int WIDTH = 1280;
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;
    private final String baseUrl;
    private final WebDriverWait wait;

    TrialBrowser(String baseUrl) throws Exception {
        this.baseUrl = baseUrl;
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=" + WIDTH + ",1000", "--hide-scrollbars", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // the views re-render as data arrives: an element found a moment ago may be replaced, so look again
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens a view by its address (the part after the host, hash included). */
    void open(String address) {
        driver.get(baseUrl + address);
    }

    WebElement await(String css) {
        return wait.until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    void awaitText(String css, String text) {
        wait.until(d -> d.findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().contains(text)));
    }

    void until(java.util.function.Function<WebDriver, Boolean> condition) {
        wait.until(condition::apply);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    String hash() {
        return (String) script("return location.hash");
    }

    /** Saves what the window shows as {@code target/screenshots/<name>.png}; the page must fit 1,280 px. */
    Path screenshot(String name) throws Exception {
        long overflow = ((Number) script("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
        assertThat(overflow).as("%s is wider than the %d px window", name, WIDTH).isLessThanOrEqualTo(0);
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Clicks the lineage tree's canvas where it draws the trial. */
    void clickTreeNode(String trialId) {
        WebElement canvas = await("#tree-canvas");
        script("arguments[0].looplab.center(arguments[1])", canvas, trialId);
        @SuppressWarnings("unchecked")
        Map<String, Number> at = (Map<String, Number>) script(
                "return arguments[0].looplab.positionOf(arguments[1])", canvas, trialId);
        assertThat(at).as("trial %s drawn in the tree", trialId).isNotNull();
        int width = canvas.getSize().getWidth();
        int height = canvas.getSize().getHeight();
        // Selenium's offsets count from the element's centre
        new Actions(driver).moveToElement(canvas, (int) Math.round(at.get("x").doubleValue() - width / 2.0),
                (int) Math.round(at.get("y").doubleValue() - height / 2.0)).click().perform();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
