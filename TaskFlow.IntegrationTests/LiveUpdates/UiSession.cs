using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>One person at the web UI in a browser profile of their own; remembers every console error the page logs.</summary>
public sealed class UiSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _apiCalls = [];

    private UiSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") _consoleErrors.Add(message.Text); };
        page.PageError += (_, error) => _consoleErrors.Add(error);
        // What the page asked the Api and what it got, for failure messages.
        page.Request += (_, request) => { if (request.Url.Contains("/api/")) Remember($"{request.Method} {request.Url} sent"); };
        page.Response += (_, response) => { if (response.Url.Contains("/api/")) Remember($"{response.Request.Method} {response.Url} -> {response.Status}"); };
        page.RequestFailed += (_, request) => Remember($"{request.Method} {request.Url} failed: {request.Failure}");
    }

    public IPage Page { get; }

    public static async Task<UiSession> OpenAsync(Browser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(baseAddress);
        var session = new UiSession(context, await context.NewPageAsync());
        await session.Page.GotoAsync("/");
        return session;
    }

    public async Task SignUpAsync(string email, string password)
    {
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await SubmitCredentialsAsync(email, password, "Create account");
    }

    public Task SignInAsync(string email, string password) => SubmitCredentialsAsync(email, password, "Sign in");

    private async Task SubmitCredentialsAsync(string email, string password, string button)
    {
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.Locator("#auth-submit").GetByText(button).ClickAsync();
        // Live: the update stream is open, so nothing written from now on can be missed.
        await ExplainFailureAsync(() => Assertions.Expect(Page.Locator("#live[data-state=live]")).ToBeVisibleAsync(new() { Timeout = 30_000 }));
    }

    /// <summary>Runs a page assertion; when it fails, the failure also lists the page's Api calls and console errors.</summary>
    public async Task ExplainFailureAsync(Func<Task> assertion)
    {
        try
        {
            await assertion();
        }
        catch (Exception exception) when (exception is PlaywrightException or TimeoutException)
        {
            throw new PlaywrightException($"{exception.Message}\nThe page's Api calls:\n{ApiCalls}\nConsole errors: {string.Join(" | ", _consoleErrors)}");
        }
    }

    private void Remember(string call)
    {
        lock (_apiCalls) _apiCalls.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {call}");
    }

    private string ApiCalls
    {
        get { lock (_apiCalls) return string.Join("\n", _apiCalls); }
    }

    /// <summary>Opens the editor, fills the title (and whatever else <paramref name="fill"/> does in it) and saves.</summary>
    public async Task CreateTaskAsync(string title, Func<ILocator, Task>? fill = null, string? screenshot = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New task" }).ClickAsync();
        var editor = Page.Locator("#editor");
        await editor.GetByLabel("Title").FillAsync(title);
        if (fill is not null) await fill(editor);
        if (screenshot is not null) await ScreenshotAsync(screenshot);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await ExplainFailureAsync(() => Assertions.Expect(Page.Locator("#editor")).ToBeHiddenAsync());
    }

    public ILocator Task(string title) => Page.Locator("li.task", new() { HasText = title });

    /// <summary>The heading above the tasks: the name of the list shown, or of the view ("All tasks", "Assigned to me").</summary>
    public ILocator Heading => Page.Locator("#view-title");

    /// <summary>The sidebar's entry of the list named <paramref name="name"/>.</summary>
    public ILocator ListLink(string name) => Page.Locator("#list-nav a", new() { HasText = name });

    /// <summary>Shows a list, or a view ("All tasks", "Assigned to me"), from the sidebar.</summary>
    public async Task ShowAsync(string name)
    {
        await Page.Locator("#sidebar a.nav-item", new() { HasText = name }).ClickAsync();
        await ExplainFailureAsync(() => Assertions.Expect(Heading).ToHaveTextAsync(name));
    }

    /// <summary>Creates a list with the sidebar's "New list"; the page then shows it.</summary>
    public async Task CreateListAsync(string name)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New list" }).ClickAsync();
        var dialog = Page.Locator("#list-dialog");
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create list" }).ClickAsync();
        await ExplainFailureAsync(() => Assertions.Expect(dialog).ToBeHiddenAsync());
        await ExplainFailureAsync(() => Assertions.Expect(Heading).ToHaveTextAsync(name));
    }

    /// <summary>From now on answers each confirm() of the page with OK, as a person confirming a removal would.</summary>
    public void AcceptConfirmations() => Page.Dialog += (_, dialog) => dialog.AcceptAsync();

    /// <summary>
    /// Takes a screenshot of the page (it must render); writes it to docs/screenshots only when asked
    /// (<see cref="Browser.WriteScreenshotsSetting"/>=1), so a test run leaves the committed pictures alone.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        var png = await Page.ScreenshotAsync();
        Assert.NotEmpty(png);
        if (!Browser.WriteScreenshots) return;
        Directory.CreateDirectory(Browser.ScreenshotFolder);
        await File.WriteAllBytesAsync(Path.Combine(Browser.ScreenshotFolder, name + ".png"), png);
    }

    /// <summary>No console errors except those containing <paramref name="provoked"/> (what a test caused on purpose).</summary>
    public void AssertNoConsoleErrors(string? provoked = null)
    {
        var errors = _consoleErrors.Where(error => provoked is null || !error.Contains(provoked, StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
