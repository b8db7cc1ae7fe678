using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Grpc.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Benchmarks.Grpc;

/// <summary>
/// The peak memory of <c>cashapp serve</c> taking in one large bank file: a real server in a child process (SQLite,
/// API key), a ScaleGen day's customers and open items upserted, then the day's BAI2 file sent through
/// <c>BankFiles.Ingest</c>. Prints the server's peak resident set (Linux <c>VmHWM</c>) after the upserts and after the
/// ingest, the wall time and the report.
/// <c>dotnet run -c Release --project benchmarks -- ingest-memory --day DIR [--file PATH] [--server PATH] [serve options after --]</c>;
/// <c>--server</c> runs another build's <c>cashapp.dll</c>, to compare two builds.
/// </summary>
internal static class IngestMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        var split = Array.IndexOf(args, "--");
        var serveArgs = split >= 0 ? args[(split + 1)..] : [];
        args = split >= 0 ? args[..split] : args;
        var day = Value(args, "--day") ?? throw new ArgumentException("--day DIR (a ScaleGen day) is required.");
        var file = Value(args, "--file") ?? Path.Combine(day, "bank", "day.bai2");
        var serverDll = Value(args, "--server") is { } dll ? Path.GetFullPath(dll) : Path.Combine(AppContext.BaseDirectory, "cashapp.dll");
        var folder = Directory.CreateTempSubdirectory("cashapp-ingest-memory-").FullName;
        try
        {
            var key = ApiKeyRing.NewKey();
            var keys = Path.Combine(folder, "keys.txt");
            await File.WriteAllLinesAsync(keys, [ApiKeyRing.FileLine(key, Role.Admin)]).ConfigureAwait(false);
            await using var server = await GrpcLoad.Server.ChildAsync(serverDll, Path.Combine(folder, "load.db"), keys, serveArgs).ConfigureAwait(false);
            using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = 8 << 20 });
            var invoker = channel.Intercept(m =>
            {
                m.Add("authorization", "Bearer " + key);
                return m;
            });

            var customers = ArFiles.ReadCustomers(Path.Combine(day, "customers.csv"));
            var items = ArFiles.ReadOpenItems(Path.Combine(day, "open_items.csv"));
            await GrpcLoad.Upsert(new V1.Customers.CustomersClient(invoker), customers).ConfigureAwait(false);
            await GrpcLoad.Upsert(new V1.OpenItems.OpenItemsClient(invoker), items).ConfigureAwait(false);
            var pid = server.ProcessId ?? throw new InvalidOperationException("The server must be a child process.");

            // One proposed payment loads the live matcher's snapshot of the ledger: the floor an ingest starts from.
            await new V1.Matching.MatchingClient(invoker).MatchAsync(new V1.MatchRequest { Payments = { new V1.Payment { PaymentRef = "WARM-1", AmountMinor = 100, Currency = "USD", PayerName = "Nobody" } } });
            var beforeIngest = PeakKib(pid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server {serverDll} pid {pid}: {customers.Count:N0} customers, {items.Count:N0} open items; peak RSS with the ledger loaded {beforeIngest / 1024.0:N0} MiB; file {file} {new FileInfo(file).Length / 1048576.0:N1} MiB"));

            var watch = Stopwatch.StartNew();
            var client = new V1.BankFiles.BankFilesClient(invoker);
            using var call = client.Ingest(deadline: DateTime.UtcNow.AddHours(2));
            await using (var stream = File.OpenRead(file))
            {
                var buffer = new byte[1 << 20];
                var first = true;
                int read;
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    var chunk = new V1.FileChunk { Data = ByteString.CopyFrom(buffer, 0, read) };
                    if (first)
                    {
                        chunk.FileName = Path.GetFileName(file);
                        first = false;
                    }

                    await call.RequestStream.WriteAsync(chunk).ConfigureAwait(false);
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            var report = await call;
            var afterIngest = PeakKib(pid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest {watch.Elapsed.TotalSeconds:F1} s: {report.Credits:N0} credits ({report.NewCredits:N0} new), {report.Applied:N0} applications, {report.Exceptions:N0} exceptions, {report.Warnings.Count} warnings"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak RSS of the server: {afterIngest / 1024.0:N0} MiB (with the ledger loaded, before the ingest: {beforeIngest / 1024.0:N0} MiB); load average {File.ReadAllText("/proc/loadavg").Trim()}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The process's peak resident set so far, in KiB (<c>VmHWM</c> of <c>/proc/PID/status</c>).</summary>
    private static long PeakKib(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("No VmHWM in /proc: peak memory is read on Linux only.");
    }

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
