using System.Net;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using CashApp.Grpc.Web;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// The worklist over 100,000 open exceptions (issue 17: first page and a filtered search under 200 ms of server
/// time): the store's query alone, and the whole page over loopback HTTP from a signed-in client. The ledger is
/// built once into <c>CASHAPP_BENCH_WORKLIST</c> (default: the temp folder) and reused.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(WorklistJobConfig))]
public partial class WorklistBenchmarks : IDisposable
{
    private const int ExceptionCount = 100_000;
    private const string Password = "benchmark password 1";

    private string _folder = "";
    private ICashStore _store = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Environment.GetEnvironmentVariable("CASHAPP_BENCH_WORKLIST") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "cashapp-bench-worklist");
        Directory.CreateDirectory(_folder);
        var db = Path.Combine(_folder, "cashapp.db");
        var store = CashStores.OpenSqliteAsync(db, TimeProvider.System).GetAwaiter().GetResult();
        if (store.ListExceptionsAsync(new ExceptionQuery { Take = 1 }).GetAwaiter().GetResult().TotalCount < ExceptionCount)
        {
            Seed(store);
        }

        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var keys = Path.Combine(_folder, "keys.txt");
        File.WriteAllLines(keys, [ApiKeyRing.FileLine(ApiKeyRing.NewKey(), Role.Admin)]);
        var options = new ServeOptions { Urls = ["http://127.0.0.1:0"], WebUrls = ["http://127.0.0.1:0"], DbPath = db, ApiKeysPath = keys, SignInsPerMinute = 1000, ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"] };
        _app = CashAppHost.BuildAsync(options).GetAwaiter().GetResult();
        _app.StartAsync().GetAwaiter().GetResult();
        _store = _app.Services.GetRequiredService<ICashStore>();
        var people = (IWorklistStore)_store;
        if (people.FindUserAsync("bench").GetAwaiter().GetResult() is null)
        {
            people.AddUserAsync("bench", "specialist", SignInService.Hash("bench", "specialist", Password), "bench").GetAwaiter().GetResult();
        }

        var address = _app.Services.GetRequiredService<WorklistWeb.WebAddresses>().Bound(options.WebUrls).Single();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };
        var token = Token().Match(_client.GetStringAsync("/signin").GetAwaiter().GetResult()).Groups[1].Value;
        using var form = new FormUrlEncodedContent([new("Name", "bench"), new("Password", Password), new("__csrf", token)]);
        using var signedIn = _client.PostAsync("/signin", form).GetAwaiter().GetResult();
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException("sign-in failed: " + signedIn.StatusCode);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _client?.Dispose();
        _app?.StopAsync().GetAwaiter().GetResult();
        _app?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "store: first page (open, oldest first)")]
    public Task<WorklistPage> StoreFirstPage() => ((IWorklistStore)_store).ListWorklistAsync(new WorklistQuery());

    [Benchmark(Description = "store: text + currency + amount filter")]
    public Task<WorklistPage> StoreFilteredSearch() =>
        ((IWorklistStore)_store).ListWorklistAsync(new WorklistQuery { Text = "northwind", Currency = "EUR", MinUnappliedMinor = 10_000, Sort = WorklistSort.Unapplied, Descending = true });

    [Benchmark(Description = "page: GET /")]
    public Task<string> PageFirstPage() => _client.GetStringAsync("/");

    [Benchmark(Description = "page: GET /?q=northwind&currency=EUR&min=100")]
    public Task<string> PageFilteredSearch() => _client.GetStringAsync("/?q=northwind&currency=EUR&min=100&sort=unapplied&dir=desc");

    private static void Seed(ICashStore store)
    {
        string[] payers = ["NORTHWIND TRADERS", "CONTOSO LTD", "FABRIKAM GMBH", "WOODGROVE BANK", "ADVENTURE WORKS", "TAILSPIN TOYS", "WINGTIP TOYS", "LITWARE INC"];
        string[] currencies = ["USD", "EUR", "GBP"];
        var reasons = Enum.GetValues<ExceptionReason>();
        var random = new Random(17);
        const int batch = 10_000;
        for (var start = 0; start < ExceptionCount; start += batch)
        {
            var credits = new List<BankTransaction>(batch);
            var exceptions = new List<ExceptionCase>(batch);
            for (var i = start; i < start + batch; i++)
            {
                var currency = currencies[i % currencies.Length];
                var minor = random.Next(100, 5_000_000);
                var paymentRef = $"WL{i:D7}";
                credits.Add(new BankTransaction
                {
                    PaymentRef = paymentRef,
                    Direction = Direction.Credit,
                    AmountMinor = minor,
                    Currency = currency,
                    Format = BankFileFormat.Bai2,
                    SourceFile = $"bench-{start / batch}.bai2",
                    LineNumber = i - start + 1,
                    PayerName = payers[random.Next(payers.Length)] + " " + random.Next(1000),
                    FreeText = $"INV {random.Next(1_000_000):D7} REMIT",
                });
                exceptions.Add(new ExceptionCase(paymentRef, new Money(minor, new CurrencyCode(currency)), reasons[random.Next(reasons.Length)], "benchmark", [new Suggestion([$"INV-{i:D7}"], new MatchScore(random.NextDouble()), "benchmark")]));
            }

            store.StoreIngestAsync(new IngestBatch
            {
                FileName = $"bench-{start / batch}.bai2",
                ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(start))),
                Format = BankFileFormat.Bai2,
                Actor = "bench",
                Credits = credits,
                Applications = [],
                Exceptions = exceptions,
            }).GetAwaiter().GetResult();
        }
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

/// <summary>Worklist benchmarks: many short invocations in process, after a warm-up.</summary>
public sealed class WorklistJobConfig : BenchmarkDotNet.Configs.ManualConfig
{
    /// <summary>Creates the config.</summary>
    public WorklistJobConfig() =>
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithToolchain(new BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
}
