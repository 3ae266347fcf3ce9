using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace GenApi.Tests.WebConsole;

/// <summary>
/// Headless Chromium from Debian's packages (<c>chromium</c>, <c>chromium-driver</c>; <c>.ci/run</c> installs them),
/// driven by Selenium with explicit paths, so nothing is downloaded at run time.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    public Browser(int width = 1280, int height = 800)
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", $"--window-size={width},{height}");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>Skips the test where Debian's Chromium is not installed; in CI (<c>CI=true</c>) that is a failure instead.</summary>
    public static void RequireInstalled()
    {
        const string reason = "chromium and chromium-driver are not installed: apt-get install chromium chromium-driver (.ci/run does).";
        var installed = File.Exists(ChromiumPath) && File.Exists(DriverPath);
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.True(installed, reason);
        Skip.IfNot(installed, reason);
    }

    public ChromeDriver Driver { get; }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    /// <summary>Waits until <paramref name="condition"/> returns a value that is not null or false.</summary>
    public T Wait<T>(Func<IWebDriver, T> condition, int seconds = 20, string? what = null)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = what ?? "" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    public IWebElement WaitFor(string css, int seconds = 20) => Wait(d => d.FindElement(By.CssSelector(css)) is { Displayed: true } e ? e : null, seconds, $"waiting for {css}")!;

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    public void Type(string css, string text)
    {
        var input = Find(css);
        input.Clear();
        input.SendKeys(text);
    }

    /// <summary>Picks an option of a select as a user would (the change event fires).</summary>
    public void Choose(string css, string value) =>
        Script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));", Find(css), value);

    /// <summary>Whether the page is wider than the window (a layout that breaks at this size).</summary>
    public bool OverflowsHorizontally() => (bool)Script("return document.documentElement.scrollWidth > window.innerWidth + 1;")!;

    /// <summary>Saves a screenshot when <c>GENAPI_SCREENSHOTS</c> names a folder (README's pictures are made this way).</summary>
    public void Screenshot(string name)
    {
        if (Environment.GetEnvironmentVariable("GENAPI_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        // The whole page: the window grows to the document's height for the picture, then goes back.
        var window = Driver.Manage().Window;
        var size = window.Size;
        var height = Convert.ToInt32(Script("return document.documentElement.scrollHeight;"));
        window.Size = new System.Drawing.Size(size.Width, Math.Max(size.Height, height + size.Height - Convert.ToInt32(Script("return window.innerHeight;"))));
        Thread.Sleep(200);
        Driver.GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}.png"));
        window.Size = size;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
