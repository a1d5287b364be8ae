using Microsoft.Playwright;

namespace EndToEnd.Tests.Support;

/// <summary>
/// A local runtime plus Debian's headless chromium driven by Playwright (never a downloaded browser). When chromium is
/// not installed, <see cref="Browser"/> stays null and the tests skip with <see cref="MissingBrowserReason"/>.
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string MissingBrowserReason = $"Browser tests need Debian's chromium at {ChromiumPath} (apt-get install chromium).";

    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;

    public LocalRuntimeFixture Runtime { get; } = new();

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await Runtime.InitializeAsync();
        if (!File.Exists(ChromiumPath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            Headless = true,
            ExecutablePath = ChromiumPath,
            Args = ChromiumArguments,
        });
    }

    /// <summary>A fresh page 1400 px wide (the documentation screenshots' width) with a bounded default wait.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var browser = Browser ?? throw new InvalidOperationException(MissingBrowserReason);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            BaseURL = Runtime.Runtime.ApiEndpoint.ToString(),
        });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Runtime.DisposeAsync();
    }
}
