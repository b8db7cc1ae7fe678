using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Benchmarks.Grpc;

/// <summary>
/// A bounded load test of the match API on loopback: a real <c>cashapp serve</c> host (h2c, SQLite, API
/// keys) and its generated client in one process, so client and server share this machine's cores.
/// Unary <c>Match</c> with one payment per call from many concurrent callers, then <c>MatchStream</c>
/// with batches of payments on a few streams. Prints calls/s, payments/s and latency percentiles.
/// <c>dotnet run -c Release --project benchmarks -- grpc-load [--seconds 10] [--concurrency 64] [--streams 4] [--batch 100]</c>.
/// </summary>
internal static class GrpcLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 64);
        var streams = Option(args, "--streams", 4);
        var batch = Option(args, "--batch", 100);
        var repo = FindRepo();
        var folder = Directory.CreateTempSubdirectory("cashapp-grpc-load-").FullName;
        try
        {
            var key = ApiKeyRing.NewKey();
            var keys = Path.Combine(folder, "keys.txt");
            await File.WriteAllLinesAsync(keys, [ApiKeyRing.FileLine(key, Role.Admin)]).ConfigureAwait(false);
            await using var app = await CashAppHost.BuildAsync(new ServeOptions
            {
                Urls = ["http://127.0.0.1:0"],
                DbPath = Path.Combine(folder, "load.db"),
                ApiKeysPath = keys,
                ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
            }).ConfigureAwait(false);
            await app.StartAsync().ConfigureAwait(false);
            var address = new Uri(app.Urls.Single());
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            });
            var invoker = channel.Intercept(m =>
            {
                m.Add("authorization", "Bearer " + key);
                return m;
            });

            // The demo day's AR: open items and customers through the wire, as an AR system would send them.
            var items = ArFiles.ReadOpenItems(Path.Combine(repo, "fixtures", "demo", "open_items.csv"));
            var customers = ArFiles.ReadCustomers(Path.Combine(repo, "fixtures", "demo", "customers.csv"));
            await Upsert(new V1.Customers.CustomersClient(invoker), customers).ConfigureAwait(false);
            await Upsert(new V1.OpenItems.OpenItemsClient(invoker), items).ConfigureAwait(false);
            var payments = Payments(items);
            var client = new V1.Matching.MatchingClient(invoker);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server {address}, {items.Count} open items, {customers.Count} customers, {Environment.ProcessorCount} cores, client in-process"));

            if (args.Contains("--baseline"))
            {
                // The cost of the transport alone: the anonymous health check, no key, no store.
                var health = new global::Grpc.Health.V1.Health.HealthClient(channel);
                await Baseline(health, concurrency, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                var baseline = await Baseline(health, concurrency, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary Health  {concurrency,4} callers: {baseline.Count / baseline.Elapsed.TotalSeconds,10:N0} calls/s     p50 {baseline.P(0.50),7:F3} ms  p99 {baseline.P(0.99),7:F3} ms; {baseline.PerCpuSecond(baseline.Count),8:N0} calls per CPU-second, {baseline.Cpu.TotalSeconds / baseline.Elapsed.TotalSeconds:F2} cores used"));
            }

            await Unary(client, payments, concurrency, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var unary = await Unary(client, payments, concurrency, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary Match   {concurrency,4} callers: {unary.Count / unary.Elapsed.TotalSeconds,10:N0} calls/s     p50 {unary.P(0.50),7:F3} ms  p99 {unary.P(0.99),7:F3} ms  p99.9 {unary.P(0.999),7:F3} ms; {unary.PerCpuSecond(unary.Count),8:N0} calls per CPU-second, {unary.Cpu.TotalSeconds / unary.Elapsed.TotalSeconds:F2} cores used"));

            await Stream(client, payments, streams, batch, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var streamed = await Stream(client, payments, streams, batch, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MatchStream   {streams,4} streams x {batch} per message: {streamed.Count * batch / streamed.Elapsed.TotalSeconds,10:N0} payments/s  p50 {streamed.P(0.50),7:F3} ms  p99 {streamed.P(0.99),7:F3} ms per message; {streamed.PerCpuSecond(streamed.Count * batch),8:N0} payments per CPU-second, {streamed.Cpu.TotalSeconds / streamed.Elapsed.TotalSeconds:F2} cores used"));
            await app.StopAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Run(long Count, TimeSpan Elapsed, double[] LatenciesMs, TimeSpan Cpu)
    {
        /// <summary>Units per second of CPU used by the whole process (client and server): what the machine sustains when the cores are ours.</summary>
        public double PerCpuSecond(long units) => units / Cpu.TotalSeconds;

        public double P(double quantile) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(quantile * LatenciesMs.Length))];
    }

    private static async Task<Run> Unary(V1.Matching.MatchingClient client, V1.Payment[] payments, int concurrency, TimeSpan duration)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 16);
            var i = w;
            var request = new V1.MatchRequest();
            while (stop.Elapsed < duration)
            {
                request.Payments.Clear();
                request.Payments.Add(payments[i++ % payments.Length]);
                var started = Stopwatch.GetTimestamp();
                await client.MatchAsync(request).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return latencies;
        })).ToArray();
        var all = (await Task.WhenAll(workers).ConfigureAwait(false)).SelectMany(l => l).Order().ToArray();
        return new Run(all.Length, stop.Elapsed, all, Environment.CpuUsage.TotalTime - cpu);
    }

    private static async Task<Run> Baseline(global::Grpc.Health.V1.Health.HealthClient client, int concurrency, TimeSpan duration)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 16);
            var request = new global::Grpc.Health.V1.HealthCheckRequest();
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await client.CheckAsync(request).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return latencies;
        })).ToArray();
        var all = (await Task.WhenAll(workers).ConfigureAwait(false)).SelectMany(l => l).Order().ToArray();
        return new Run(all.Length, stop.Elapsed, all, Environment.CpuUsage.TotalTime - cpu);
    }

    private static async Task<Run> Stream(V1.Matching.MatchingClient client, V1.Payment[] payments, int streams, int batch, TimeSpan duration)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            using var call = client.MatchStream();
            var sent = new System.Collections.Concurrent.ConcurrentQueue<long>();
            var latencies = new List<double>(1 << 14);
            var received = 0L;
            var reader = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
                {
                    sent.TryDequeue(out var started);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref received);
                }
            });

            // Keep a bounded number of messages in flight, as a well-behaved high-volume client does.
            var i = s * batch;
            var inFlight = 0L;
            while (stop.Elapsed < duration)
            {
                var request = new V1.MatchRequest();
                for (var j = 0; j < batch; j++)
                {
                    request.Payments.Add(payments[i++ % payments.Length]);
                }

                sent.Enqueue(Stopwatch.GetTimestamp());
                await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
                inFlight++;
                while (inFlight - Interlocked.Read(ref received) > 8)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            return latencies;
        })).ToArray();
        var all = (await Task.WhenAll(workers).ConfigureAwait(false)).SelectMany(l => l).Order().ToArray();
        return new Run(all.Length, stop.Elapsed, all, Environment.CpuUsage.TotalTime - cpu);
    }

    /// <summary>One payment per open invoice, quoting its number for its open amount; every fifth from nobody known.</summary>
    private static V1.Payment[] Payments(List<OpenItem> items)
    {
        var payments = new List<V1.Payment>();
        foreach (var item in items.Where(i => i.OpenMinor > 0))
        {
            var payment = new V1.Payment
            {
                PaymentRef = "LOAD-" + item.ItemId,
                AmountMinor = item.OpenMinor,
                Currency = item.Currency.Code,
                PayerName = payments.Count % 5 == 4 ? "Nobody We Know Ltd" : item.CustomerName,
            };
            if (payments.Count % 5 != 4)
            {
                payment.Remittance.Add(new V1.RemittanceLine { Reference = item.InvoiceNumber, AmountMinor = item.OpenMinor });
            }

            payments.Add(payment);
        }

        return [.. payments];
    }

    private static async Task Upsert(V1.Customers.CustomersClient client, List<Customer> customers)
    {
        using var call = client.Upsert();
        foreach (var c in customers)
        {
            var proto = new V1.Customer { CustomerId = c.CustomerId, Name = c.Name, ParentId = c.ParentId ?? string.Empty };
            proto.Aliases.Add(c.Aliases);
            proto.BankAccounts.Add(c.BankAccounts);
            await call.RequestStream.WriteAsync(proto).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await call;
    }

    private static async Task Upsert(V1.OpenItems.OpenItemsClient client, List<OpenItem> items)
    {
        using var call = client.Upsert();
        foreach (var item in items)
        {
            await call.RequestStream.WriteAsync(new V1.OpenItem
            {
                ItemId = item.ItemId,
                DocType = item.DocType switch { DocType.Invoice => V1.DocType.Invoice, DocType.CreditMemo => V1.DocType.CreditMemo, _ => V1.DocType.DebitMemo },
                CustomerId = item.CustomerId,
                CustomerName = item.CustomerName,
                InvoiceNumber = item.InvoiceNumber,
                PoNumber = item.PoNumber ?? string.Empty,
                Currency = item.Currency.Code,
                OpenAmountMinor = item.OpenMinor,
                DocDate = new Google.Type.Date { Year = item.DocDate.Year, Month = item.DocDate.Month, Day = item.DocDate.Day },
                DueDate = new Google.Type.Date { Year = item.DueDate.Year, Month = item.DueDate.Month, Day = item.DueDate.Day },
            }).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await call;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CashApp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CashApp.sln not found above " + AppContext.BaseDirectory);
    }
}
