using System.Diagnostics;
using System.Globalization;
using CashApp.DayGen;
using CashApp.Engine.Batch;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Engine.Output;
using Sylvan.Data.Csv;

namespace CashApp.Benchmarks.Calibration;

/// <summary>
/// Fits the confidence calibration table (engine/Matching/ConfidenceCalibration.json) on generated days with their
/// true answers, and measures how well a table is calibrated on days it was not fitted on.
/// <code>
/// dotnet run -c Release --project benchmarks -- calibrate fit --out engine/Matching/ConfidenceCalibration.json
///     [--daygen-seeds 100-139] [--cashbench-seeds 100-109] [--payments 300]
/// dotnet run -c Release --project benchmarks -- calibrate eval [--table FILE]
///     [--daygen-seeds 200-219] [--cashbench-seeds 200-204] [--payments 300]
/// </code>
/// A day is matched with every decision applied (minAutoConfidence 0), each applied payment's evidence class
/// recorded, and the payment counted right when it was applied exactly as the truth says (cashbench's
/// <c>ambiguous</c> payments, which score.py leaves out of precision, are left out here too).
/// cashbench days cycle through gen.py's options: the defaults, <c>--items-per-customer 25</c>,
/// <c>--customers 400</c>, <c>--camt-version 13</c>, and all three at once.
/// </summary>
internal static class Calibrate
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    private static readonly string[][] CashbenchOptions =
    [
        [],
        ["--items-per-customer", "25"],
        ["--customers", "400"],
        ["--camt-version", "13"],
        ["--items-per-customer", "25", "--customers", "400", "--camt-version", "13"],
    ];

    private static readonly double[] Dial = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999];

    /// <summary>One applied payment: its evidence, the probability given, and whether it was right.</summary>
    private sealed record Outcome(string Day, string PaymentRef, Evidence Evidence, double Probability, bool Right);

    /// <summary>One day's figures: auto payments, auto payments applied right, applied, applied right (precision's terms).</summary>
    private sealed record DayFigures(int Auto, int Hit, int Applied, int Right);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("fit" or "eval"))
        {
            Console.Error.WriteLine("usage: calibrate fit --out FILE [--daygen-seeds A-B] [--cashbench-seeds A-B] [--payments N]\n       calibrate eval [--table FILE] [--daygen-seeds A-B] [--cashbench-seeds A-B] [--payments N]");
            return 2;
        }

        var fit = args[0] == "fit";
        var daygenSeeds = Seeds(Arg(args, "--daygen-seeds") ?? (fit ? "100-139" : "200-219"));
        var cashbenchSeeds = Seeds(Arg(args, "--cashbench-seeds") ?? (fit ? "100-109" : "200-204"));
        var payments = int.Parse(Arg(args, "--payments") ?? "300", Ci);
        var cashbench = Arg(args, "--cashbench") ?? FindCashbench();
        var work = Directory.CreateTempSubdirectory("cashapp-calibrate-").FullName;
        try
        {
            var days = Days(work, daygenSeeds, cashbenchSeeds, payments, cashbench).ToList();
            if (fit)
            {
                var output = Arg(args, "--out") ?? throw new ArgumentException("fit needs --out FILE");
                var outcomes = new List<Outcome>();
                foreach (var (name, dir) in days)
                {
                    outcomes.AddRange((await MatchAsync(name, dir, 0, ConfidenceCalibration.Default).ConfigureAwait(false)).Outcomes);
                }

                var describe = $"DayGen seeds {Arg(args, "--daygen-seeds") ?? "100-139"} x {Enum.GetValues<Profile>().Length} profiles x {payments} payments; cashbench seeds {Arg(args, "--cashbench-seeds") ?? "100-109"} cycling gen.py options (defaults, --items-per-customer 25, --customers 400, --camt-version 13, all three); {outcomes.Count} applied payments";
                var table = ConfidenceCalibration.Fit(
                    outcomes.GroupBy(o => o.Evidence.Key, StringComparer.Ordinal).Select(g => (g.First().Evidence, g.Count(), g.Count(o => o.Right))),
                    describe);
                await File.WriteAllTextAsync(output, table.ToJson()).ConfigureAwait(false);
                Console.WriteLine($"{outcomes.Count} applied payments, {outcomes.Count(o => !o.Right)} wrong, {table.Classes.Count} classes -> {output}");
                foreach (var level in table.Levels)
                {
                    Console.WriteLine(string.Create(Ci, $"  {level.Key,-24} {level.Decisions,7} decisions {level.Decisions - level.Right,4} wrong  p {level.Probability:0.000}"));
                }

                return 0;
            }

            var calibration = Arg(args, "--table") is { } file ? ConfidenceCalibration.FromJson(await File.ReadAllTextAsync(file).ConfigureAwait(false)) : ConfidenceCalibration.Default;
            await EvaluateAsync(days, calibration).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The reliability table per decile of the probability given, and the hit and precision at each setting of the dial.</summary>
    private static async Task EvaluateAsync(List<(string Name, string Dir)> days, ConfidenceCalibration calibration)
    {
        var outcomes = new List<Outcome>();
        var baseline = new Dictionary<string, (DayFigures Figures, double Lowest)>(StringComparer.Ordinal);
        foreach (var (name, dir) in days)
        {
            var run = await MatchAsync(name, dir, 0, calibration).ConfigureAwait(false);
            outcomes.AddRange(run.Outcomes);
            baseline[name] = (run.Figures, run.Outcomes.Count == 0 ? 1 : run.Outcomes.Min(o => o.Probability));
        }

        Console.WriteLine($"held-out days: {days.Count}; applied payments: {outcomes.Count}; wrong: {outcomes.Count(o => !o.Right)}");
        Console.WriteLine();
        Console.WriteLine("Reliability, per decile of the probability given:");
        Console.WriteLine();
        Console.WriteLine("| predicted | payments | mean predicted | observed precision | wrong |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (var d = 0; d < 10; d++)
        {
            var part = outcomes.Where(o => Math.Min(9, (int)Math.Floor(o.Probability * 10)) == d).ToList();
            Console.WriteLine(part.Count == 0
                ? string.Create(Ci, $"| {d / 10.0:0.0}-{(d + 1) / 10.0:0.0} | 0 | - | - | - |")
                : string.Create(Ci, $"| {d / 10.0:0.0}-{(d + 1) / 10.0:0.0} | {part.Count} | {part.Average(o => o.Probability):0.0000} | {(double)part.Count(o => o.Right) / part.Count:0.0000} | {part.Count(o => !o.Right)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("The top decile, finer:");
        Console.WriteLine();
        Console.WriteLine("| predicted | payments | mean predicted | observed precision | wrong |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        double[] bounds = [0.9, 0.95, 0.99, 0.995, 0.998, 0.999, 1.0001];
        for (var b = 0; b + 1 < bounds.Length; b++)
        {
            var part = outcomes.Where(o => o.Probability >= bounds[b] && o.Probability < bounds[b + 1]).ToList();
            if (part.Count > 0)
            {
                var to = bounds[b + 1] > 1 ? "" : string.Create(Ci, $"-{bounds[b + 1]:0.000}");
                Console.WriteLine(string.Create(Ci, $"| {bounds[b]:0.000}{to} | {part.Count} | {part.Average(o => o.Probability):0.0000} | {(double)part.Count(o => o.Right) / part.Count:0.0000} | {part.Count(o => !o.Right)} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Wrong applications by class:");
        Console.WriteLine();
        foreach (var wrong in outcomes.Where(o => !o.Right).GroupBy(o => o.Evidence.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(Ci, $"- {wrong.Key} (p {wrong.First().Probability:0.000}): {wrong.Count()} of {outcomes.Count(o => o.Evidence.Key == wrong.Key)}; days {string.Join(", ", wrong.Select(o => o.Day).Distinct().Take(8))}"));
        }

        Console.WriteLine();
        Console.WriteLine("The dial: each held-out day matched again at each minAutoConfidence (hit rate over the payments that should clear, precision over those applied):");
        Console.WriteLine();
        Console.WriteLine("| minAutoConfidence | applied | hit rate | precision | wrong |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var setting in Dial)
        {
            int auto = 0, hit = 0, applied = 0, right = 0;
            foreach (var (name, dir) in days)
            {
                // A setting below every probability the day was given changes nothing: the day is as matched at 0.
                var figures = setting <= baseline[name].Lowest ? baseline[name].Figures : (await MatchAsync(name, dir, setting, calibration).ConfigureAwait(false)).Figures;
                (auto, hit, applied, right) = (auto + figures.Auto, hit + figures.Hit, applied + figures.Applied, right + figures.Right);
            }

            Console.WriteLine(string.Create(Ci, $"| {setting:0.00#} | {applied} | {(double)hit / Math.Max(1, auto):0.000} | {(double)right / Math.Max(1, applied):0.0000} | {applied - right} |"));
        }
    }

    /// <summary>Generates the days: every DayGen profile at every DayGen seed, then the cashbench seeds.</summary>
    private static IEnumerable<(string Name, string Dir)> Days(string work, List<int> daygenSeeds, List<int> cashbenchSeeds, int payments, string cashbench)
    {
        foreach (var seed in daygenSeeds)
        {
            foreach (var profile in Enum.GetValues<Profile>())
            {
                var name = string.Create(Ci, $"daygen-{profile.ToString().ToLowerInvariant()}-{seed}");
                var dir = Path.Combine(work, name);
                DayBuilder.Run(new DayOptions { OutputDirectory = dir, Profile = profile, Seed = seed, Payments = payments });
                yield return (name, dir);
            }
        }

        for (var i = 0; i < cashbenchSeeds.Count; i++)
        {
            var seed = cashbenchSeeds[i];
            var options = CashbenchOptions[i % CashbenchOptions.Length];
            var name = string.Create(Ci, $"cashbench-{seed}{string.Concat(options.Where(o => o.StartsWith("--", StringComparison.Ordinal)).Select(o => o[1..]))}");
            var dir = Path.Combine(work, name);
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])[Path.Combine(cashbench, "gen.py"), "--out", dir, "--seed", seed.ToString(Ci), .. options])
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"gen.py --seed {seed} exited {process.ExitCode}");
            }

            yield return (name, dir);
        }
    }

    /// <summary>Matches one day at the given setting of the dial and scores each applied payment against the truth.</summary>
    private static async Task<(List<Outcome> Outcomes, DayFigures Figures)> MatchAsync(string name, string dir, double minAutoConfidence, ConfidenceCalibration calibration)
    {
        var run = Path.Combine(dir, "run");
        var evidence = new Dictionary<string, Evidence>(StringComparer.Ordinal);
        await MatchRun.RunAsync(
            new MatchRunOptions
            {
                OpenItemsPath = Path.Combine(dir, "open_items.csv"),
                CustomersPath = Path.Combine(dir, "customers.csv"),
                BankFiles = [.. Directory.GetFiles(Path.Combine(dir, "bank")).Order(StringComparer.Ordinal)],
                OutputDirectory = run,
                Policy = MatchPolicy.Default with { MinAutoConfidence = minAutoConfidence },
                Calibration = calibration,
                Decided = (payment, e) => evidence[payment.PaymentRef] = e,
            },
            progress: null).ConfigureAwait(false);

        var want = Group(Rows(Path.Combine(dir, "truth", "applications.csv")));
        var got = Group(Rows(Path.Combine(run, "applications.csv")));
        var outcomes = new List<Outcome>();
        int auto = 0, hit = 0, applied = 0, right = 0;
        foreach (var payment in Rows(Path.Combine(dir, "truth", "payments.csv")))
        {
            var reference = payment["payment_ref"];
            var g = got.GetValueOrDefault(reference) ?? [];
            var w = want.GetValueOrDefault(reference) ?? [];
            var same = g.Count > 0 && g.Count == w.Count && g.All(kv => w.TryGetValue(kv.Key, out var v) && v == kv.Value);
            var expect = payment["expect"];
            auto += expect == "auto" ? 1 : 0;
            hit += expect == "auto" && same ? 1 : 0;
            if (g.Count == 0 || expect == "ambiguous")
            {
                continue;
            }

            applied++;
            right += same ? 1 : 0;
            var e = evidence.TryGetValue(reference, out var known) ? known : throw new InvalidOperationException($"{name}: {reference} applied without its evidence recorded");
            outcomes.Add(new Outcome(name, reference, e, calibration.Probability(e), same));
        }

        return (outcomes, new DayFigures(auto, hit, applied, right));
    }

    private static List<Dictionary<string, string>> Rows(string path)
    {
        using var csv = CsvDataReader.Create(path, new CsvDataReaderOptions { MaxBufferSize = CsvOut.MaxRowChars });
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < csv.FieldCount; i++)
            {
                row[csv.GetName(i)] = csv.GetString(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static Dictionary<string, Dictionary<string, long>> Group(List<Dictionary<string, string>> rows)
    {
        var grouped = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var items = grouped.TryGetValue(row["payment_ref"], out var known) ? known : grouped[row["payment_ref"]] = new(StringComparer.Ordinal);
            items[row["item_id"]] = items.GetValueOrDefault(row["item_id"]) + Cents(row["amount"]);
        }

        foreach (var key in grouped.Keys.ToList())
        {
            grouped[key] = grouped[key].Where(kv => kv.Value != 0).ToDictionary(StringComparer.Ordinal);
        }

        return grouped;
    }

    private static long Cents(string text) =>
        (long)decimal.Round(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, Ci) * 100, MidpointRounding.ToEven);

    private static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static List<int> Seeds(string range)
    {
        var parts = range.Split('-');
        var (from, to) = (int.Parse(parts[0], Ci), int.Parse(parts[^1], Ci));
        return [.. Enumerable.Range(from, to - from + 1)];
    }

    private static string FindCashbench()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "cashbench");
            if (File.Exists(Path.Combine(candidate, "gen.py")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException("../shared/cashbench not found; give --cashbench DIR");
    }
}
