using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp match</c> with a day's files that overlap: a day re-sent with a new <c>01</c> header beside the
/// original, an intraday BAI2 beside the end-of-day file, one entry in a camt.053 and a camt.054. Each payment is
/// applied once; the repeat is listed as a <c>duplicate</c> with nothing unapplied and the file that first brought
/// it, so that a scorer summing rows per payment reference finds every payment once, neither lost nor doubled.
/// The files are written by the project's own writers.
/// </summary>
[Collection("Console")]
public sealed class DuplicateMatchTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-duplicates").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WriteOpenItems()
    {
        var path = PathOf("open_items.csv");
        File.WriteAllText(path, """
            item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date
            AR1,INV,C1,Acme Corporation,INV-1001,,USD,1000.00,2026-10-01,2026-10-31
            AR2,INV,C2,Bolt Industries,INV-1002,,USD,250.00,2026-10-02,2026-11-01
            AR3,INV,C3,Cobalt Trading GmbH,INV-2001,,EUR,1200.00,2026-10-03,2026-11-02
            AR5,INV,C5,Echo Freight LLC,INV-3001,,USD,75.25,2026-10-05,2026-11-04

            """.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>The day's BAI2 details: two ACH payments quoting invoices, one without any reference, one nobody can place.</summary>
    private static readonly TestDetail[] DayDetails =
    [
        new(165, 1_000_00, "Z", "ACH000101", string.Empty, "ORIG CO NAME:ACME CORPORATION ENTRY DESCR:PAYMENT INV-1001"),
        new(165, 75_25, "Z", string.Empty, string.Empty, "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001"),
        new(165, 99_00, "Z", "ACH000103", string.Empty, "ORIG CO NAME:NOBODY WE KNOW ENTRY DESCR:THANKS"),
        new(165, 250_00, "Z", "ACH000102", string.Empty, "ORIG CO NAME:BOLT INDUSTRIES ENTRY DESCR:PAYMENT INV-1002"),
    ];

    /// <summary>A BAI2 file of the day, created on <paramref name="created"/> (a re-sent day has a new header).</summary>
    private string WriteBai2(string name, DateOnly created, IReadOnlyList<TestDetail> details)
    {
        var file = new TestFile("BANK", "ACME", created, [new TestGroup("BANK", Day, "USD", [new TestAccount("123456789", "USD", [], details)])]);
        var path = PathOf(name);
        File.WriteAllBytes(path, Bai2TestWriter.Render(file));
        return path;
    }

    /// <summary>Entry E-1 (two transactions, T-1 for INV-2001 and T-2 nobody can place) as a camt.054 or a camt.053.</summary>
    private string WriteCamt(string name, bool notification)
    {
        var eur = new CurrencyCode("EUR");
        var details = new List<DetailModel>
        {
            new(1_200_00, Direction.Credit, "T-1", null, "COBALT TRADING GMBH", null, null, [], [("INV-2001", "CINV", 1_200_00)]),
            new(40_00, Direction.Credit, "T-2", null, "SOMEONE ELSE", null, null, [], []),
        };
        var entry = new EntryModel(1_240_00, eur, Direction.Credit, "BOOK", false, "E-1", null, Day, details);
        var path = PathOf(name);
        File.WriteAllBytes(path, CamtWriter.Write(new StatementModel(8, notification, null, [entry])));
        return path;
    }


    private async Task<(string Out, string Error)> Match(params string[] bank)
    {
        var output = PathOf("run-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = ["match", "--open-items", WriteOpenItems(), .. bank.SelectMany(b => new[] { "--bank", b }), "--out", output];
        var (code, error) = await CliRun.Run(args);
        Assert.True(code == 0, error);
        return (output, error);
    }



    /// <summary>
    /// Read as cashbench's score.py reads: per payment reference, applied plus unapplied is the payment, once; no item
    /// is applied past its open amount. Every credit of every file has a row under its reference.
    /// </summary>
    private static async Task AssertEachPaymentOnce(string output, IReadOnlyDictionary<string, long> payments, params string[] bank)
    {
        var applied = CliRun.Rows(Path.Combine(output, "applications.csv")).GroupBy(r => r["payment_ref"]).ToDictionary(g => g.Key, g => g.Sum(r => CliRun.Cents(r["amount"])));
        var unapplied = CliRun.Rows(Path.Combine(output, "exceptions.csv")).GroupBy(r => r["payment_ref"]).ToDictionary(g => g.Key, g => g.Sum(r => CliRun.Cents(r["unapplied_amount"])));
        foreach (var (reference, amount) in payments)
        {
            Assert.True(applied.ContainsKey(reference) || unapplied.ContainsKey(reference), $"{reference} lost");
            Assert.True(amount == applied.GetValueOrDefault(reference) + unapplied.GetValueOrDefault(reference), $"{reference}: applied {applied.GetValueOrDefault(reference)} + unapplied {unapplied.GetValueOrDefault(reference)}, payment {amount}");
        }

        foreach (var path in bank)
        {
            var read = await BankFiles.ReadAllAsync(path, new BankFileReadOptions());
            foreach (var credit in read.Transactions.Where(t => t.Direction == Direction.Credit))
            {
                Assert.True(applied.ContainsKey(credit.PaymentRef) || unapplied.ContainsKey(credit.PaymentRef), $"{path}: {credit.PaymentRef} not listed");
            }
        }

        var perItem = CliRun.Rows(Path.Combine(output, "applications.csv")).GroupBy(r => r["item_id"]).ToDictionary(g => g.Key, g => g.Sum(r => CliRun.Cents(r["amount"])));
        Assert.True(perItem.GetValueOrDefault("AR1") <= 1_000_00 && perItem.GetValueOrDefault("AR2") <= 250_00 && perItem.GetValueOrDefault("AR5") <= 75_25 && perItem.GetValueOrDefault("AR3") <= 1_200_00);
    }

    [Fact]
    public async Task Match_DayResentWithANewHeaderBesideTheOriginal_AppliesEachPaymentOnceAndListsTheRepeats()
    {
        var day = WriteBai2("day.bai2", Day, DayDetails);
        var resent = WriteBai2("day-resent.bai2", Day.AddDays(1), DayDetails);
        Assert.NotEqual(File.ReadAllBytes(day), File.ReadAllBytes(resent));

        var (output, error) = await Match(day, resent);

        Assert.Equal(
            ["ACH000101>AR1=1000.00", "ACH000102>AR2=250.00", "L6>AR5=75.25"],
            CliRun.Rows(Path.Combine(output, "applications.csv")).Select(a => $"{a["payment_ref"]}>{a["item_id"]}={a["amount"]}").Order(StringComparer.Ordinal));
        var exceptions = CliRun.Rows(Path.Combine(output, "exceptions.csv"));
        var repeats = exceptions.Where(e => e["reason"] == "duplicate").ToList();
        Assert.Equal(4, repeats.Count);
        Assert.All(repeats, r => Assert.Equal(("0.00", resent), (r["unapplied_amount"], r["source_file"])));
        Assert.All(repeats, r => Assert.Contains(day, r["detail"], StringComparison.Ordinal));
        Assert.Equal(["1000.00", "250.00", "75.25", "99.00"], repeats.Select(r => r["payment_amount"]).Order(StringComparer.Ordinal));
        var unplaced = Assert.Single(exceptions, e => e["reason"] != "duplicate");
        Assert.Equal(("ACH000103", "99.00", day), (unplaced["payment_ref"], unplaced["unapplied_amount"], unplaced["source_file"]));
        Assert.Contains("payments 4:", error, StringComparison.Ordinal);
        Assert.Contains("credits already received in an earlier file 4: not applied again", error, StringComparison.Ordinal);
        await AssertEachPaymentOnce(output, new Dictionary<string, long> { ["ACH000101"] = 1_000_00, ["L6"] = 75_25, ["ACH000103"] = 99_00, ["ACH000102"] = 250_00 }, day, resent);
    }

    [Fact]
    public async Task Match_IntradayBesideEndOfDay_TheMorningsPaymentsApplyOnce()
    {
        // The intraday file has the first two details, in another order; the end-of-day file all four. The detail
        // without a bank reference is L4 in the morning and L6 at night: its content and ordinal make it one payment.
        var intraday = WriteBai2("intraday.bai2", Day, [DayDetails[1], DayDetails[0]]);
        var endOfDay = WriteBai2("eod.bai2", Day, DayDetails);

        var (output, error) = await Match(intraday, endOfDay);

        Assert.Equal(
            ["ACH000101>AR1=1000.00", "ACH000102>AR2=250.00", "L4>AR5=75.25"],
            CliRun.Rows(Path.Combine(output, "applications.csv")).Select(a => $"{a["payment_ref"]}>{a["item_id"]}={a["amount"]}").Order(StringComparer.Ordinal));
        var repeats = CliRun.Rows(Path.Combine(output, "exceptions.csv")).Where(e => e["reason"] == "duplicate").ToList();
        Assert.Equal(["ACH000101 0.00", "L6 0.00"], repeats.Select(r => $"{r["payment_ref"]} {r["unapplied_amount"]}").Order(StringComparer.Ordinal));
        Assert.All(repeats, r => Assert.Equal(endOfDay, r["source_file"]));
        Assert.Contains($"L4 in {intraday} line 4", repeats.Single(r => r["payment_ref"] == "L6")["detail"], StringComparison.Ordinal);
        Assert.Contains("payments 4:", error, StringComparison.Ordinal);
        Assert.Contains("credits already received in an earlier file 2:", error, StringComparison.Ordinal);
        await AssertEachPaymentOnce(output, new Dictionary<string, long> { ["ACH000101"] = 1_000_00, ["L4"] = 75_25, ["ACH000103"] = 99_00, ["ACH000102"] = 250_00 }, intraday, endOfDay);
    }

    [Fact]
    public async Task Match_OneEntryInACamt054AndTheCamt053_AppliesItsTransactionsOnce()
    {
        var notification = WriteCamt("day.camt054.xml", notification: true);
        var statement = WriteCamt("day.camt053.xml", notification: false);

        var (output, error) = await Match(notification, statement);

        var application = Assert.Single(CliRun.Rows(Path.Combine(output, "applications.csv")));
        Assert.Equal(("T-1", "AR3", "1200.00"), (application["payment_ref"], application["item_id"], application["amount"]));
        var exceptions = CliRun.Rows(Path.Combine(output, "exceptions.csv"));
        Assert.Equal(
            ["T-1 duplicate 0.00", "T-2 duplicate 0.00", "T-2 unknown_payer 40.00"],
            exceptions.Select(e => $"{e["payment_ref"]} {e["reason"]} {e["unapplied_amount"]}").Order(StringComparer.Ordinal));
        Assert.All(exceptions.Where(e => e["reason"] == "duplicate"), r => Assert.Contains(notification, r["detail"], StringComparison.Ordinal));
        Assert.Contains("payments 2:", error, StringComparison.Ordinal);
        await AssertEachPaymentOnce(output, new Dictionary<string, long> { ["T-1"] = 1_200_00, ["T-2"] = 40_00 }, notification, statement);
    }

    [Fact]
    public async Task Match_OneFileWithIdenticalCredits_HasNoDuplicates()
    {
        // Two identical credits without a reference in one file are two payments (ordinals tell them apart).
        var twice = WriteBai2("twice.bai2", Day, [DayDetails[2], DayDetails[2] with { BankRef = "ACH000103" }]);

        var (output, error) = await Match(twice);

        Assert.Equal(["ACH000103 99.00", "ACH000103 99.00"], CliRun.Rows(Path.Combine(output, "exceptions.csv")).Select(e => $"{e["payment_ref"]} {e["unapplied_amount"]}"));
        Assert.DoesNotContain("already received", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_IntradayAndEndOfDayCreditsWithoutBankReferenceButOtherCustomerReferences_AreTwoPayments()
    {
        // Equal but for the customer reference, which only a transaction's Extra holds: the key tells them apart,
        // however the run reads the files.
        var intraday = WriteBai2("intraday.bai2", Day, [new(165, 75_25, "Z", string.Empty, "CUST-1", "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001")]);
        var endOfDay = WriteBai2("eod.bai2", Day, [new(165, 75_25, "Z", string.Empty, "CUST-2", "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001")]);

        var (output, error) = await Match(intraday, endOfDay);

        Assert.DoesNotContain("already received", error, StringComparison.Ordinal);
        Assert.Contains("payments 2:", error, StringComparison.Ordinal);
        Assert.DoesNotContain(CliRun.Rows(Path.Combine(output, "exceptions.csv")), e => e["reason"] == "duplicate");
        // One of the two pays the item; the other, left with nothing to pay, is an exception, not a repeat.
        var application = Assert.Single(CliRun.Rows(Path.Combine(output, "applications.csv")));
        Assert.Equal(("AR5", "75.25"), (application["item_id"], application["amount"]));
        Assert.Contains(application["payment_ref"], new[] { "CUST-1", "CUST-2" });
    }
}
