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
/// A bounded load test of the match API on loopback: a real <c>cashapp serve</c> (h2c, SQLite, API keys,
/// its shipped logging and GC settings) in a child process, and the generated client in this one, so that
/// client and server share this machine's cores and each one's CPU time is measured apart. Unary
/// <c>Match</c> with one payment per call from many concurrent callers (a closed loop: the most the server answers),
/// then at a fixed offered rate (an open loop: the latency callers see at that load, <c>--rate 0</c> skips it), then
/// <c>MatchStream</c> with batches of payments on a few streams. Prints calls/s, payments/s, latency percentiles and the CPU split.
/// <c>dotnet run -c Release --project benchmarks -- grpc-load [--seconds 10] [--concurrency 64] [--connections 2] [--streams 4] [--batch 100] [--rate 20000] [--no-closed] [--baseline] [--in-process] [--server PATH] [--server-cpus LIST --client-cpus LIST] [--ledger DIR --db PATH] [--upsert-new N [--among]] [--upsert-customers N] [--change-customers N [--rename]]</c>;
/// <c>--server-cpus 0 --client-cpus 1</c> runs the served child and this process each on CPUs of its own (Linux
/// <c>taskset</c> lists; see <see cref="Pinning"/>), so that the fixed-rate schedule is not late for want of the core the
/// server holds; <c>--no-closed</c> skips the closed loop and <c>--streams 0</c> the streamed phase.
/// <c>--in-process</c> hosts the server in this process instead (no CPU split); <c>--server</c> runs another
/// build's <c>cashapp.dll</c>, to compare two builds on the same noisy machine one run after the other.
/// <c>--ledger</c> serves the customers and open items of a ScaleGen day (<c>customers.csv</c>,
/// <c>open_items.csv</c>: 5 million items at the scale of issue 20) instead of the demo day's 1,811; they are
/// written into the store at <c>--db</c> once, and a later run with the same <c>--db</c> serves it as it is.
/// <c>--upsert-new N</c> upserts N new open items after the first call and times the call after (issue 16): their ids
/// sort after every known id, or with <c>--among</c> each right after a known id spread over the ledger (a credit memo
/// numbered in another series, an id not zero-padded).
/// <c>--upsert-customers N</c> upserts N new customers, with an open item each, and times the call after, which pays
/// one of them named only by name (issue 16).
/// <c>--change-customers N</c> gives N known customers, spread over the ledger, a bank account each (with
/// <c>--rename</c> a new name too), and times the call after, which pays an open item of one of them from its new account
/// (or by its new name) alone; then upserts one new customer whose id sorts among the known ones, which no generation
/// carries, and times the call after that: the full read of the ledger every change of a known customer cost before.
/// </summary>
internal static class GrpcLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 64);
        var connections = Option(args, "--connections", 2);
        var streams = Option(args, "--streams", 4);
        var batch = Option(args, "--batch", 100);
        var rate = Option(args, "--rate", 20_000);
        var serverCpus = Text(args, "--server-cpus");
        var clientCpus = Text(args, "--client-cpus");
        if (clientCpus is not null && Environment.GetEnvironmentVariable(Pinning.Variable) is null)
        {
            // The runtime sizes its thread pool and collector to the CPUs it may use when it starts: this process is
            // started again on its CPUs rather than moved onto them half-way.
            return await Pinning.RunAgainOnAsync(clientCpus, ["grpc-load", .. args]).ConfigureAwait(false);
        }

        var inProcess = args.Contains("--in-process");
        if (inProcess && serverCpus is not null)
        {
            throw new UsageException("--server-cpus pins the served child process; it cannot be used with --in-process.");
        }

        var serverDll = Text(args, "--server") is { } serverPath ? Path.GetFullPath(serverPath) : Path.Combine(AppContext.BaseDirectory, "cashapp.dll");
        var repo = FindRepo();
        var ledger = Text(args, "--ledger");
        var givenDb = Text(args, "--db");
        var folder = Directory.CreateTempSubdirectory("cashapp-grpc-load-").FullName;
        var db = givenDb is not null ? Path.GetFullPath(givenDb) : Path.Combine(folder, "load.db");
        try
        {
            var key = ApiKeyRing.NewKey();
            var keys = Path.Combine(folder, "keys.txt");
            await File.WriteAllLinesAsync(keys, [ApiKeyRing.FileLine(key, Role.Admin)]).ConfigureAwait(false);
            List<OpenItem> items;
            List<Customer> customers;
            if (ledger is null)
            {
                // The demo day's AR: open items and customers through the wire, as an AR system would send them.
                items = ArFiles.ReadOpenItems(Path.Combine(repo, "fixtures", "demo", "open_items.csv"));
                customers = ArFiles.ReadCustomers(Path.Combine(repo, "fixtures", "demo", "customers.csv"));
            }
            else
            {
                (items, customers) = await ServedLedger.PrepareAsync(ledger, db).ConfigureAwait(false);
            }

            await using var server = inProcess
                ? await Server.InProcessAsync(db, keys).ConfigureAwait(false)
                : await Server.ChildAsync(serverDll, db, keys, serverCpus).ConfigureAwait(false);
            Console.WriteLine($"client: {Pinning.Describe(null)}");
            if (server.ProcessId is { } serverPid)
            {
                Console.WriteLine($"server: {Pinning.Describe(serverPid)}");
            }

            // Each channel is one HTTP/2 connection (one socket, one frame writer on either side); calls go round the channels.
            var channels = Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            })).ToArray();
            try
            {
                var invokers = channels.Select(c => c.Intercept(m =>
                {
                    m.Add("authorization", "Bearer " + key);
                    return m;
                })).ToArray();

                if (ledger is null)
                {
                    await Upsert(new V1.Customers.CustomersClient(invokers[0]), customers).ConfigureAwait(false);
                    await Upsert(new V1.OpenItems.OpenItemsClient(invokers[0]), items).ConfigureAwait(false);
                }

                // At most 100,000 payments, spread over the whole ledger, so that calls touch items all over it.
                var payments = Payments(items, Math.Max(1, items.Count / 100_000));
                var fresh = NewItems(items, Option(args, "--upsert-new", 0), args.Contains("--among"));
                var (newCustomers, theirItems) = NewCustomers(customers, items, Option(args, "--upsert-customers", 0));
                var rename = args.Contains("--rename");
                var (changedCustomers, changedItems) = ChangedCustomers(customers, items, Option(args, "--change-customers", 0), rename);
                var amongKnown = changedCustomers.Count == 0 ? null : AmongKnown(customers);
                var itemCount = items.Count;
                var customerCount = customers.Count;
                items = [];
                customers = [];
                var clients = invokers.Select(i => new V1.Matching.MatchingClient(i)).ToArray();
                var loading = Stopwatch.StartNew();
                await clients[0].MatchAsync(new V1.MatchRequest { Payments = { payments[0] } }).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server {server.Address} ({(inProcess ? "in this process" : "child process " + server.ProcessId)}), {itemCount} open items, {customerCount} customers, {Environment.ProcessorCount} cores, {connections} client connections; first call (loads and indexes the ledger) {loading.Elapsed.TotalSeconds:F1} s, server RSS {server.RssText()}; load average {LoadAverage()}"));

                if (fresh.Count > 0)
                {
                    // What a write of new invoices costs the next call: a full read of the ledger, or a generation carried forward.
                    await Upsert(new V1.OpenItems.OpenItemsClient(invokers[0]), fresh).ConfigureAwait(false);
                    var quoting = Payments(fresh, 1);
                    var after = Stopwatch.StartNew();
                    var response = await clients[0].MatchAsync(new V1.MatchRequest { Payments = { quoting[0] } }).ConfigureAwait(false);
                    var first = after.Elapsed.TotalSeconds;
                    after.Restart();
                    await clients[0].MatchAsync(new V1.MatchRequest { Payments = { quoting[^1] } }).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after upserting {fresh.Count} new open items: first Match {first:F3} s ({response.Applications.Count} applied to a new item), the next {after.Elapsed.TotalSeconds:F3} s"));
                }

                if (newCustomers.Count > 0)
                {
                    // What an upsert of new customers costs the next call: a full read of the ledger, or a generation carried forward.
                    await Upsert(new V1.Customers.CustomersClient(invokers[0]), newCustomers).ConfigureAwait(false);
                    await Upsert(new V1.OpenItems.OpenItemsClient(invokers[0]), theirItems).ConfigureAwait(false);
                    V1.Payment ByName(OpenItem item) => new() { PaymentRef = "LOAD-" + item.ItemId, AmountMinor = item.OpenMinor, Currency = item.Currency.Code, PayerName = item.CustomerName };
                    var after = Stopwatch.StartNew();
                    var response = await clients[0].MatchAsync(new V1.MatchRequest { Payments = { ByName(theirItems[0]) } }).ConfigureAwait(false);
                    var first = after.Elapsed.TotalSeconds;
                    after.Restart();
                    await clients[0].MatchAsync(new V1.MatchRequest { Payments = { ByName(theirItems[^1]) } }).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after upserting {newCustomers.Count} new customers and an open item each: first Match {first:F3} s ({response.Applications.Count} applied to a new customer's item by name), the next {after.Elapsed.TotalSeconds:F3} s; load average {LoadAverage()}"));
                }

                if (changedCustomers.Count > 0)
                {
                    // What an upsert of changed known customers costs the next call: a generation carried forward; then what a
                    // change no generation carries costs (the full read every known customer's change cost before).
                    var processCpu = server.Cpu ?? TimeSpan.Zero;
                    await Upsert(new V1.Customers.CustomersClient(invokers[0]), changedCustomers).ConfigureAwait(false);
                    var paid = changedItems[0];
                    var payer = changedCustomers.Single(c => c.CustomerId == paid.CustomerId);
                    var payment = new V1.Payment { PaymentRef = "LOAD-CHANGED-" + paid.ItemId, AmountMinor = paid.OpenMinor, Currency = paid.Currency.Code };
                    if (rename)
                    {
                        payment.PayerName = payer.Name;
                    }
                    else
                    {
                        payment.PayerAccount = payer.BankAccounts[^1];
                    }

                    var cpu = server.Cpu ?? TimeSpan.Zero;
                    var after = Stopwatch.StartNew();
                    var response = await clients[0].MatchAsync(new V1.MatchRequest { Payments = { payment } }).ConfigureAwait(false);
                    var first = after.Elapsed.TotalSeconds;
                    var firstCpu = ((server.Cpu ?? TimeSpan.Zero) - cpu).TotalSeconds;
                    // The server's change poll may carry the upsert forward before the call comes: the CPU from the upsert on counts both.
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after changing {changedCustomers.Count} known customers ({(rename ? "renamed and given an account" : "given an account")}): first Match {first:F3} s, server CPU {firstCpu:F3} s, upsert and first Match {firstCpu + (cpu - processCpu).TotalSeconds:F3} s ({response.Applications.Count} applied to a changed customer's item by its new {(rename ? "name" : "account")} alone); load average {LoadAverage()}"));

                    processCpu = server.Cpu ?? TimeSpan.Zero;
                    await Upsert(new V1.Customers.CustomersClient(invokers[0]), [amongKnown!]).ConfigureAwait(false);
                    cpu = server.Cpu ?? TimeSpan.Zero;
                    after.Restart();
                    payment.PaymentRef += "-AGAIN";
                    await clients[0].MatchAsync(new V1.MatchRequest { Payments = { payment } }).ConfigureAwait(false);
                    var fullCpu = ((server.Cpu ?? TimeSpan.Zero) - cpu).TotalSeconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after one new customer among the known ids (read in full): first Match {after.Elapsed.TotalSeconds:F3} s, server CPU {fullCpu:F3} s, upsert and first Match {fullCpu + (cpu - processCpu).TotalSeconds:F3} s; load average {LoadAverage()}"));
                }

                if (args.Contains("--baseline"))
                {
                    // The transport plus the anonymous health check: no key, but the store's check runs one SQLite query a call.
                    var health = channels.Select(c => new global::Grpc.Health.V1.Health.HealthClient(c)).ToArray();
                    await Measure(server, () => Baseline(health, concurrency, TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                    var baseline = await Measure(server, () => Baseline(health, concurrency, TimeSpan.FromSeconds(seconds))).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary Health  {concurrency,4} callers: {baseline.Count / baseline.Elapsed.TotalSeconds,10:N0} calls/s     p50 {baseline.P(0.50),7:F3} ms  p99 {baseline.P(0.99),7:F3} ms; {baseline.CpuText(baseline.Count, "calls")}"));
                }

                if (!args.Contains("--no-closed"))
                {
                    await Measure(server, () => Unary(clients, payments, concurrency, TimeSpan.FromSeconds(6))).ConfigureAwait(false);
                    var unary = await Measure(server, () => Unary(clients, payments, concurrency, TimeSpan.FromSeconds(seconds))).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary Match   {concurrency,4} callers: {unary.Count / unary.Elapsed.TotalSeconds,10:N0} calls/s     p50 {unary.P(0.50),7:F3} ms  p99 {unary.P(0.99),7:F3} ms  p99.9 {unary.P(0.999),7:F3} ms; {unary.CpuText(unary.Count, "calls")}"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  server RSS after unary Match {server.RssText()}{unary.AllocatedText()}"));
                }

                if (rate > 0)
                {
                    double[] sentLate = [];
                    double[] answered = [];
                    async Task<Latencies> PacedRun(TimeSpan duration)
                    {
                        (var measured, sentLate, answered) = await Paced(clients, payments, rate, concurrency, duration).ConfigureAwait(false);
                        return measured;
                    }

                    await Measure(server, () => PacedRun(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                    var paced = await Measure(server, () => PacedRun(TimeSpan.FromSeconds(seconds))).ConfigureAwait(false);
                    var lateP50 = sentLate[sentLate.Length / 2];
                    var lateP99 = sentLate[(int)(sentLate.Length * 0.99)];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unary Match   {rate,6:N0}/s offered, at most {concurrency} in flight: {paced.Count / paced.Elapsed.TotalSeconds,10:N0} calls/s     p50 {paced.P(0.50),7:F3} ms  p99 {paced.P(0.99),7:F3} ms  p99.9 {paced.P(0.999),7:F3} ms from each call's scheduled start (sent late by p50 {lateP50:F3} / p99 {lateP99:F3} ms); {paced.CpuText(paced.Count, "calls")}"));
                    // From the moment each call was sent to its answer: the server, the wire and the client's receiving
                    // side, without the schedule's lateness (which the figures above include, as a caller would see it).
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sent to answered: p50 {Quantile(answered, 0.50):F3} ms  p99 {Quantile(answered, 0.99):F3} ms  p99.9 {Quantile(answered, 0.999):F3} ms; sent late p99.9 {Quantile(sentLate, 0.999):F3} ms, max {Quantile(sentLate, 1):F3} ms"));
                }

                if (streams > 0)
                {
                    await Measure(server, () => Stream(clients, payments, streams, batch, TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                    var streamed = await Measure(server, () => Stream(clients, payments, streams, batch, TimeSpan.FromSeconds(seconds))).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MatchStream   {streams,4} streams x {batch} per message: {streamed.Count * batch / streamed.Elapsed.TotalSeconds,10:N0} payments/s  p50 {streamed.P(0.50),7:F3} ms  p99 {streamed.P(0.99),7:F3} ms per message; {streamed.CpuText(streamed.Count * batch, "payments")}"));
                }
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Dispose();
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            if (givenDb is null && ledger is not null)
            {
                foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>The server under test: its address, and its CPU time so far (null when it shares this process).</summary>
    internal sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication? _app;
        private readonly Process? _process;

        private Server(Uri address, WebApplication? app, Process? process)
        {
            Address = address;
            _app = app;
            _process = process;
        }

        public Uri Address { get; }

        public int? ProcessId => _process?.Id;

        /// <summary>The server's resident set and its peak, from /proc (this process's when it hosts the server).</summary>
        public string RssText()
        {
            try
            {
                var root = _process is null ? "/proc/self" : "/proc/" + _process.Id.ToString(CultureInfo.InvariantCulture);
                var lines = File.ReadAllLines(root + "/status");
                string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "?";
                return $"{Field("VmRSS")} (peak {Field("VmHWM")})";
            }
            catch (IOException)
            {
                return "?";
            }
        }

        public TimeSpan? Cpu
        {
            get
            {
                if (_process is null)
                {
                    return null;
                }

                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static async Task<Server> InProcessAsync(string db, string keys)
        {
            var app = await CashAppHost.BuildAsync(new ServeOptions
            {
                Urls = ["http://127.0.0.1:0"],
                DbPath = db,
                ApiKeysPath = keys,
                ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
            }).ConfigureAwait(false);
            await app.StartAsync().ConfigureAwait(false);
            return new Server(new Uri(app.Urls.Single()), app, null);
        }

        /// <summary>Starts <c>cashapp serve</c> as it ships (its runtimeconfig, its logging) and waits until its health check answers.</summary>
        public static Task<Server> ChildAsync(string dll, string db, string keys, params string[] serveArgs) =>
            ChildAsync(dll, db, keys, null, serveArgs);

        /// <summary>As above; with <paramref name="cpus"/> (a <c>taskset -c</c> list) the child runs on those CPUs only, from its first instruction.</summary>
        public static async Task<Server> ChildAsync(string dll, string db, string keys, string? cpus, params string[] serveArgs)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // taskset sets the affinity and execs dotnet in its place: the process id is the server's, and its runtime
            // sizes its collector's heaps and its thread pool to the CPUs it is given.
            string[] pinning = cpus is null ? [] : ["-c", cpus, "dotnet"];
            string[] arguments = [.. pinning, "exec", dll, "serve", "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--db", db, "--api-keys", keys, .. serveArgs];
            foreach (var arg in arguments)
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("cashapp serve did not start.");
            var log = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => Append(log, e.Data);
            process.ErrorDataReceived += (_, e) => Append(log, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new Server(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), null, process);
            using var channel = GrpcChannel.ForAddress(server.Address);
            var health = new global::Grpc.Health.V1.Health.HealthClient(channel);
            for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100).ConfigureAwait(false))
            {
                if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException("cashapp serve did not come up:" + Environment.NewLine + Snapshot(log));
                }

                try
                {
                    await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest()).ConfigureAwait(false);
                    return server;
                }
                catch (RpcException)
                {
                    // Not listening yet.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync().ConfigureAwait(false);
                await _app.DisposeAsync().ConfigureAwait(false);
            }

            if (_process is not null)
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }

                await _process.WaitForExitAsync().ConfigureAwait(false);
                _process.Dispose();
            }
        }

        private static void Append(System.Text.StringBuilder log, string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.AppendLine(line);
                }
            }
        }

        private static string Snapshot(System.Text.StringBuilder log)
        {
            lock (log)
            {
                return log.ToString();
            }
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private sealed record Run(long Count, TimeSpan Elapsed, double[] LatenciesMs, TimeSpan ClientCpu, TimeSpan? ServerCpu, Sched Client, Sched Server, string LoadAverage)
    {
        /// <summary>Bytes allocated in this process during the run (server and client when in one process).</summary>
        public long Allocated { get; init; }

        public string AllocatedText() => ServerCpu is null
            ? string.Create(CultureInfo.InvariantCulture, $"; allocated {Allocated / Math.Max(1, Count):N0} bytes a call (server and client)")
            : string.Empty;

        public double P(double quantile) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(quantile * LatenciesMs.Length))];

        /// <summary>
        /// Units per second of CPU used by client and server together (what the machine sustains when the cores
        /// are ours), and the cores each side used: on a shared machine the wall clock says more about the neighbours.
        /// </summary>
        public string CpuText(long units, string unit)
        {
            var total = ClientCpu + (ServerCpu ?? TimeSpan.Zero);
            var one = unit[..^1];
            var split = ServerCpu is { } server
                ? string.Create(CultureInfo.InvariantCulture, $"cores used: server {server.TotalSeconds / Elapsed.TotalSeconds:F2} ({server.TotalMilliseconds * 1000 / units:F1} us/{one}{Server.PerUnit(units)}), client {ClientCpu.TotalSeconds / Elapsed.TotalSeconds:F2} ({ClientCpu.TotalMilliseconds * 1000 / units:F1} us/{one}{Client.PerUnit(units)})")
                : string.Create(CultureInfo.InvariantCulture, $"cores used: {ClientCpu.TotalSeconds / Elapsed.TotalSeconds:F2} (one process{Client.PerUnit(units)})");
            return string.Create(CultureInfo.InvariantCulture, $"{units / total.TotalSeconds,8:N0} {unit} per CPU-second, {split}; load average {LoadAverage}");
        }
    }

    /// <summary>
    /// What Linux says a process spent, from /proc: user and kernel CPU time, and context switches summed over
    /// its live threads. Kernel time and switches per call show the cost of waking threads, which grows with
    /// the machine's load while the work per call does not.
    /// </summary>
    private readonly record struct Sched(double UserSeconds, double SystemSeconds, long Switches)
    {
        public static Sched Of(int? pid)
        {
            try
            {
                var root = pid is { } id ? "/proc/" + id.ToString(CultureInfo.InvariantCulture) : "/proc/self";
                var stat = File.ReadAllText(root + "/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long switches = 0;
                foreach (var task in Directory.EnumerateDirectories(root + "/task"))
                {
                    try
                    {
                        foreach (var line in File.ReadLines(task + "/status"))
                        {
                            if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                            {
                                switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                            }
                        }
                    }
                    catch (IOException)
                    {
                        // The thread ended while we read.
                    }
                }

                // utime and stime are the 14th and 15th fields, in clock ticks (100 a second on Linux).
                return new Sched(long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0, switches);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return default;
            }
        }

        public static Sched operator -(Sched a, Sched b) => new(a.UserSeconds - b.UserSeconds, a.SystemSeconds - b.SystemSeconds, a.Switches - b.Switches);

        public string PerUnit(long units) => UserSeconds + SystemSeconds <= 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $": {SystemSeconds / (UserSeconds + SystemSeconds):P0} kernel, {(double)Switches / units:F2} switches");
    }

    private sealed record Latencies(long Count, TimeSpan Elapsed, double[] Sorted);

    private static async Task<Run> Measure(Server server, Func<Task<Latencies>> load)
    {
        var client = Environment.CpuUsage.TotalTime;
        var before = server.Cpu;
        var (clientSched, serverSched) = (Sched.Of(null), Sched.Of(server.ProcessId));
        var allocated = GC.GetTotalAllocatedBytes();
        var measured = await load().ConfigureAwait(false);
        var serverCpu = server.Cpu - before;
        return new Run(measured.Count, measured.Elapsed, measured.Sorted, Environment.CpuUsage.TotalTime - client, serverCpu, Sched.Of(null) - clientSched, Sched.Of(server.ProcessId) - serverSched, LoadAverage())
        {
            Allocated = GC.GetTotalAllocatedBytes() - allocated,
        };
    }

    /// <summary>The 1-minute load average and the count of runnable tasks from /proc/loadavg; "?" elsewhere.</summary>
    private static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts[0] + " (" + parts[3] + " runnable/all)";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<Latencies> Unary(V1.Matching.MatchingClient[] clients, V1.Payment[] payments, int concurrency, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var client = clients[w % clients.Length];
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
        return new Latencies(all.Length, stop.Elapsed, all);
    }

    /// <summary>
    /// Calls started on a fixed schedule, <paramref name="rate"/> a second, whatever the answers do: an open loop, the
    /// latency callers see at that load, where the closed loop of <see cref="Unary"/> has each caller send again the
    /// moment it is answered and so measures the queue at saturation. Each latency runs from the call's scheduled
    /// start, not from when it was sent, so a stall of the server or of this process counts against every call due
    /// behind it (no coordinated omission). A thread of its own keeps the schedule: it wakes about every millisecond
    /// (the timer's grain) and starts the calls that have come due, a score at a time at 20,000 a second, so calls
    /// leave up to a millisecond late and in small bursts, and the figures lean to the pessimistic side; how late
    /// they left is returned too. At most <paramref name="callers"/> calls are in flight, as many as the closed loop
    /// keeps: past that the schedule waits, and the wait counts. (Without a bound, a server that fell behind once, at a
    /// collection, got thousands of streams at once, each call cost three times the CPU, and it never caught up.) The
    /// first call that fails stops the schedule: no further call is started, and a failed call's error is what the run
    /// ends with.
    /// </summary>
    private static async Task<(Latencies Latencies, double[] SentLate, double[] Answered)> Paced(V1.Matching.MatchingClient[] clients, V1.Payment[] payments, int rate, int callers, TimeSpan duration)
    {
        var total = (int)Math.Ceiling(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var sentLate = new double[total];
        var answered = new double[total];
        var calls = new Task[total];
        var ticksPerCall = (double)Stopwatch.Frequency / rate;
        using var room = new SemaphoreSlim(callers);
        var failed = 0;
        var start = Stopwatch.GetTimestamp();
        var started = await Task.Factory.StartNew(
            () =>
            {
                var next = 0;
                for (; next < total && Volatile.Read(ref failed) == 0; Thread.Sleep(1))
                {
                    var due = Math.Min(total, (int)((Stopwatch.GetTimestamp() - start) / ticksPerCall) + 1);
                    for (; next < due; next++)
                    {
                        room.Wait();
                        if (Volatile.Read(ref failed) != 0)
                        {
                            // The slot came free because a call failed: the schedule ends here.
                            room.Release();
                            break;
                        }

                        calls[next] = Call(next, start + (long)(next * ticksPerCall));
                    }
                }

                return next;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        await Task.WhenAll(calls.AsSpan(0, started)).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Array.Sort(latencies);
        Array.Sort(sentLate);
        Array.Sort(answered);
        return (new Latencies(total, elapsed, latencies), sentLate, answered);

        async Task Call(int i, long scheduled)
        {
            try
            {
                var sent = Stopwatch.GetTimestamp();
                sentLate[i] = Stopwatch.GetElapsedTime(scheduled, sent).TotalMilliseconds;
                var request = new V1.MatchRequest { Payments = { payments[i % payments.Length] } };
                await clients[i % clients.Length].MatchAsync(request).ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(scheduled, now).TotalMilliseconds;
                answered[i] = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
            }
            catch
            {
                Volatile.Write(ref failed, 1);
                throw;
            }
            finally
            {
                room.Release();
            }
        }
    }

    private static async Task<Latencies> Baseline(global::Grpc.Health.V1.Health.HealthClient[] clients, int concurrency, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var client = clients[w % clients.Length];
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
        return new Latencies(all.Length, stop.Elapsed, all);
    }

    private static async Task<Latencies> Stream(V1.Matching.MatchingClient[] clients, V1.Payment[] payments, int streams, int batch, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            using var call = clients[s % clients.Length].MatchStream();
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
        return new Latencies(all.Length, stop.Elapsed, all);
    }

    /// <summary>One payment per open invoice, quoting its number for its open amount; every fifth from nobody known.</summary>
    /// <summary>New invoices like the ledger's last, with ids that sort after every item's (a served AR system numbers on).</summary>
    private static List<OpenItem> NewItems(List<OpenItem> items, int count, bool among)
    {
        if (count == 0)
        {
            return [];
        }

        var last = items.Select(i => i.ItemId).Max(StringComparer.Ordinal)!;
        var like = items.First(i => i.OpenMinor > 0);
        var known = among ? items.Select(i => i.ItemId).Order(StringComparer.Ordinal).ToArray() : [];
        return [.. Enumerable.Range(1, count).Select(n => like with
        {
            ItemId = among
                ? string.Create(CultureInfo.InvariantCulture, $"{known[(int)((long)(n - 1) * known.Length / count)]}-N{n:D6}")
                : string.Create(CultureInfo.InvariantCulture, $"{last}-N{n:D6}"),
            InvoiceNumber = string.Create(CultureInfo.InvariantCulture, $"NEW-{9_000_000 + n}"),
            PoNumber = null,
            OpenMinor = 1_000_00 + (n * 37),
        })];
    }

    /// <summary>New customers, each with an id after every known one, a name of its own and one open item (its id after every known item's).</summary>
    private static (List<Customer> Customers, List<OpenItem> Items) NewCustomers(List<Customer> customers, List<OpenItem> items, int count)
    {
        if (count == 0)
        {
            return ([], []);
        }

        var lastCustomer = customers.Select(c => c.CustomerId).Max(StringComparer.Ordinal)!;
        var lastItem = items.Select(i => i.ItemId).Max(StringComparer.Ordinal)!;
        var like = items.First(i => i.OpenMinor > 0);
        var added = Enumerable.Range(1, count).Select(n => new Customer(
            string.Create(CultureInfo.InvariantCulture, $"{lastCustomer}-N{n:D6}"),
            "Quokka " + Word(n) + " Traders GmbH",
            null,
            [],
            [])).ToList();
        return (added, [.. added.Select((c, n) => like with
        {
            ItemId = string.Create(CultureInfo.InvariantCulture, $"{lastItem}-C{n:D6}"),
            CustomerId = c.CustomerId,
            CustomerName = c.Name,
            InvoiceNumber = string.Create(CultureInfo.InvariantCulture, $"NEWC-{9_000_000 + n}"),
            PoNumber = null,
            OpenMinor = 2_000_00 + (n * 41),
        })]);
    }

    /// <summary>
    /// <paramref name="count"/> known customers with an open item each, spread over the ledger, each given a new bank
    /// account (and, when <paramref name="rename"/>, a new name of its own), with an open item of each.
    /// </summary>
    private static (List<Customer> Customers, List<OpenItem> Items) ChangedCustomers(List<Customer> customers, List<OpenItem> items, int count, bool rename)
    {
        if (count == 0)
        {
            return ([], []);
        }

        var itemOf = new Dictionary<string, OpenItem>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => i.OpenMinor > 0))
        {
            itemOf.TryAdd(item.CustomerId, item);
        }

        var withItems = customers.Where(c => itemOf.ContainsKey(c.CustomerId)).OrderBy(c => c.CustomerId, StringComparer.Ordinal).ToList();
        var every = Math.Max(1, withItems.Count / count);
        var changed = withItems.Where((_, n) => n % every == 0).Take(count).Select((c, n) => c with
        {
            Name = rename ? "Numbat " + Word(n + 1_000_000) + " Freight Inc." : c.Name,
            BankAccounts = [.. c.BankAccounts, string.Create(CultureInfo.InvariantCulture, $"NL{70_000_000 + n:D8}9911")],
        }).ToList();
        return (changed, [.. changed.Select(c => itemOf[c.CustomerId])]);
    }

    /// <summary>A new customer whose id sorts between two known ones: a change no generation carries.</summary>
    private static Customer AmongKnown(List<Customer> customers)
    {
        var first = customers.Select(c => c.CustomerId).Min(StringComparer.Ordinal)!;
        return new Customer(first + "-AMONG", "Among Known Ids Ltd", null, [], []);
    }

    /// <summary>A made-up word of eight letters, its own for each <paramref name="n"/>, so that the new customers' names differ by more than a digit.</summary>
    private static string Word(int n)
    {
        var letters = new char[8];
        var x = (uint)n * 2_654_435_761u;
        for (var i = 0; i < letters.Length; i++, x = (x * 1_103_515_245u) + 12_345u)
        {
            letters[i] = (char)('A' + ((x >> 16) % 26));
        }

        return new string(letters);
    }

    private static V1.Payment[] Payments(List<OpenItem> items, int every)
    {
        var payments = new List<V1.Payment>();
        foreach (var item in items.Where((i, n) => i.OpenMinor > 0 && n % every == 0))
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

    internal static async Task Upsert(V1.Customers.CustomersClient client, List<Customer> customers)
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

    internal static async Task Upsert(V1.OpenItems.OpenItemsClient client, List<OpenItem> items)
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

    /// <summary>The value of <paramref name="q"/> in the sorted <paramref name="sorted"/> (1: the largest); 0 when empty.</summary>
    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>The value after <paramref name="name"/>, or null when the option is not given.</summary>
    /// <exception cref="UsageException">The option is the last argument, or another option follows it.</exception>
    internal static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return null;
        }

        // A missing value used to drop the option silently (--client-cpus last ran the test unpinned).
        return at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[at + 1]
            : throw new UsageException($"{name} needs a value after it.");
    }

    /// <summary>The whole number after <paramref name="name"/>, or <paramref name="fallback"/> when the option is not given.</summary>
    /// <exception cref="UsageException">The value is missing or not a whole number of at least 0.</exception>
    internal static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new UsageException($"{name} {text}: expected a whole number of at least 0.");

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

/// <summary>A wrong option of the load test: said in one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
