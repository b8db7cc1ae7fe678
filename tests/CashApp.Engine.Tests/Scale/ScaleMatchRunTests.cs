using System.Globalization;
using CashApp.Engine.Batch;
using CashApp.ScaleGen;

namespace CashApp.Engine.Tests.Scale;

public sealed class ScaleMatchRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-scalerun").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunAsync_GeneratedDay_AccountsForEveryPaymentAndTimesEveryStage()
    {
        var day = Path.Combine(_dir, "day");
        ScaleDay.Run(new ScaleOptions { OutputDirectory = day, Seed = 5, Customers = 200, Payments = 300 });
        var output = Path.Combine(_dir, "run");
        var summary = await MatchRun.RunAsync(
            new MatchRunOptions
            {
                OpenItemsPath = Path.Combine(day, "open_items.csv"),
                CustomersPath = Path.Combine(day, "customers.csv"),
                BankFiles = [Path.Combine(day, "bank", "day.bai2"), Path.Combine(day, "bank", "day.camt053.xml"), Path.Combine(day, "bank", "day.lockbox.txt")],
                OutputDirectory = output,
            },
            progress: null);

        Assert.Equal(300, summary.Payments);
        Assert.Equal(["check", "index", "load customers", "load open items", "match", "parse", "write"], summary.Stages.Select(s => s.Stage).Order(StringComparer.Ordinal));
        Assert.All(summary.Stages, s => Assert.True(s.PeakWorkingSetBytes > 0, s.Stage));

        // The index and the match run alone. The loads may overlap (they start together), and so may the check and the
        // write (the files are written while the books are checked), each only with its own kind; whether they do on a
        // day this small is the scheduler's, so only the bounds are asserted. Whatever overlaps
        // is said on both sides and measured together over a window that holds each member's.
        var byName = summary.Stages.ToDictionary(s => s.Stage, StringComparer.Ordinal);
        foreach (var alone in new[] { "index", "match" })
        {
            Assert.Empty(byName[alone].Overlaps);
            Assert.DoesNotContain(summary.OverlappingStages, g => g.Stages.Contains(alone));
        }

        Assert.All(byName["check"].Overlaps, other => Assert.Equal("write", other));
        Assert.All(byName["write"].Overlaps, other => Assert.Equal("check", other));
        Assert.True(byName["check"].Started >= byName["match"].Started + byName["match"].Elapsed);
        Assert.True(byName["write"].Started >= byName["match"].Started + byName["match"].Elapsed);

        foreach (var stage in summary.Stages)
        {
            Assert.All(stage.Overlaps, other => Assert.Contains(stage.Stage, byName[other].Overlaps));
        }

        Assert.True(byName["index"].Started >= summary.Stages.Where(s => s.Stage.StartsWith("load", StringComparison.Ordinal) || s.Stage == "parse").Max(s => s.Started + s.Elapsed));
        Assert.Equal(
            summary.Stages.Where(s => s.Overlaps.Count > 0).Select(s => s.Stage).Order(StringComparer.Ordinal),
            summary.OverlappingStages.SelectMany(g => g.Stages).Order(StringComparer.Ordinal));
        foreach (var group in summary.OverlappingStages)
        {
            var members = group.Stages.Select(n => byName[n]).ToList();
            Assert.Equal(members.Max(m => m.Started + m.Elapsed) - members.Min(m => m.Started), group.Elapsed);
            Assert.All(members, m => Assert.True(group.Cpu >= m.Cpu && group.AllocatedBytes >= m.AllocatedBytes && group.GcPause >= m.GcPause, m.Stage));
        }

        // Nothing lost: applied plus unapplied is each payment, as score.py counts it.
        var truth = File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => Cents(f[4]), StringComparer.Ordinal);
        var accounted = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (file, column) in new[] { ("applications.csv", 2), ("exceptions.csv", 1) })
        {
            foreach (var line in File.ReadAllLines(Path.Combine(output, file)).Skip(1))
            {
                var f = line.Split(',');
                accounted[f[0]] = accounted.GetValueOrDefault(f[0]) + Cents(f[column]);
            }
        }

        Assert.Equal(truth.OrderBy(p => p.Key, StringComparer.Ordinal), accounted.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static long Cents(string amount) => (long)Math.Round(decimal.Parse(amount, CultureInfo.InvariantCulture) * 100);
}
