using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>
/// Debian's Chromium headless shell (package chromium-headless-shell) driven by Playwright; Playwright never downloads a
/// browser here. The headless shell is the build of Chromium Playwright itself runs headless: the same Blink and V8
/// without the desktop browser around them, and here less than half the full browser's CPU for the same tests (20.6 s
/// against 45.1 s), on a machine whose two cores the whole suite shares.
/// One browser for all the browser tests, which run one at a time (<see cref="BrowserCollection"/>); each test opens
/// its own isolated contexts (a context = a separate browser profile).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/lib/chromium/chromium-headless-shell";

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

    /// <summary>
    /// A new browser profile on <paramref name="baseAddress"/>. A page load waits up to a minute, not Playwright's 30 s:
    /// parsing a page's scripts is the browser's heaviest work, and on two cores shared with the rest of the suite it
    /// has taken longer than 30 s.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress)
    {
        var context = await Instance.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1100, Height = 760 } });
        context.SetDefaultNavigationTimeout(60_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null) await Instance.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// The tests that drive a browser: one Chromium for them all, one test at a time. Several Chromiums at once beside the
/// rest of the suite left a two-core machine too busy for any of them to load a page in time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "Browser";
}
