using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Store;

namespace CashApp.Benchmarks.Learning;

/// <summary>
/// The two-day learning benchmark (issue 18): the same customers on two days, with habits that persist. Some
/// pay from an account AR does not know, some under a trading name AR does not know (twice a day), a payment
/// processor pays for several customers from one account, and the rest from their accounts on file. Day 1 is
/// stored in a real SQLite ledger; its exceptions are resolved from the true answer (with or without
/// <c>remember</c>); day 2 is scored. Usage: <c>dotnet run -c Release --project benchmarks -- learning [--seed N] [--customers N]</c>.
/// </summary>
internal static class TwoDayLearning
{
    private const string PspAccount = "091000019:8800000001";
    private const string PspName = "PAYFLOW CLEARING LTD";

    public static async Task<int> RunAsync(string[] args)
    {
        var seed = Arg(args, "--seed", 1);
        var customerCount = Arg(args, "--customers", 400);
        var world = World.Make(seed, customerCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"two-day learning, seed {seed}: {world.Customers.Count} customers, {world.Items.Count} open items, day 1 {world.Day1.Count} payments, day 2 {world.Day2.Count}"));
        Console.WriteLine("| day 2 | hit rate | precision | wrong | applied | exceptions | active rules | PSP account a rule |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var remember in new[] { false, true })
        {
            var (hit, precision, wrong, applied, exceptions, rules, pspRule) = await RunDaysAsync(world, remember);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(remember ? "with learning" : "without learning")} | {hit:F3} | {precision:F4} | {wrong} | {applied} | {exceptions} | {rules} | {(pspRule ? "YES" : "no")} |"));
        }

        return 0;
    }

    private static async Task<(double Hit, double Precision, int Wrong, int Applied, int Exceptions, int Rules, bool PspRule)> RunDaysAsync(World world, bool remember)
    {
        var folder = Directory.CreateTempSubdirectory("cashapp-learning-").FullName;
        try
        {
            await using var store = await CashStores.OpenSqliteAsync(Path.Combine(folder, "cashapp.db"), TimeProvider.System);
            await store.UpsertCustomersAsync(world.Customers, "bench");
            await store.UpsertOpenItemsAsync(world.Items, "bench");
            var ledger = new LedgerService(store, MatchPolicy.Default);
            await ledger.StoreTransactionsAsync(world.Day1, "day1.bai2", "day1", BankFileFormat.Bai2, "bench");

            // A specialist resolves every day-1 exception from the true answer.
            var rules = (IPayerRuleStore)store;
            var open = await store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Open, Take = 1000 });
            foreach (var exception in open.Items.OrderBy(e => e.Id))
            {
                var item = world.Truth[exception.PaymentRef];
                var resolved = await store.ResolveExceptionAsync(new ResolveRequest
                {
                    ExceptionId = exception.Id,
                    ExpectedRowVersion = exception.RowVersion,
                    Kind = ResolutionKind.ApplyToItems,
                    Allocations = [new ItemAllocation(item, exception.Unapplied.Minor)],
                    Actor = "bench-specialist",
                    Reason = "from the true answer",
                    Learn = new ResolutionLearning(remember, MatchPolicy.Default),
                });
            }

            var day2 = await ledger.StoreTransactionsAsync(world.Day2, "day2.bai2", "day2", BankFileFormat.Bai2, "bench");
            var applications = day2.Result.Applications;
            var correct = applications.Count(a => world.Truth[a.PaymentRef] == a.ItemId);
            var active = await rules.ListActivePayerRulesAsync();
            var pspKey = PayerRule.KeyOf(PayerRuleKind.Account, PspAccount);
            return (
                (double)correct / world.Day2.Count,
                applications.Count == 0 ? 1 : (double)correct / applications.Count,
                applications.Count - correct,
                applications.Count,
                day2.Result.Exceptions.Count,
                active.Count,
                active.Any(r => r.Key == pspKey || r.Key == PayerRule.KeyOf(PayerRuleKind.Name, PspName)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Customers, their open items, two days of payments without references, and the true item of each payment.</summary>
    private sealed class World
    {
        private static readonly string[] First = ["Alder", "Birch", "Cedar", "Dover", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Linden", "Maple", "Nimbus", "Orchid", "Pioneer", "Quarry", "Raven", "Summit", "Tidal"];
        private static readonly string[] Second = ["Systems", "Foods", "Logistics", "Medical", "Textiles", "Robotics", "Outfitters", "Plastics", "Analytics", "Builders"];
        private static readonly string[] Third = ["North", "South", "East", "West", "Central", "Coastal", "Valley", "Metro", "Prairie", "Alpine"];

        public List<Customer> Customers { get; } = [];

        public List<OpenItem> Items { get; } = [];

        public List<BankTransaction> Day1 { get; } = [];

        public List<BankTransaction> Day2 { get; } = [];

        public Dictionary<string, string> Truth { get; } = new(StringComparer.Ordinal);

        public static World Make(int seed, int count)
        {
            var world = new World();
            var random = new Random(seed);
            var day = new DateOnly(2026, 11, 2);
            for (var c = 0; c < count; c++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"C{100000 + c}");
                var name = $"{First[c % First.Length]} {Second[c / First.Length % Second.Length]} {Third[c / (First.Length * Second.Length) % Third.Length]} {(char)('A' + (c % 26))}{c} Inc.";
                var registered = string.Create(CultureInfo.InvariantCulture, $"021000021:{5000000 + c}");
                var unregistered = string.Create(CultureInfo.InvariantCulture, $"026009593:{7100000 + c}");
                var trading = string.Create(CultureInfo.InvariantCulture, $"ZEPH TRADING {Hash(c)}");

                // Habits that persist over both days: 0-2 an unregistered account, 3 an unregistered trading name
                // (paying twice a day), 4 a payment processor's shared account, the rest an account on file.
                var habit = c % 10;
                world.Customers.Add(new Customer(id, name, null, [], habit >= 5 ? [registered] : []));
                var items = new List<OpenItem>();
                for (var i = 0; i < 6; i++)
                {
                    var amount = random.NextInt64(100_000, 2_000_000) + random.Next(1, 99);
                    var item = new OpenItem(string.Create(CultureInfo.InvariantCulture, $"AR{c:D6}{i}"), DocType.Invoice, id, name, string.Create(CultureInfo.InvariantCulture, $"INV-{c:D6}{i}"), null, new("USD"), amount, day, day.AddDays(30));
                    items.Add(item);
                    world.Items.Add(item);
                }

                var perDay = habit == 3 ? 2 : 1;
                for (var d = 0; d < 2; d++)
                {
                    for (var k = 0; k < perDay; k++)
                    {
                        var item = items[(d * 2) + k];
                        var (payer, account) = habit switch
                        {
                            <= 2 => (string.Create(CultureInfo.InvariantCulture, $"REMITTER {Hash(c + 7777)}"), unregistered),
                            3 => (trading, null),
                            4 => (PspName, PspAccount),
                            _ => (name.ToUpperInvariant(), registered),
                        };
                        var reference = string.Create(CultureInfo.InvariantCulture, $"D{d + 1}-{c:D6}-{k}");
                        (d == 0 ? world.Day1 : world.Day2).Add(new BankTransaction
                        {
                            PaymentRef = reference,
                            Direction = Direction.Credit,
                            AmountMinor = item.OpenMinor,
                            Currency = "USD",
                            Format = BankFileFormat.Bai2,
                            SourceFile = d == 0 ? "day1.bai2" : "day2.bai2",
                            LineNumber = world.Day1.Count + world.Day2.Count + 1,
                            PayerName = payer,
                            PayerAccount = account,
                        });
                        world.Truth[reference] = item.ItemId;
                    }
                }
            }

            return world;
        }

        private static string Hash(int value) => ((uint)(value * 2654435761u)).ToString("X8", CultureInfo.InvariantCulture);
    }
}
