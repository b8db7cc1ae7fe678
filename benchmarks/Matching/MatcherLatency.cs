using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// The matchers' speed targets, measured call by call so that p99 is a real percentile:
/// exact matching throughput against 1M open items, a fuzzy reference lookup against 1M items, a name
/// lookup against 100k customers (with its recall), and a subset-sum search of up to 6 of 60 items.
/// Run: <c>dotnet run -c Release --project benchmarks -- matcher</c>.
/// </summary>
public static class MatcherLatency
{
    private static readonly double ExactSeconds = double.TryParse(Environment.GetEnvironmentVariable("MATCHER_EXACT_SECONDS"), CultureInfo.InvariantCulture, out var seconds) ? seconds : 5;

    public static int Run(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var only = args.Length > 2 ? args[2].Split(',') : ["exact", "fuzzy", "name", "subset"];
        var random = new Random(20261123);
        var customerList = MatcherDay.Customers(customers, random);
        var itemList = MatcherDay.Items(items, customerList, random);

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        if (only.Contains("exact"))
        {
            Exact(itemList, customerList, random);
        }

        if (only.Contains("fuzzy"))
        {
            Fuzzy(itemList, random);
        }

        if (only.Contains("name"))
        {
            Names(customerList, random);
        }

        if (only.Contains("subset"))
        {
            Subsets(random);
        }

        return 0;
    }

    /// <summary>
    /// Exact matching: batches of payments quoting one invoice each, at its amount, first through the whole
    /// path (<see cref="CashMatcher.Propose"/>: the decision, the applications with their explanations, the
    /// amounts given back), then the decision alone.
    /// </summary>
    private static void Exact(List<OpenItem> itemList, List<Customer> customerList, Random random)
    {
        var build = Stopwatch.StartNew();
        var matcher = new CashMatcher(itemList, customerList, MatchPolicy.Default);
        Console.WriteLine($"index of {itemList.Count:N0} items and {customerList.Count:N0} customers built in {build.Elapsed.TotalSeconds:F1} s");

        const int batch = 10_000;
        var payments = MatcherDay.ExactPayments(itemList, batch, random);
        var applied = matcher.Propose(payments).Applications.Count;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var paused = GC.GetTotalPauseDuration();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var (rounds, wall, cpuSeconds) = Repeat(() => matcher.Propose(payments));
        var decided = matcher.CountDecidedAtOnce(payments);
        var (decisionRounds, decisionWall, decisionCpuSeconds) = Repeat(() => matcher.CountDecidedAtOnce(payments));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exact reference matching: {rounds * (double)batch / wall:N0} payments/s wall, {rounds * (double)batch / cpuSeconds:N0} per CPU-second ({rounds * batch:N0} payments, {applied:N0} of each {batch:N0} applied; garbage collections gen0 {GC.CollectionCount(0) - gcs.Item1}, gen1 {GC.CollectionCount(1) - gcs.Item2}, gen2 {GC.CollectionCount(2) - gcs.Item3}, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s; {(GC.GetAllocatedBytesForCurrentThread() - allocated) / ((double)rounds * batch):F0} bytes allocated a payment)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exact reference matching, the decision alone (nothing applied or written): {decisionRounds * (double)batch / decisionWall:N0} payments/s wall, {decisionRounds * (double)batch / decisionCpuSeconds:N0} per CPU-second ({decided:N0} of each {batch:N0} decided)"));
    }

    /// <summary>Fuzzy reference lookup: a one-digit slip of a real number, through the delete-neighbourhood index, candidates verified.</summary>
    private static void Fuzzy(List<OpenItem> itemList, Random random)
    {
        var keys = itemList.Select((item, i) => (ReferenceText.CoreKey(ReferenceText.FullKey(item.InvoiceNumber))!, i)).ToList();
        var fuzzy = DeleteNeighbourhoodIndex.Build(keys);
        var found = new List<Neighbour>();
        var near = 0L;
        var fuzzyTimes = Measure(20_000, () =>
        {
            Span<char> query = stackalloc char[16];
            var key = keys[random.Next(keys.Count)].Item1;
            key.CopyTo(query);
            query = query[..key.Length];
            query[random.Next(key.Length)] = (char)('0' + random.Next(10));
            found.Clear();
            fuzzy.Candidates(query, found);
            foreach (var (candidate, edits) in found)
            {
                near += edits <= 2 ? 1 : 0;
            }
        });
        Report($"fuzzy reference lookup, {itemList.Count:N0} items (1 slip, {near / (double)fuzzyTimes.Length:F0} items within 2 edits found on average, each with its distance)", fuzzyTimes);
    }

    /// <summary>
    /// Name lookup: the name as a bank prints it (upper case, the legal form dropped or abbreviated, a
    /// letter lost, cut at 16 or 22 characters as ACH company and individual name fields are). Recall
    /// is strict: the right customer alone at the top score.
    /// </summary>
    private static void Names(List<Customer> customerList, Random random)
    {
        var directory = new CustomerDirectory(customerList, []);
        int recalled = 0, asked = 0;
        const int nameLookups = 5_000;
        var nameTimes = Measure(nameLookups, () =>
        {
            var target = random.Next(customerList.Count);
            var name = customerList[target].Name.ToUpperInvariant();
            if (random.Next(2) == 0)
            {
                name = name[..name.LastIndexOf(' ')];
            }

            if (random.Next(3) == 0)
            {
                var cut = random.Next(3, name.Length - 1);
                name = name.Remove(cut, 1);
            }

            var width = random.Next(3) switch { 0 => 16, 1 => 22, _ => 35 };
            name = name.Length > width ? name[..width] : name;
            var found = directory.ByName(name);
            asked++;
            if (found.Count > 0 && found[0].Customer == directory.IndexOf(customerList[target].CustomerId) && (found.Count == 1 || found[1].Score < found[0].Score))
            {
                recalled++;
            }
        });
        Report(string.Create(CultureInfo.InvariantCulture, $"name lookup, {customerList.Count:N0} customers (recall {recalled / (double)asked:P1}, right customer alone at rank 1)"), nameTimes);
    }

    /// <summary>Subset sum: up to 6 of 60 items.</summary>
    private static void Subsets(Random random)
    {
        var subsetTimes = Measure(500, () =>
        {
            var amounts = Enumerable.Range(0, 60).Select(_ => random.NextInt64(1_00, 100_000_00)).ToArray();
            var target = amounts.OrderBy(_ => random.Next()).Take(random.Next(2, 7)).Sum();
            SubsetSum.Find(amounts, target, 6, 3, MatchPolicy.Default.CombinationBudget, out _);
        });
        Report("subset sum, up to 6 of 60 items", subsetTimes);
    }

    /// <summary>Runs <paramref name="action"/> for <see cref="ExactSeconds"/>: how many times, in how many seconds of wall and of CPU.</summary>
    private static (int Rounds, double Wall, double Cpu) Repeat(Action action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var rounds = 0;
        while (wall.Elapsed.TotalSeconds < ExactSeconds)
        {
            action();
            rounds++;
        }

        return (rounds, wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static double[] Measure(int count, Action action)
    {
        for (var i = 0; i < Math.Min(200, count); i++)
        {
            action();
        }

        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(times);
        return times;
    }

    private static void Report(string what, double[] sorted) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: p50 {sorted[sorted.Length / 2]:F1} us, p99 {sorted[(int)(sorted.Length * 0.99)]:F1} us, max {sorted[^1]:F1} us"));
}
