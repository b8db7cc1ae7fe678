using System.Diagnostics;
using CashApp.Engine.Batch;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The accuracy bar of the matching issue, measured with ../shared/cashbench: for seeds 1, 2 and 3, and
/// with camt.053.001.02, hit rate at least 0.97 and precision at least 0.999, nothing lost or over-applied.
/// </summary>
public sealed class CashbenchAccuracyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashbench").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [InlineData(1, "08")]
    [InlineData(2, "08")]
    [InlineData(3, "08")]
    [InlineData(1, "02")]
    public async Task MatchRun_CashbenchDay_MeetsTheAccuracyBar(int seed, string camtVersion)
    {
        var day = Path.Combine(_dir, "day");
        Generate(day, seed, camtVersion);
        var run = Path.Combine(_dir, "run");
        await MatchRun.RunAsync(new MatchRunOptions
        {
            OpenItemsPath = Path.Combine(day, "open_items.csv"),
            CustomersPath = Path.Combine(day, "customers.csv"),
            BankFiles = [Path.Combine(day, "bank", "day.bai2"), Path.Combine(day, "bank", "day.camt053.xml"), Path.Combine(day, "bank", "day.lockbox.txt")],
            OutputDirectory = run,
        }, progress: null);

        var figures = Cashbench.Score(day, run);
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.OverApplied);
        Assert.True(figures.HitRate >= 0.97, $"seed {seed}: hit rate {figures.HitRate:F4}");
        Assert.True(figures.Precision >= 0.999, $"seed {seed}: precision {figures.Precision:F4}, wrong {figures.Wrong}");
    }

    private static void Generate(string day, int seed, string camtVersion)
    {
        var gen = TestPaths.SharedFile("cashbench", "gen.py");
        using var process = Process.Start(new ProcessStartInfo("python3")
        {
            ArgumentList = { gen, "--out", day, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--camt-version", camtVersion },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("python3 could not be started: cashbench needs it");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}
