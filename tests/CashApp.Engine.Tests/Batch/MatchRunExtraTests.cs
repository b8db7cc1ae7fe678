using CashApp.DayGen;
using CashApp.Engine.Batch;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The match run empties the <see cref="CashApp.Parsers.Common.BankTransaction.Extra"/> of every transaction it does not
/// read it of (<see cref="MatchRun.ReadsExtra"/>): on days of other banks' and payers' habits, and the demo, it writes
/// byte for byte what it writes with every transaction's whole <c>Extra</c>. One day is made of what the two declared
/// readers look at (a lockbox deposit naming its lockbox in its customer reference alone, a camt.053 entry without
/// details and its camt.054, an intraday and an end-of-day credit told apart by their customer references alone); the
/// others are for a rule that starts to read <c>Extra</c> without saying so in <see cref="MatchRun.ReadsExtra"/>.
/// </summary>
public sealed class MatchRunExtraTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-run-extra").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("deposits and repeats")]
    [InlineData("demo")]
    [InlineData("banktext")]
    [InlineData("global")]
    [InlineData("intl")]
    [InlineData("payers")]
    public async Task MatchRun_ExtraKeptOnlyWhereRead_WritesWhatTheRunWithEveryExtraWrites(string day)
    {
        MatchRunOptions options;
        if (day == "deposits and repeats")
        {
            options = DepositsAndRepeats(Path.Combine(_dir, "deposits"));
        }
        else if (day == "demo")
        {
            options = DemoDay.Options(string.Empty);
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

    /// <summary>The demo's ledger, and bank files whose outcome hangs on what only <c>Extra</c> holds.</summary>
    private static MatchRunOptions DepositsAndRepeats(string folder)
    {
        var day = new DateOnly(2026, 11, 20);
        Directory.CreateDirectory(folder);
        string Write(string name, byte[] bytes)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        byte[] Bai2(params TestDetail[] details) =>
            Bai2TestWriter.Render(new TestFile("BANK", "ACME", day, [new TestGroup("BANK", day, "USD", [new TestAccount("123456789", "USD", [], details)])]));

        // Reference, customer reference and text: the deposit's lockbox is in its customer reference only; the two
        // payments have no bank reference and differ only by their customer references.
        var deposit = new TestDetail(115, 1_250_00, "Z", "DEPOSIT", "LBX0012345", "LOCKBOX DEPOSIT");
        var payment = new TestDetail(165, 75_25, "Z", string.Empty, "CUST-1", "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001");
        var checks = new List<LockboxCheckModel>
        {
            new("001", 1_000_00, "021000021", "111111111", "1001", "ACME CORPORATION", [("INV-1001", 1_000_00)]),
            new("002", 250_00, "021000021", "222222222", "1002", "BOLT INDUSTRIES", [("INV-1002", 250_00)]),
        };
        var eur = new CurrencyCode("EUR");
        var lump = new EntryModel(1_500_00, eur, Direction.Credit, "BOOK", false, "E-77", null, day, []);
        var notified = lump with
        {
            Details =
            [
                new(1_200_00, Direction.Credit, "T-771", null, "COBALT TRADING GMBH", null, null, [], [("INV-2001", "CINV", 1_200_00)]),
                new(300_00, Direction.Credit, "T-772", null, "DELTA WERKE AG", null, null, [], [("INV-2002", "CINV", 300_00)]),
            ],
        };
        return new MatchRunOptions
        {
            OpenItemsPath = TestPaths.Demo("open_items.csv"),
            CustomersPath = TestPaths.Demo("customers.csv"),
            BankFiles =
            [
                Write("a-intraday.bai2", Bai2(payment)),
                Write("b-eod.bai2", Bai2(deposit, payment with { CustomerRef = "CUST-2" })),
                Write("c.lockbox.txt", System.Text.Encoding.ASCII.GetBytes(LockboxWriter.Write(LockboxLayout.Default, [new LockboxModel("0012345", day, [new LockboxBatchModel("001", checks)])], new LockboxWriterOptions { NewLine = "\n" }))),
                Write("d.camt053.xml", CamtWriter.Write(new StatementModel(8, false, null, [lump]))),
                Write("e.camt054.xml", CamtWriter.Write(new StatementModel(8, true, null, [notified]))),
            ],
            OutputDirectory = string.Empty,
        };
    }
}
