using System.Diagnostics;
using System.Globalization;
using System.Text;
using CashApp.Store;
using Grpc.Core;
using Xunit.Abstractions;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// The soak: 8 clients for 5 minutes against one server, each calling Match, Ingest, Resolve and the lists at
/// random (seeded per client). It reports the process's RSS over time, the p50 and p99 of each call and the
/// errors, and holds that nothing was over-applied. Only with <c>CASHAPP_SOAK=1</c>
/// (<c>CASHAPP_SOAK_SECONDS</c>, <c>CASHAPP_SOAK_CLIENTS</c> to change the defaults): it is minutes long.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Invoices = 20_000;

    [SkippableFact]
    public async Task Soak_EightClientsMixedCalls_RssFlatNoUnexpectedErrorsNothingOverApplied()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("CASHAPP_SOAK") == "1", "A soak of minutes: set CASHAPP_SOAK=1 (and CASHAPP_SOAK_SECONDS, CASHAPP_SOAK_CLIENTS) to run it.");
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CASHAPP_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 300;
        var clients = int.TryParse(Environment.GetEnvironmentVariable("CASHAPP_SOAK_CLIENTS"), CultureInfo.InvariantCulture, out var c) ? c : 8;

        var server = new ServerFixture();
        await server.InitializeAsync();
        try
        {
            var amounts = Enumerable.Range(0, Invoices).ToDictionary(i => $"SK-I{i:D5}", i => 1_000L + (i % 997));
            await server.OpenItems().UpsertAsync(amounts.Select(a => MatchingTests.Invoice(a.Key, "SK-CUST", "INV-9" + a.Key[4..], a.Value)));

            var latencies = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            var errors = new Dictionary<string, int>(StringComparer.Ordinal);
            var conflicts = 0;
            var rss = new List<(double At, long Rss, long Heap)>();
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using (var self = Process.GetCurrentProcess())
                    {
                        lock (rss)
                        {
                            rss.Add((clock.Elapsed.TotalSeconds, self.WorkingSet64, GC.GetTotalMemory(false)));
                        }
                    }

                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, seconds / 20)), CancellationToken.None);
                }
            });

            void Record(string call, double ms)
            {
                lock (latencies)
                {
                    (latencies.TryGetValue(call, out var list) ? list : latencies[call] = []).Add(ms);
                }
            }

            void Error(string call, StatusCode code)
            {
                lock (errors)
                {
                    var key = call + " " + code;
                    errors[key] = errors.GetValueOrDefault(key) + 1;
                }
            }

            var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
            {
                var random = new Random(client);
                var sent = new List<byte[]>();
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var roll = random.Next(100);
                    var call = roll < 35 ? "Match" : roll < 55 ? "Ingest" : roll < 75 ? "Resolve" : roll < 88 ? "ListExceptions" : "ListOpenItems";
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        switch (call)
                        {
                            case "Match":
                                var request = new V1.MatchRequest();
                                for (var k = 0; k < 20; k++)
                                {
                                    var item = random.Next(Invoices);
                                    request.Payments.Add(new V1.Payment { PaymentRef = $"SKM-{client}-{n}-{k}", AmountMinor = amounts[$"SK-I{item:D5}"], Currency = "USD", RemittanceText = $"INV-9{item:D5}" });
                                }

                                await server.Matching("ar-system").MatchAsync(request);
                                break;
                            case "Ingest":
                                byte[] file;
                                if (sent.Count > 0 && random.Next(5) == 0)
                                {
                                    // A day the bank sends again with a new header: every credit already received.
                                    file = PaymentIdentityTests.NewHeader(sent[random.Next(sent.Count)]);
                                }
                                else
                                {
                                    var details = Enumerable.Range(0, 25).Select(k =>
                                    {
                                        var item = random.Next(Invoices);
                                        return k % 5 == 4
                                            ? PaymentIdentityTests.Detail($"SKB-{client}-{n}-{k}", 777 + k, "NO REMITTANCE")
                                            : PaymentIdentityTests.Detail($"SKB-{client}-{n}-{k}", amounts[$"SK-I{item:D5}"], $"INV-9{item:D5}");
                                    }).ToList();
                                    file = PaymentIdentityTests.Bai2(details, header: $"{10 + (n % 12):D2}{n % 60:D2},{(client * 100_000) + n}");
                                    sent.Add(file);
                                }

                                await server.BankFiles("treasury").IngestAsync($"soak-{client}-{n}.bai2", file);
                                break;
                            case "Resolve":
                                var page = await server.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 20 });
                                if (page.Exceptions.Count == 0)
                                {
                                    break;
                                }

                                var open = page.Exceptions[random.Next(page.Exceptions.Count)];
                                var target = random.Next(Invoices);
                                var resolve = new V1.ResolveExceptionRequest { ExceptionId = open.ExceptionId, ExpectedRowVersion = open.RowVersion, Reason = "soak" };
                                if (random.Next(2) == 0)
                                {
                                    resolve.ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = $"SK-I{target:D5}", AmountMinor = Math.Min(open.UnappliedAmountMinor, amounts[$"SK-I{target:D5}"]) } } };
                                }
                                else
                                {
                                    resolve.WriteOff = new V1.WriteOff();
                                }

                                try
                                {
                                    await server.Exceptions("specialist").ResolveAsync(resolve);
                                }
                                catch (RpcException ex) when (ex.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
                                {
                                    // Another client decided it first, or the item is no longer open for that much.
                                    Interlocked.Increment(ref conflicts);
                                }

                                break;
                            case "ListExceptions":
                                await server.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 100 });
                                break;
                            default:
                                await server.OpenItems("ar-system").ListAsync(new V1.ListOpenItemsRequest { CustomerId = "SK-CUST", PageSize = 100 });
                                break;
                        }

                        Record(call, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    catch (RpcException ex)
                    {
                        Error(call, ex.StatusCode);
                    }
                }
            })).ToList();
            await Task.WhenAll(workers);
            await sampler;

            // Nothing over-applied: each invoice's applications within its amount, and the store's remaining agrees.
            var applied = new Dictionary<string, long>(StringComparer.Ordinal);
            long? after = null;
            while (true)
            {
                var batch = await server.Store.ListApplicationsAsync(new ApplicationQuery { AfterId = after, Take = 10_000 });
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var a in batch)
                {
                    applied[a.ItemId] = applied.GetValueOrDefault(a.ItemId) + a.Amount.Minor;
                }

                after = batch[^1].Id;
            }

            var overApplied = applied.Count(a => a.Value > amounts[a.Key]);
            var report = Report(seconds, clients, latencies, errors, conflicts, rss, overApplied, applied.Count)
                + string.Create(CultureInfo.InvariantCulture, $"snapshot: {server.Matcher.FullLoads} full reads of the ledger, {server.Matcher.CarriedForward} generations carried forward{Environment.NewLine}");
            output.WriteLine(report);
            var path = Environment.GetEnvironmentVariable("CASHAPP_SOAK_REPORT") ?? Path.Combine(Path.GetTempPath(), "cashapp-soak.txt");
            await File.WriteAllTextAsync(path, report);
            Assert.Equal(0, overApplied);
            Assert.Empty(errors);
            foreach (var (item, sum) in applied.Take(500))
            {
                Assert.Equal(amounts[item] - sum, (await server.Store.GetOpenItemAsync(item))!.RemainingMinor);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static string Report(int seconds, int clients, Dictionary<string, List<double>> latencies, Dictionary<string, int> errors, int conflicts, List<(double At, long Rss, long Heap)> rss, int overApplied, int itemsApplied)
    {
        var text = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        text.AppendLine(ci, $"soak: {clients} clients, {seconds} s, {Environment.ProcessorCount} cores");
        text.AppendLine("call            calls     p50 ms   p99 ms   max ms");
        foreach (var (call, list) in latencies.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            list.Sort();
            text.AppendLine(ci, $"{call,-14} {list.Count,6} {Percentile(list, 0.50),9:F1} {Percentile(list, 0.99),8:F1} {list[^1],8:F1}");
        }

        text.AppendLine(ci, $"errors: {(errors.Count == 0 ? "0" : string.Join(", ", errors.Select(e => $"{e.Key} x{e.Value}")))}; resolve conflicts (ABORTED/FAILED_PRECONDITION, expected): {conflicts}");
        text.AppendLine(ci, $"items applied to: {itemsApplied}; over-applied: {overApplied}");
        text.AppendLine("RSS over time (s: RSS MiB / managed heap MiB):");
        text.AppendLine(string.Join("  ", rss.Select(r => string.Create(ci, $"{r.At:F0}: {r.Rss / (1024 * 1024)}/{r.Heap / (1024 * 1024)}"))));
        return text.ToString();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
