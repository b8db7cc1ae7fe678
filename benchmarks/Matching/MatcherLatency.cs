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
    private static readonly string[] First = ["ACME", "APEX", "ATLAS", "AURORA", "BEACON", "BIRCH", "CEDAR", "CITADEL", "COBALT", "CROWN", "DELTA", "EAGLE", "FALCON", "GRANITE", "HARBOR", "HORIZON", "IRON", "JADE", "KEYSTONE", "LIBERTY", "MAPLE", "MERIDIAN", "NEXUS", "OMEGA", "PACIFIC", "PEAK", "PIONEER", "PRAIRIE", "QUANTUM", "REDWOOD", "SAGE", "SIERRA", "SUMMIT", "TITAN", "VALLEY", "VERTEX", "WILLOW", "ZENITH"];
    private static readonly string[] Second = ["ALLIED", "CENTRAL", "DIGITAL", "DYNAMIC", "FIRST", "GLOBAL", "INTEGRATED", "NATIONAL", "PREMIER", "REGIONAL", "STRATEGIC", "UNITED", "URBAN", "WESTERN"];
    private static readonly string[] Industry = ["LOGISTICS", "FOODS", "SYSTEMS", "INDUSTRIES", "SUPPLY", "PARTNERS", "SOLUTIONS", "LABS", "MEDIA", "HEALTH", "MOTORS", "ENERGY", "TRADERS", "FREIGHT", "BRANDS", "RETAIL", "NETWORKS"];

    public static int Run(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var random = new Random(20261123);
        var usd = new CurrencyCode("USD");
        var customerList = new List<Customer>(customers);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < customers; c++)
        {
            string name;
            do
            {
                name = $"{First[random.Next(First.Length)]} {Second[random.Next(Second.Length)]} {Industry[random.Next(Industry.Length)]} {random.Next(1000, 99999)} INC";
            }
            while (!names.Add(name));

            customerList.Add(new Customer($"C{c:D7}", name, null, [], []));
        }

        var itemList = new List<OpenItem>(items);
        var day = new DateOnly(2026, 11, 1);
        for (var i = 0; i < items; i++)
        {
            var customer = customerList[i % customers];
            itemList.Add(new OpenItem($"AR{i:D8}", DocType.Invoice, customer.CustomerId, customer.Name, $"INV-{1_000_000 + i}", null, usd, random.NextInt64(1_00, 100_000_00), day, day.AddDays(30)));
        }

        var build = Stopwatch.StartNew();
        var matcher = new CashMatcher(itemList, customerList, MatchPolicy.Default);
        Console.WriteLine($"index of {items:N0} items and {customers:N0} customers built in {build.Elapsed.TotalSeconds:F1} s");

        // Exact matching: batches of payments quoting one invoice each, at its amount.
        const int batch = 10_000;
        var payments = Enumerable.Range(0, batch).Select(n =>
        {
            var item = itemList[random.Next(items)];
            return new Payment($"P{n:D6}", new Money(item.OpenMinor, usd), null, null, [new RemittanceLine(item.InvoiceNumber, item.OpenMinor)], null, "bench", n);
        }).ToList();
        matcher.Propose(payments);
        var exact = Stopwatch.StartNew();
        var rounds = 0;
        while (exact.Elapsed.TotalSeconds < 5)
        {
            matcher.Propose(payments);
            rounds++;
        }

        var perSecond = rounds * (double)batch / exact.Elapsed.TotalSeconds;
        Console.WriteLine($"exact reference matching: {perSecond:N0} payments/s on one thread ({rounds * batch:N0} payments)");

        // Fuzzy reference lookup: a one-digit slip of a real number, through the delete-neighbourhood index.
        var keys = itemList.Select((item, i) => (ReferenceText.CoreKey(ReferenceText.FullKey(item.InvoiceNumber))!, i)).ToList();
        var fuzzy = DeleteNeighbourhoodIndex.Build(keys);
        var fuzzyTimes = Measure(20_000, () =>
        {
            var key = keys[random.Next(keys.Count)].Item1.ToCharArray();
            key[random.Next(key.Length)] = (char)('0' + random.Next(10));
            var query = new string(key);
            var found = new List<int>();
            fuzzy.Candidates(query, found);
            foreach (var candidate in found)
            {
                DeleteNeighbourhoodIndex.Distance(query, keys[candidate].Item1, 2);
            }
        });
        Report("fuzzy reference lookup (1 slip, verified)", fuzzyTimes);

        // Name lookup: the name as a bank prints it (upper case, legal form dropped, a letter lost, cut at 16).
        var directory = new CustomerDirectory(customerList, []);
        var recalled = 0;
        const int nameLookups = 5_000;
        var nameTimes = Measure(nameLookups, () =>
        {
            var target = random.Next(customers);
            var name = customerList[target].Name;
            name = name[..name.LastIndexOf(' ')];
            var cut = random.Next(3, name.Length - 1);
            name = random.Next(2) == 0 ? name.Remove(cut, 1) : name;
            name = name.Length > 16 && random.Next(2) == 0 ? name[..16] : name;
            var found = directory.ByName(name);
            if (found.Count > 0 && found.TakeWhile(f => f.Score == found[0].Score).Any(f => f.Customer == directory.IndexOf(customerList[target].CustomerId)))
            {
                recalled++;
            }
        });
        Report($"name lookup, {customers:N0} customers (recall {recalled / (double)nameLookups:P1} at rank 1)", nameTimes);

        // Subset sum: up to 6 of 60 items.
        var subsetTimes = Measure(500, () =>
        {
            var amounts = Enumerable.Range(0, 60).Select(_ => random.NextInt64(1_00, 100_000_00)).ToArray();
            var target = amounts.OrderBy(_ => random.Next()).Take(random.Next(2, 7)).Sum();
            SubsetSum.Find(amounts, target, 6, 3, MatchPolicy.Default.CombinationBudget, out _);
        });
        Report("subset sum, up to 6 of 60 items", subsetTimes);
        return 0;
    }

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
