using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using CashApp.Grpc.Web;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace CashApp.Web.Tests;

/// <summary>
/// A real <c>cashapp serve</c> with <c>--web-urls</c> on loopback (free ports), over a fresh SQLite store seeded
/// with people, customers, items and one bank file whose exceptions each serve one test; and, when the
/// system's Chromium is there, one headless browser.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    /// <summary>A payer name a bank file could carry: markup, both quote kinds and an ampersand.</summary>
    public const string HostilePayer = "<script>window.__xss=1</script>\"Quote\" 'Ltd' & <img src=x onerror=\"window.__xss=2\">";

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public WebFixture()
    {
        Folder = Directory.CreateTempSubdirectory("cashapp-web-tests-").FullName;
    }

    public string Folder { get; }

    public Uri WebAddress { get; private set; } = null!;

    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>The browser, or null when Chromium is not installed (<see cref="BrowserMissing"/> says why).</summary>
    public IBrowser? Browser { get; private set; }

    public string? BrowserMissing { get; private set; }

    /// <summary>Exception ids by the name of the test case they were made for.</summary>
    public Dictionary<string, long> Exceptions { get; } = new(StringComparer.Ordinal);

    internal ICashStore Store => _app!.Services.GetRequiredService<ICashStore>();

    internal IWorklistStore Worklist => (IWorklistStore)Store;

    /// <summary>The chromium executable: CASHAPP_CHROMIUM, else Debian's.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CASHAPP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        var keyFile = Path.Combine(Folder, "keys.txt");
        await File.WriteAllLinesAsync(keyFile, [ApiKeyRing.FileLine(ApiKeyRing.NewKey(), Role.Admin)]);
        var options = new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            WebUrls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(Folder, "cashapp.db"),
            ApiKeysPath = keyFile,
            SignInsPerMinute = 1000,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
        };
        _app = await CashAppHost.BuildAsync(options);
        await _app.StartAsync();
        WebAddress = _app.Services.GetRequiredService<WorklistWeb.WebAddresses>().Bound(options.WebUrls).Single();
        GrpcAddress = new Uri(_app.Urls.Single(u => new Uri(u).Port != WebAddress.Port));
        await SeedAsync();

        if (!File.Exists(ChromiumPath))
        {
            BrowserMissing = $"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests.";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A browser context of its own (its own cookies), signed in as <paramref name="name"/> when given.</summary>
    public async Task<IPage> NewPageAsync(string? name)
    {
        if (Browser is null)
        {
            // CI must not pass by skipping: there the browser is installed by .ci/run, and its absence is a failure.
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), BrowserMissing);
            Skip.If(true, BrowserMissing);
        }

        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        // Generous, since these are not speed tests: CI runs the test assemblies side by side on two cores, where a
        // page load behind a sign-in redirect has taken more than 10 s.
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(15_000);
        var page = await context.NewPageAsync();
        if (name is not null)
        {
            await page.GotoAsync("/signin");
            await page.FillAsync("#name", name);
            await page.FillAsync("#password", Password);
            await page.ClickAsync("button[type=submit]");
            // Signed in once the browser is at the worklist and its script has run: the script, which only the worklist
            // loads, marks the body with data-keys="ready" as its last step. Waiting for that mark in the page itself
            // (a wait that carries on into the page the sign-in redirects to), then for the address by polling it, is
            // what the tests need, and neither depends on a navigation's lifecycle event being seen: on CI, with two
            // cores shared by the test assemblies, a wait for DOMContentLoaded (stop 34) and then a wait for the URL to
            // commit (session 23) each timed out after 60 s on a page that showed the whole worklist, marked ready.
            var worklist = WebAddress.ToString().TrimEnd('/') + "/";
            try
            {
                await page.Locator("body[data-keys=ready]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                await Assertions.Expect(page).ToHaveURLAsync(worklist, new PageAssertionsToHaveURLOptions { Timeout = 60_000 });
            }
            catch (Exception e) when (e is TimeoutException or PlaywrightException)
            {
                // Say where the browser stayed, whether the script ran and what the page said (a refusal, an error
                // page), not just that time ran out.
                var said = await page.InnerTextAsync("body", new PageInnerTextOptions { Timeout = 5_000 }).ConfigureAwait(false);
                var keys = await page.EvaluateAsync<string?>("() => document.body && document.body.getAttribute('data-keys')").ConfigureAwait(false);
                Assert.Fail($"Signing in as {name} did not reach a ready worklist in 60 s: the browser is at {page.Url}, data-keys is {keys ?? "unset"}, the page shows: {said[..Math.Min(said.Length, 500)]}");
            }
        }

        return page;
    }

    /// <summary>
    /// Where the tests keep their screenshots: docs/screenshots in the repository when
    /// <c>CASHAPP_UPDATE_SCREENSHOTS=1</c> (to refresh the README's pictures), else a temporary folder, so
    /// that an ordinary test run leaves the working tree as it found it.
    /// </summary>
    public static string ScreenshotPath(string name)
    {
        if (Environment.GetEnvironmentVariable("CASHAPP_UPDATE_SCREENSHOTS") != "1")
        {
            var scratch = Path.Combine(Path.GetTempPath(), "cashapp-screenshots");
            Directory.CreateDirectory(scratch);
            return Path.Combine(scratch, name + ".png");
        }

        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CashApp.sln")))
        {
            folder = folder.Parent;
        }

        var target = Path.Combine(folder?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(target);
        return Path.Combine(target, name + ".png");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown: the temp folder is cleaned by the OS.
        }
    }

    private async Task SeedAsync()
    {
        foreach (var (name, role) in new[] { ("alice", "specialist"), ("bob", "specialist"), ("root", "admin") })
        {
            Assert.True(await Worklist.AddUserAsync(name, role, SignInService.Hash(name, role, Password), "test"));
        }

        var usd = new CurrencyCode("USD");
        var eur = new CurrencyCode("EUR");
        var day = new DateOnly(2026, 11, 1);
        await Store.UpsertCustomersAsync(
            [
                new Customer("C1", "Northwind Traders", null, [], []),
                new Customer("C2", "Northwind Pacific", "C1", [], []),
                new Customer("C3", "Contoso Ltd", null, [], []),
                new Customer("C4", "Fabrikam GmbH", null, [], []),
                new Customer("C5", "Woodgrove Bank", null, [], []),
                new Customer("C6", "Tailspin Toys", null, [], []),
                new Customer("C7", "Litware Inc", null, [], []),
                new Customer("C8", "<b>Rival</b> & \"Co\"", null, [], []),
            ],
            "test");
        OpenItem Item(string id, string customer, string name, long minor, CurrencyCode currency, DocType type = DocType.Invoice) =>
            new(id, type, customer, name, id, null, currency, minor, day, day.AddDays(30));
        await Store.UpsertOpenItemsAsync(
            [
                Item("INV-1001", "C1", "Northwind Traders", 100_00, usd),
                Item("INV-1002", "C1", "Northwind Traders", 250_00, usd),
                Item("CM-9001", "C1", "Northwind Traders", -30_00, usd, DocType.CreditMemo),
                Item("INV-2001", "C2", "Northwind Pacific", 500_00, usd),
                Item("INV-4001", "C1", "Northwind Traders", 1000_00, usd),
                Item("INV-5001", "C3", "Contoso Ltd", 60_00, usd),
                Item("INV-6001", "C5", "Woodgrove Bank", 40_00, usd),
                Item("INV-7001", "C4", "Fabrikam GmbH", 42_00, eur),
                Item("INV-7002", "C4", "Fabrikam GmbH", 58_00, eur),
                Item("INV-8001", "C6", "Tailspin Toys", 77_00, usd),
                Item("INV-8101", "C7", "Litware Inc", 88_00, usd),
                Item("INV-8201", "C7", "Litware Inc", 90_00, usd),
                Item("INV-8202", "C8", "Rival Co", 90_00, usd),
            ],
            "test");

        var cases = new (string Case, string Ref, long Minor, CurrencyCode Currency, string Payer, string Text, ExceptionReason Reason, Suggestion[] Suggestions)[]
        {
            ("accept", "P-ACCEPT", 500_00, usd, "NORTHWIND PACIFIC", "PAYMENT INV 2001", ExceptionReason.NoMatch, [new Suggestion(["INV-2001"], new MatchScore(0.85), "amount equal, payer by name 86")]),
            ("split", "P-SPLIT", 300_00, usd, "NORTHWIND TRADERS", "INV 1001 PART, INV 1002, LESS CREDIT 9001", ExceptionReason.Ambiguous, [new Suggestion(["INV-1001", "INV-1002"], new MatchScore(0.6), "references quoted, amounts differ"), new Suggestion(["INV-1002"], new MatchScore(0.4), "one reference only, lost on amount")]),
            ("writeoff", "P-WRITEOFF", 1000_75, usd, "NORTHWIND TRADERS", "INV-4001", ExceptionReason.Overpayment, [new Suggestion(["INV-4001"], new MatchScore(0.8), "reference exact, 0.75 over")]),
            ("race", "P-RACE", 60_00, usd, "CONTOSO", "INV 5001", ExceptionReason.NoMatch, [new Suggestion(["INV-5001"], new MatchScore(0.9), "amount equal, payer by name 92")]),
            ("xss", "P-XSS", 75_00, usd, HostilePayer, "<b>bold</b> & \"quoted\" <script>window.__xss=3</script>", ExceptionReason.UnknownPayer, []),
            ("reopen", "P-REOPEN", 40_00, usd, "WOODGROVE BANK", "INV 6001", ExceptionReason.NoMatch, [new Suggestion(["INV-6001"], new MatchScore(0.7), "amount equal")]),
            ("keyboard", "P-KEYS", 12_34, usd, "KEYBOARD CORP", "NOTHING", ExceptionReason.UnknownPayer, []),
            ("eur1", "P-EUR1", 42_00, eur, "FABRIKAM GMBH", "RE 7001", ExceptionReason.NoMatch, [new Suggestion(["INV-7001"], new MatchScore(0.95), "amount equal, payer by name 100")]),
            ("eur2", "P-EUR2", 58_00, eur, "FABRIKAM", "RE 7002", ExceptionReason.NoMatch, [new Suggestion(["INV-7002"], new MatchScore(0.93), "amount equal, payer by name 95")]),
            ("remember", "P-REMEMBER", 77_00, usd, "TAILSPIN TOYS", "NO REFERENCE", ExceptionReason.UnknownPayer, []),
            ("forget", "P-FORGET", 88_00, usd, "LITWARE", "NO REFERENCE", ExceptionReason.UnknownPayer, []),
            ("ranked", "P-RANKED", 90_00, usd, "LITWARE", "INV 8201", ExceptionReason.Ambiguous, [new Suggestion(["INV-8201"], new MatchScore(0.7), "'INV 8201' quoted, 90.00 open"), new Suggestion(["INV-8202"], new MatchScore(0.4), "near 'INV 8201' (1 edit)")]),
        };

        var credits = cases.Select((c, i) => new BankTransaction
        {
            PaymentRef = c.Ref,
            Direction = Direction.Credit,
            AmountMinor = c.Minor,
            Currency = c.Currency.Code,
            Format = BankFileFormat.Bai2,
            SourceFile = "day-2026-12-03.bai2",
            LineNumber = 10 + (i * 3),
            PayerName = c.Payer,
            PayerAccount = "021000021:" + (1000 + i),
            FreeText = c.Text,
            ValueDate = new DateOnly(2026, 12, 3),
        }).ToList();
        var result = await Store.StoreIngestAsync(new IngestBatch
        {
            FileName = "day-2026-12-03.bai2",
            ContentHash = new string('a', 64),
            Format = BankFileFormat.Bai2,
            Actor = "treasury:test",
            Credits = credits,
            Applications = [],
            Exceptions = [.. cases.Select(c => new ExceptionCase(c.Ref, new Money(c.Minor, c.Currency), c.Reason, "seeded for " + c.Case, c.Suggestions))],
        });
        Assert.Equal(IngestStatus.Stored, result.Status);

        var page = await Store.ListExceptionsAsync(new ExceptionQuery { Take = 100 });
        foreach (var c in cases)
        {
            Exceptions[c.Case] = page.Items.Single(e => e.PaymentRef == c.Ref).Id;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedWebServer : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
