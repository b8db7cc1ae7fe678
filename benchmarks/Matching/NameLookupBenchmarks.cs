using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Parsers.Bai2;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// A micro-benchmark of finding the payer by name (issue 20): <see cref="CustomerDirectory.ByName"/> against the
/// 500,000 customers of the 1M-payment scale day, for payer names as that day's BAI2 file prints them. The
/// directory and the names are read from a ScaleGen day (<c>NAMES_BENCH_DAY</c>, default the scale run's cache);
/// the lookups are distinct names, so no lookup finds another's answer remembered.
/// Run: <c>dotnet run -c Release --project benchmarks -- --filter '*NameLookupBenchmarks*' --job short</c>,
/// or call by call with percentiles: <c>dotnet run -c Release --project benchmarks -- names [DAY] [LOOKUPS] [WARM-UP PASSES]</c>.
/// With <c>--inProcess</c> it also gives lookups per second of the process's CPU time, the figure a shared machine leaves.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class NameLookupBenchmarks
{
    private const int Lookups = 2_000;

    private CustomerDirectory _directory = null!;
    private string[] _names = null!;

    [GlobalSetup]
    public void Setup() => (_directory, _names) = NameLookupDay.Load(NameLookupDay.DefaultDay, Lookups);

    [Benchmark(OperationsPerInvoke = Lookups, Description = "micro-benchmark: ByName, 500k customers, per lookup")]
    public int ByName() => CpuTime.Measure(nameof(ByName), () =>
    {
        var found = 0;
        foreach (var name in _names)
        {
            found += _directory.ByName(name).Count;
        }

        return found;
    });

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(
            new ThroughputColumn("Lookups/s", "Lookups/s", "Lookups per second, from the mean wall time", () => 1, cpu: false),
            new ThroughputColumn("Lookups per CPU-s", "Lookups per CPU-s", "Lookups per second of process CPU time (median of the invocations; in-process runs)", () => Lookups, cpu: true));
    }
}

/// <summary>The customers and payer names of a ScaleGen day, for the name lookup benchmarks.</summary>
internal static class NameLookupDay
{
    public static string DefaultDay => Environment.GetEnvironmentVariable("NAMES_BENCH_DAY")
        ?? Path.Combine(Path.GetTempPath(), "cashapp-scale", "seed1-c500000-i5000000-p1000000-v1");

    /// <summary>The day's directory of customers, and up to <paramref name="count"/> distinct payer names from its BAI2 file, in file order.</summary>
    public static (CustomerDirectory Directory, string[] Names) Load(string day, int count)
    {
        var customers = ArFiles.ReadCustomers(Path.Combine(day, "customers.csv"));
        var directory = new CustomerDirectory(customers, []);
        var names = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var path = Path.Combine(day, "bank", "day.bai2");
        using (var stream = File.OpenRead(path))
        {
            var transactions = Bai2Reader.ReadAsync(stream, path, new Bai2ReaderOptions(), null).GetAsyncEnumerator();
            try
            {
                while (names.Count < count && transactions.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    if (transactions.Current is { IsPayment: true, PayerName: { Length: > 0 } name } && seen.Add(name))
                    {
                        names.Add(name);
                    }
                }
            }
            finally
            {
                transactions.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return (directory, [.. names]);
    }

    /// <summary>
    /// <c>names [DAY] [LOOKUPS] [WARM-UP PASSES]</c>: each lookup timed alone after a warm-up pass, with the thread's CPU time and
    /// allocation; prints mean, p50, p99 and the candidates found.
    /// </summary>
    public static int Run(string[] args)
    {
        var day = args.Length > 0 ? args[0] : DefaultDay;
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var build = Stopwatch.StartNew();
        var (directory, names) = Load(day, count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{directory.Count:N0} customers, {names.Length:N0} distinct payer names, loaded and indexed in {build.Elapsed.TotalSeconds:F1} s; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        // Every candidate and score of every lookup, folded into one number: two builds that print the same found the same.
        var found = 0L;
        var digest = 14695981039346656037UL;
        foreach (var name in names)
        {
            foreach (var candidate in directory.ByName(name))
            {
                digest = unchecked((digest ^ (uint)candidate.Customer) * 1099511628211UL);
                digest = unchecked((digest ^ (uint)candidate.Score) * 1099511628211UL);
            }

            digest = unchecked((digest ^ 0xFFFF_FFFFUL) * 1099511628211UL);
        }

        var warmUps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        for (var pass = 0; pass < warmUps; pass++)
        {
            foreach (var name in names)
            {
                found += directory.ByName(name).Count;
            }
        }

        found = 0;

        var times = new double[names.Length];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var all = Stopwatch.StartNew();
        for (var i = 0; i < names.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            found += directory.ByName(names[i]).Count;
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var wall = all.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ByName: mean {wall.TotalMicroseconds / names.Length:F1} us (CPU {cpu.TotalMicroseconds / names.Length:F1} us), p50 {times[times.Length / 2]:F1} us, p99 {times[(int)(times.Length * 0.99)]:F1} us, max {times[^1]:F0} us, {allocated / names.Length:N0} B a lookup, {found / (double)names.Length:F1} candidates a lookup, digest {digest:x16}"));
        return 0;
    }
}
