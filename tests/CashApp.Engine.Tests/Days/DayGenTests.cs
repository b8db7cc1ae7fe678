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
        File.WriteAllLines(Path.Combine(run, "applications.csv"),
            apps.Where(a => a[0] != drop).Select(a => string.Join(',', change is null ? a : change(a))).Prepend("payment_ref,item_id,amount"));
        File.WriteAllLines(Path.Combine(run, "exceptions.csv"), File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Skip(1).Select(l => l.Split(','))
            .Where(p => p[0] != drop && DayScore.Cents(p[5]) != applied.GetValueOrDefault(p[0]))
            .Select(p => $"{p[0]},{((DayScore.Cents(p[5]) - applied.GetValueOrDefault(p[0])) / 100m).ToString("0.00", ci)}").Prepend("payment_ref,unapplied_amount"));
        return run;
    }
}
