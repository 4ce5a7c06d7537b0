using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, from apt) driven by Playwright; Playwright never downloads a browser here.
/// One browser per collection; each test opens its own isolated contexts (a context = a separate browser profile).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Where the browser tests leave screenshots of the main screens (README shows them).</summary>
    public static readonly string ScreenshotFolder = Repository.PathOf("docs", "screenshots");

    /// <summary>Set to 1 to have the browser tests rewrite the screenshots in <see cref="ScreenshotFolder"/>.</summary>
    public const string WriteScreenshotsSetting = "TASKFLOW_WRITE_SCREENSHOTS";

    public static bool WriteScreenshots => Environment.GetEnvironmentVariable(WriteScreenshotsSetting) == "1";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // Page assertions wait for what a person would wait for, not Playwright's 5 s default: on a two-core machine
        // running several apps at once, a save that renews its token first (three round trips) can take longer. The
        // tests that promise a time ("within 2 s") still say so explicitly.
        Assertions.SetDefaultExpectTimeout(15_000);
        Instance = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null) await Instance.DisposeAsync();
        _playwright?.Dispose();
    }
}
