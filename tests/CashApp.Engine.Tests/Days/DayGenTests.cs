using System.Globalization;
using CashApp.DayGen;

namespace CashApp.Engine.Tests.Days;

/// <summary>DayGen itself: the same seed gives the same bytes, the truth is a perfect run, and the scorer counts what goes wrong.</summary>
public sealed class DayGenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-daygen-self").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Generate(string name, Profile profile, long seed, int payments = 150)
    {
        var day = Path.Combine(_dir, name);
        DayBuilder.Run(new DayOptions { OutputDirectory = day, Profile = profile, Seed = seed, Payments = payments });
        return day;
    }

    private static Dictionary<string, byte[]> Files(string day) =>
        Directory.GetFiles(day, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(day, f), File.ReadAllBytes, StringComparer.Ordinal);

    [Fact]
    public void Run_SameSeed_WritesTheSameBytes()
    {
        var a = Files(Generate("a", Profile.Global, 3));
        var b = Files(Generate("b", Profile.Global, 3));
        var c = Files(Generate("c", Profile.Global, 4));

        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        Assert.All(a, f => Assert.True(f.Value.AsSpan().SequenceEqual(b[f.Key]), f.Key));
        Assert.False(a["open_items.csv"].AsSpan().SequenceEqual(c["open_items.csv"]));
    }

    [Fact]
    public void RunTwoDays_SameSeedSameBytes_Day2IsDay1sLedgerLessWhatItSettled_AndHabitsPersist()
    {
        DayBuilder.RunTwoDays(new DayOptions { OutputDirectory = Path.Combine(_dir, "x"), Profile = Profile.Global, Seed = 5, Payments = 150 });
        DayBuilder.RunTwoDays(new DayOptions { OutputDirectory = Path.Combine(_dir, "y"), Profile = Profile.Global, Seed = 5, Payments = 150 });
        var x = Files(Path.Combine(_dir, "x"));
        var y = Files(Path.Combine(_dir, "y"));
        Assert.Equal(x.Keys.Order(StringComparer.Ordinal), y.Keys.Order(StringComparer.Ordinal));
        Assert.All(x, f => Assert.True(f.Value.AsSpan().SequenceEqual(y[f.Key]), f.Key));

        static List<string[]> Csv(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];
        var day1 = Path.Combine(_dir, "x", "day1");
        var day2 = Path.Combine(_dir, "x", "day2");
        Assert.True(File.ReadAllBytes(Path.Combine(day1, "customers.csv")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(day2, "customers.csv"))));
        var settled = Csv(Path.Combine(day1, "truth", "applications.csv")).Select(r => r[1]).ToHashSet(StringComparer.Ordinal);
        var ledger1 = Csv(Path.Combine(day1, "open_items.csv")).Select(r => r[0]).ToList();
        var ledger2 = Csv(Path.Combine(day2, "open_items.csv")).Select(r => r[0]).ToList();
        Assert.Equal(ledger1.Where(i => !settled.Contains(i)), ledger2);
        Assert.DoesNotContain(Csv(Path.Combine(day2, "truth", "applications.csv")), r => settled.Contains(r[1]));

        // The same customers pay on both days from the account no record carries, under the same trading name.
        var payments1 = Csv(Path.Combine(day1, "truth", "payments.csv"));
        var payments2 = Csv(Path.Combine(day2, "truth", "payments.csv"));
        var habit1 = payments1.Where(r => r[3] == "habit_unrecorded_payer").Select(r => r[7]).ToHashSet(StringComparer.Ordinal);
        var habit2 = payments2.Where(r => r[3] == "habit_unrecorded_payer").Select(r => r[7]).ToList();
        Assert.NotEmpty(habit2);
        Assert.Contains(habit2, habit1.Contains);
        Assert.Contains(payments1, r => r[3].StartsWith("psp_shared_account", StringComparison.Ordinal));
        Assert.Contains(payments2, r => r[3].StartsWith("psp_shared_account", StringComparison.Ordinal));
        var refs1 = payments1.Select(r => r[0]).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(payments2, r => r[0].Length > 0 && !r[0].Contains('-', StringComparison.Ordinal) && refs1.Contains(r[0]));
    }

    public static TheoryData<string> Profiles() => [.. Enum.GetNames<Profile>()];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Score_TruthAsRun_IsPerfectAndEveryScenarioOccurs(string profile)
    {
        var p = Enum.Parse<Profile>(profile);
        var day = Generate("day", p, 11, payments: 400);
        var run = WriteTruthAsRun(day, Path.Combine(_dir, "run"), change: null);

        var figures = DayScore.Score(day, run);

        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.OverApplied);
        Assert.Equal(0, figures.UnknownItems);
        Assert.Equal(1.0, figures.Total.HitRate);
        Assert.Equal(1.0, figures.Total.Precision);
        Assert.Equal(400, figures.Total.Payments);
        Assert.True(figures.Total.Auto > figures.Total.Payments / 2, $"{figures.Total.Auto} auto of {figures.Total.Payments}");
        var seen = figures.ByScenario.Keys.Select(s => s.Replace("_unproven", "", StringComparison.Ordinal).Replace("_noref", "", StringComparison.Ordinal)
            .Replace("_damaged", "", StringComparison.Ordinal).Replace("_intact", "", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.All(DayBuilder.Scenarios(p), s => Assert.Contains(s.Scenario, seen));
    }

    [Fact]
    public void Score_RunThatMovesOnePaymentToAnotherItem_CountsItWrongAndMissed()
    {
        var day = Generate("day", Profile.Payers, 5);
        var truth = File.ReadAllLines(Path.Combine(day, "truth", "applications.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var auto = File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[4] == "auto").Select(f => f[0]).ToHashSet(StringComparer.Ordinal);
        var victim = truth.First(t => auto.Contains(t[0]));
        var other = File.ReadAllLines(Path.Combine(day, "open_items.csv")).Skip(1).Select(l => l.Split(',')[0]).First(id => truth.All(t => t[1] != id));
        var run = WriteTruthAsRun(day, Path.Combine(_dir, "run"), change: row => row[0] == victim[0] && row[1] == victim[1] ? [row[0], other, row[2]] : row);

        var figures = DayScore.Score(day, run);

        Assert.Equal(1, figures.Total.Wrong);
        Assert.Equal(figures.Total.Auto - 1, figures.Total.Hit);
        Assert.True(figures.Total.Precision < 1.0);
        Assert.Single(figures.Wrong, w => w.PaymentRef == victim[0]);
        Assert.Contains(DayScore.Table([figures]).Split('\n'), line => line.StartsWith("payers", StringComparison.Ordinal) && line.Contains(" all ", StringComparison.Ordinal));

        // The same figures as markdown: the victim's scenario row counts it wrong, the profile row sums the day.
        var scenario = File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Skip(1).Select(l => l.Split(',')).Single(f => f[0] == victim[0])[3];
        var tally = figures.ByScenario[scenario];
        var markdown = DayScore.Markdown([figures]).Split('\n');
        Assert.Contains(markdown, line => line.StartsWith($"| payers | {scenario} | {tally.Payments} | {tally.Auto} | {tally.Hit} | {tally.Missed} | 1 | ", StringComparison.Ordinal));
        Assert.Contains(markdown, line => line.StartsWith($"| payers | 1 | {figures.Total.Payments} | {figures.Total.Auto} | ", StringComparison.Ordinal) && line.Contains($"| {figures.Total.Wrong} | 0 | 0 |", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_RunThatTakesADiscountWithoutClosingTheItem_CountsItWrong()
    {
        // The cash on the right invoice, and the discount not taken: the item stays open for what was granted.
        var day = Generate("day", Profile.Terms, 5);
        var discounted = File.ReadAllLines(Path.Combine(day, "truth", "applications.csv")).Skip(1).Select(l => l.Split(',')).First(t => t[3].Length > 0);
        var run = WriteTruthAsRun(day, Path.Combine(_dir, "run"), change: row => row[0] == discounted[0] && row[1] == discounted[1] ? [row[0], row[1], row[2]] : row);

        var figures = DayScore.Score(day, run);

        Assert.Equal(1, figures.Total.Wrong);
        Assert.Single(figures.Wrong, w => w.PaymentRef == discounted[0]);
        Assert.Equal(0, figures.OverApplied);
    }

    [Fact]
    public void Score_RunThatDropsAPaymentAndOverAppliesAnItem_CountsLostAndOver()
    {
        var day = Generate("day", Profile.Sap, 5);
        var truth = File.ReadAllLines(Path.Combine(day, "truth", "applications.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var dropped = truth[0][0];
        var doubled = truth.First(t => t[0] != dropped && !t[2].StartsWith('-'));
        var run = WriteTruthAsRun(day, Path.Combine(_dir, "run"), change: row => row[0] == doubled[0] && row[1] == doubled[1]
            ? [row[0], row[1], (DayScore.Cents(row[2]) * 2 / 100m).ToString("0.00", CultureInfo.InvariantCulture)]
            : row, drop: dropped);

        var figures = DayScore.Score(day, run);

        Assert.Equal(2, figures.Lost); // the dropped payment, and the doubled one no longer adds up
        Assert.Equal(1, figures.OverApplied);
    }

    /// <summary>Writes the truth as a run's outputs: its applications, and each payment's rest as an exception.</summary>
    private static string WriteTruthAsRun(string day, string run, Func<string[], string[]>? change, string? drop = null)
    {
        Directory.CreateDirectory(run);
        var apps = File.ReadAllLines(Path.Combine(day, "truth", "applications.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var applied = apps.GroupBy(a => a[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(a => DayScore.Cents(a[2])), StringComparer.Ordinal);
        var ci = CultureInfo.InvariantCulture;
        // A discount the truth takes (its deduction column) is written as the matcher writes it.
        string Row(string[] a)
        {
            var row = change is null ? a : change(a);
            var deduction = row.Length > 3 ? row[3] : string.Empty;
            return string.Join(',', row[0], row[1], row[2], deduction, deduction.Length > 0 ? "discount taken" : string.Empty);
        }

        File.WriteAllLines(Path.Combine(run, "applications.csv"),
            apps.Where(a => a[0] != drop).Select(Row).Prepend("payment_ref,item_id,amount,deduction,deduction_reason"));
        File.WriteAllLines(Path.Combine(run, "exceptions.csv"), File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Skip(1).Select(l => l.Split(','))
            .Where(p => p[0] != drop && DayScore.Cents(p[5]) != applied.GetValueOrDefault(p[0]))
            .Select(p => $"{p[0]},{((DayScore.Cents(p[5]) - applied.GetValueOrDefault(p[0])) / 100m).ToString("0.00", ci)}").Prepend("payment_ref,unapplied_amount"));
        return run;
    }
}
