using System.Globalization;
using System.Text;
using CashApp.DayGen;
using CashApp.Engine.Ar;
using CashApp.Engine.Batch;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Store;

namespace CashApp.Benchmarks.Learning;

/// <summary>
/// The two-day learning benchmark (issue 18) on DayGen days: day 1 and day 2 of the same ledger and customers
/// (<see cref="DayBuilder.RunTwoDays"/>), with habits that persist: customers who pay from an account AR never
/// recorded under a trading name no record carries, and payment services that pay for several unrelated
/// customers from one account. Day 1's bank files are stored in a real SQLite ledger through the served path;
/// every exception whose payment has a true answer is resolved from it, with or without <c>remember</c>, in
/// the resolution's own transaction; day 2's files are stored and scored with DayGen's scorer. Usage:
/// <c>dotnet run -c Release --project benchmarks -- learning [--seed N] [--payments N] [--profiles global,payers,sap] [--explain]</c>
/// (<c>--explain</c> lists, on stderr, what day 2 missed or applied otherwise).
/// </summary>
internal static class TwoDayLearning
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var seed = Arg(args, "--seed", 1);
        var payments = Arg(args, "--payments", 400);
        var explain = args.Contains("--explain");
        var at = Array.IndexOf(args, "--profiles");
        var profiles = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["global", "payers", "sap"];
        Console.WriteLine(string.Create(Ci, $"two-day learning on DayGen days, seed {seed}, {payments} payments a day"));
        Console.WriteLine("| profile | day 2 | hit (auto and habit) | hit (auto) | habit payments right | precision | wrong | exceptions | active rules | a payment service's account a rule |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        var failed = false;
        foreach (var profile in profiles)
        {
            var folder = Directory.CreateTempSubdirectory("cashapp-learning-").FullName;
            try
            {
                var (first, second) = DayBuilder.RunTwoDays(new DayOptions { OutputDirectory = folder, Profile = DayGenProgram.ParseProfile(profile), Seed = seed, Payments = payments });
                Console.Error.WriteLine($"{profile}: day 1 {first}; day 2 {second}");
                ServiceAccounts.Clear();
                foreach (var remember in new[] { false, true })
                {
                    var run = await RunDaysAsync(folder, remember);
                    failed |= !run.Figures.Clean || run.ServiceRule;
                    var t = run.Figures.Total;
                    var habit = run.Figures.ByScenario.GetValueOrDefault("habit_unrecorded_payer") ?? new DayScore.Tally();
                    foreach (var m in explain ? run.Figures.Missed.Concat(run.Figures.Wrong) : [])
                    {
                        // What day 2 left in exceptions or applied otherwise, on stderr, to read beside the table.
                        Console.Error.WriteLine($"  {profile} {(remember ? "with" : "without")}: {m.Scenario} {m.PaymentRef} want {m.Want} got {m.Got}: {m.How}");
                    }

                    // The hit rate over what should clear once day 1 has been worked: the payments the files prove, and
                    // the habit payments a specialist's day-1 resolution taught who pays.
                    var taught = (double)(t.Hit + habit.Right) / Math.Max(1, t.Auto + habit.Payments);
                    Console.WriteLine(string.Create(Ci, $"| {profile} | {(remember ? "with learning" : "without learning")} | {taught:F3} | {t.HitRate:F3} | {habit.Right}/{habit.Payments} | {t.Precision:F4} | {t.Wrong} | {run.Exceptions} | {run.ActiveRules} | {(run.ServiceRule ? "YES" : "no")} |"));
                }
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }

        return failed ? 1 : 0;
    }

    private sealed record DayTwo(DayScore.Figures Figures, int Exceptions, int ActiveRules, bool ServiceRule);

    private static async Task<DayTwo> RunDaysAsync(string folder, bool remember)
    {
        var day1 = Path.Combine(folder, "day1");
        var day2 = Path.Combine(folder, "day2");
        var db = Path.Combine(folder, remember ? "with.db" : "without.db");
        await using var store = await CashStores.OpenSqliteAsync(db, TimeProvider.System);
        await store.UpsertCustomersAsync(ArFiles.ReadCustomers(Path.Combine(day1, "customers.csv")), "bench");
        await store.UpsertOpenItemsAsync(ArFiles.ReadOpenItems(Path.Combine(day1, "open_items.csv")), "bench");
        var ledger = new LedgerService(store, MatchPolicy.Default);
        await StoreDayAsync(ledger, day1);

        // A specialist resolves every day-1 exception the truth can settle, item by item, as the payer meant.
        var truth = DayScore.Rows(Path.Combine(day1, "truth", "applications.csv"))
            .GroupBy(r => r["payment_ref"], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => new ItemAllocation(r["item_id"], DayScore.Cents(r["amount"]))).ToList(), StringComparer.Ordinal);
        var policy = MatchPolicy.Default;
        long? after = null;
        var open = new List<StoredExceptionCase>();
        do
        {
            var page = await store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Open, AfterId = after, Take = 1000 });
            open.AddRange(page.Items);
            after = page.NextAfterId;
        }
        while (after is not null);

        foreach (var exception in open)
        {
            if (truth.TryGetValue(exception.PaymentRef, out var allocations) && allocations.Sum(a => a.AmountMinor) == exception.Unapplied.Minor)
            {
                await store.ResolveExceptionAsync(new ResolveRequest
                {
                    ExceptionId = exception.Id,
                    ExpectedRowVersion = exception.RowVersion,
                    Kind = ResolutionKind.ApplyToItems,
                    Allocations = allocations,
                    Actor = "bench-specialist",
                    Reason = "from the true answer",
                    Learn = new ResolutionLearning(remember, policy),
                });
            }
        }

        var results = await StoreDayAsync(ledger, day2);
        var run = Path.Combine(folder, remember ? "run-with" : "run-without");
        WriteRun(run, results);
        var rules = (IPayerRuleStore)store;
        var active = await rules.ListActivePayerRulesAsync();
        // A payment service's account pays for unrelated customers: no active account rule may name one.
        var serviceRule = active.Any(r => r.Kind == PayerRuleKind.Account && ServiceAccounts.Contains(r.Key));
        return new DayTwo(DayScore.Score(day2, run), results.Sum(r => r.Exceptions.Count), active.Count, serviceRule);
    }

    /// <summary>The accounts payment services paid from, as rule keys, seen in the days' bank files.</summary>
    private static readonly HashSet<string> ServiceAccounts = new(StringComparer.Ordinal);

    /// <summary>Stores every bank file of a day, in name order, through the served path; returns each file's match result.</summary>
    private static async Task<List<MatchResult>> StoreDayAsync(LedgerService ledger, string day)
    {
        var results = new List<MatchResult>();
        var services = DayScore.Rows(Path.Combine(day, "truth", "payments.csv"))
            .Where(r => r["scenario"].StartsWith("psp_", StringComparison.Ordinal)).Select(r => r["payment_ref"]).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(Path.Combine(day, "bank")).Order(StringComparer.Ordinal))
        {
            var file = await BankFileReading.ReadFileAsync(path, new BankFileReadOptions());
            foreach (var t in file.Transactions.Where(t => services.Contains(t.PaymentRef)))
            {
                if (PayerRule.KeyOf(PayerRuleKind.Account, t.PayerAccount) is { } key)
                {
                    ServiceAccounts.Add(key);
                }
            }

            var hash = LedgerService.ContentHash(await File.ReadAllBytesAsync(path));
            var stored = await ledger.StoreTransactionsAsync(file.Transactions, path, hash, file.Format, "bench");
            results.Add(stored.Result);
        }

        return results;
    }

    /// <summary>Writes a day's applications and exceptions as the batch run does, for DayGen's scorer.</summary>
    private static void WriteRun(string run, IReadOnlyList<MatchResult> results)
    {
        Directory.CreateDirectory(run);
        var applications = new StringBuilder("payment_ref,item_id,amount,explanation\n");
        var exceptions = new StringBuilder("payment_ref,unapplied_amount,reason,detail\n");
        foreach (var result in results)
        {
            foreach (var a in result.Applications)
            {
                applications.Append(Ci, $"{Csv(a.PaymentRef)},{Csv(a.ItemId)},{Amount(a.Amount)},{Csv(a.Explanation)}\n");
            }

            foreach (var e in result.Exceptions)
            {
                exceptions.Append(Ci, $"{Csv(e.PaymentRef)},{Amount(e.Unapplied)},{LedgerCodes.Of(e.Reason)},{Csv(e.Detail)}\n");
            }
        }

        File.WriteAllText(Path.Combine(run, "applications.csv"), applications.ToString());
        File.WriteAllText(Path.Combine(run, "exceptions.csv"), exceptions.ToString());
    }

    private static string Amount(Money money) => MinorUnits.Format(money.Minor, money.Currency.MinorDigits);

    private static string Csv(string? text) =>
        text is null ? "" : text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], Ci) : fallback;
    }
}
