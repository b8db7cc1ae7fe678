using CashApp.DayGen;
using CashApp.Engine.Batch;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The match run empties the <see cref="CashApp.Parsers.Common.BankTransaction.Extra"/> of every transaction it does not
/// read it of (<see cref="MatchRun.ReadsExtra"/>): on days of other banks' and payers' habits, and the demo, it writes
/// byte for byte what it writes with every transaction's whole <c>Extra</c>. A rule that starts to read <c>Extra</c>
/// without saying so in <see cref="MatchRun.ReadsExtra"/> shows here as soon as such a day has what it reads.
/// </summary>
public sealed class MatchRunExtraTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-run-extra").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("demo")]
    [InlineData("banktext")]
    [InlineData("global")]
    [InlineData("intl")]
    [InlineData("payers")]
    public async Task MatchRun_ExtraKeptOnlyWhereRead_WritesWhatTheRunWithEveryExtraWrites(string day)
    {
        MatchRunOptions options;
        if (day == "demo")
        {
            options = new MatchRunOptions
            {
                OpenItemsPath = TestPaths.Demo("open_items.csv"),
                CustomersPath = TestPaths.Demo("customers.csv"),
                BankFiles = [TestPaths.Demo("bank", "day.bai2"), TestPaths.Demo("bank", "day.camt053.xml"), TestPaths.Demo("bank", "day.lockbox.txt")],
                OutputDirectory = string.Empty,
            };
        }
        else
        {
            var folder = Path.Combine(_dir, day);
            DayBuilder.Run(new DayOptions { OutputDirectory = folder, Profile = DayGenProgram.ParseProfile(day), Seed = 29, Payments = 300 });
            options = new MatchRunOptions
            {
                OpenItemsPath = Path.Combine(folder, "open_items.csv"),
                CustomersPath = Path.Combine(folder, "customers.csv"),
                BankFiles = Directory.GetFiles(Path.Combine(folder, "bank")).Order(StringComparer.Ordinal).ToArray(),
                OutputDirectory = string.Empty,
            };
        }

        var kept = Path.Combine(_dir, day + "-kept");
        var whole = Path.Combine(_dir, day + "-whole");
        var keptRun = await MatchRun.RunAsync(options with { OutputDirectory = kept }, progress: null);
        var wholeRun = await MatchRun.RunAsync(options with { OutputDirectory = whole, KeepEveryExtra = true }, progress: null);

        Assert.True(keptRun.Payments > 0);
        Assert.Equal(wholeRun.Payments, keptRun.Payments);
        foreach (var name in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            var expected = await File.ReadAllTextAsync(Path.Combine(whole, name));
            var actual = await File.ReadAllTextAsync(Path.Combine(kept, name));
            Assert.True(expected == actual, $"{day}: {name} differs");
        }
    }
}
