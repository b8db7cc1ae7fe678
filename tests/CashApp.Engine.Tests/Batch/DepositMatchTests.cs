using System.Text;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp match</c> with a day's files given at once: a lockbox deposit in the BAI2 file and its checks in the
/// lockbox file, a camt.053 entry without details and its camt.054 notification. The files are written by the
/// project's own writers. The checks (or notified transactions) are applied; the deposit never is, and it is
/// listed as reconciled, or as a deposit_mismatch naming both files.
/// </summary>
[Collection("Console")]
public sealed class DepositMatchTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-deposits").FullName;

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
            AR4,INV,C4,Delta Werke AG,INV-2002,,EUR,300.00,2026-10-04,2026-11-03
            AR5,INV,C5,Echo Freight LLC,INV-3001,,USD,75.25,2026-10-05,2026-11-04

            """.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>A BAI2 day: a lockbox deposit of <paramref name="depositMinor"/> naming lockbox 0012345, and an ACH payment quoting INV-3001.</summary>
    private string WriteBai2(long depositMinor, params TestDetail[] more)
    {
        var file = new TestFile("BANK", "ACME", Day, [
            new TestGroup("BANK", Day, "USD", [
                new TestAccount("123456789", "USD", [], [
                    new TestDetail(115, depositMinor, "Z", "LBX0012345", string.Empty, "LOCKBOX DEPOSIT 2 ITEMS"),
                    new TestDetail(165, 75_25, "Z", "ACH000777", string.Empty, "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001"),
                    .. more,
                ]),
            ]),
        ]);
        var path = PathOf("day.bai2");
        File.WriteAllBytes(path, Bai2TestWriter.Render(file));
        return path;
    }

    /// <summary>Lockbox 0012345 of the day: two checks, for INV-1001 and INV-1002, 1,250.00 together.</summary>
    private string WriteLockbox()
    {
        var checks = new List<LockboxCheckModel>
        {
            new("001", 1_000_00, "021000021", "111111111", "1001", "ACME CORPORATION", [("INV-1001", 1_000_00)]),
            new("002", 250_00, "021000021", "222222222", "1002", "BOLT INDUSTRIES", [("INV-1002", 250_00)]),
        };
        var text = LockboxWriter.Write(LockboxLayout.Default, [new LockboxModel("0012345", Day, [new LockboxBatchModel("001", checks)])], new LockboxWriterOptions { NewLine = "\n" });
        var path = PathOf("day.lockbox.txt");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A camt.053 entry E-77 booked without details, and the camt.054 entry E-77 with its two transactions.</summary>
    private (string Statement, string Notification) WriteCamt(long entryMinor)
    {
        var eur = new CurrencyCode("EUR");
        var lump = new EntryModel(entryMinor, eur, Direction.Credit, "BOOK", false, "E-77", null, Day, []);
        var details = new List<DetailModel>
        {
            new(1_200_00, Direction.Credit, "T-771", null, "COBALT TRADING GMBH", null, null, [], [("INV-2001", "CINV", 1_200_00)]),
            new(300_00, Direction.Credit, "T-772", null, "DELTA WERKE AG", null, null, [], [("INV-2002", "CINV", 300_00)]),
        };
        var notified = lump with { Amount = 1_500_00, Details = details };
        var statement = PathOf("day.camt053.xml");
        var notification = PathOf("day.camt054.xml");
        File.WriteAllBytes(statement, CamtWriter.Write(new StatementModel(8, false, null, [lump])));
        File.WriteAllBytes(notification, CamtWriter.Write(new StatementModel(8, true, null, [notified])));
        return (statement, notification);
    }


    private async Task<(string Out, string Error)> Match(params string[] bank)
    {
        var output = PathOf("run-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = ["match", "--open-items", WriteOpenItems(), .. bank.SelectMany(b => new[] { "--bank", b }), "--out", output];
        var (code, error) = await CliRun.Run(args);
        Assert.True(code == 0, error);
        await AssertEveryCreditAccountedFor(bank, output);
        return (output, error);
    }



    /// <summary>CONTRACT.md: every credit is in applications or exceptions or both, and applied plus unapplied is the credit.</summary>
    private static async Task AssertEveryCreditAccountedFor(string[] bank, string output)
    {
        var applied = CliRun.Rows(Path.Combine(output, "applications.csv")).GroupBy(r => r["payment_ref"]).ToDictionary(g => g.Key, g => g.Sum(r => CliRun.Cents(r["amount"])));
        var unapplied = CliRun.Rows(Path.Combine(output, "exceptions.csv")).GroupBy(r => r["payment_ref"]).ToDictionary(g => g.Key, g => g.Sum(r => CliRun.Cents(r["unapplied_amount"])));
        foreach (var path in bank)
        {
            var read = await BankFiles.ReadAllAsync(path, new BankFileReadOptions());
            foreach (var credit in read.Transactions.Where(t => t.Direction == Direction.Credit))
            {
                Assert.True(applied.ContainsKey(credit.PaymentRef) || unapplied.ContainsKey(credit.PaymentRef), $"{credit.PaymentRef} lost");
                Assert.Equal(credit.AmountMinor, applied.GetValueOrDefault(credit.PaymentRef) + unapplied.GetValueOrDefault(credit.PaymentRef));
            }
        }
    }

    [Fact]
    public async Task Match_LockboxDepositWithItsLockboxFile_AppliesTheChecksAndReconcilesTheDeposit()
    {
        var (output, error) = await Match(WriteBai2(1_250_00), WriteLockbox());

        var applications = CliRun.Rows(Path.Combine(output, "applications.csv"));
        Assert.Equal(
            ["0012345-001-001>AR1=1000.00", "0012345-001-002>AR2=250.00", "ACH000777>AR5=75.25"],
            applications.Select(a => $"{a["payment_ref"]}>{a["item_id"]}={a["amount"]}").Order(StringComparer.Ordinal));
        var exception = Assert.Single(CliRun.Rows(Path.Combine(output, "exceptions.csv")));
        Assert.Equal(("LBX0012345", "1250.00", "deposit_reconciled"), (exception["payment_ref"], exception["unapplied_amount"], exception["reason"]));
        Assert.Contains("day.lockbox.txt", exception["detail"], StringComparison.Ordinal);
        var deposit = Assert.Single(CliRun.Rows(Path.Combine(output, "deposits.csv")));
        Assert.Equal(("reconciled", "0012345", "1250.00", "0.00", "2"), (deposit["status"], deposit["key"], deposit["detail_total"], deposit["difference"], deposit["detail_count"]));
        Assert.Contains("deposits with detail 1: reconciled 1, differing 0", error, StringComparison.Ordinal);
        Assert.Contains("payments 3:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_LockboxDepositOfAnotherTotal_IsADepositMismatchNamingBothFilesAndTheChecksStillApply()
    {
        var bai2 = WriteBai2(1_200_00);
        var lockbox = WriteLockbox();
        var (output, error) = await Match(bai2, lockbox);

        Assert.Equal(3, CliRun.Rows(Path.Combine(output, "applications.csv")).Count);
        var exception = Assert.Single(CliRun.Rows(Path.Combine(output, "exceptions.csv")));
        Assert.Equal(("LBX0012345", "1200.00", "deposit_mismatch"), (exception["payment_ref"], exception["unapplied_amount"], exception["reason"]));
        Assert.Contains(bai2, exception["detail"], StringComparison.Ordinal);
        Assert.Contains(lockbox, exception["detail"], StringComparison.Ordinal);
        Assert.Contains("-50.00", exception["detail"], StringComparison.Ordinal);
        Assert.Equal(bai2, exception["source_file"]);
        var deposit = Assert.Single(CliRun.Rows(Path.Combine(output, "deposits.csv")));
        Assert.Equal(("differing", "1250.00", "-50.00"), (deposit["status"], deposit["detail_total"], deposit["difference"]));
        Assert.Contains("reconciled 0, differing 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_LockboxDepositAndItsItemsInTheBai2_ReconcilesEachAndAppliesEveryCheckOnce()
    {
        var (output, error) = await Match(
            WriteBai2(1_250_00, new TestDetail(116, 1_000_00, "Z", "LBXITEM01", string.Empty, "LOCKBOX 0012345 ITEM"), new TestDetail(116, 250_00, "Z", "LBXITEM02", string.Empty, "LOCKBOX 0012345 ITEM")),
            WriteLockbox());

        Assert.Equal(3, CliRun.Rows(Path.Combine(output, "applications.csv")).Count);
        Assert.Equal(
            ["LBX0012345 deposit_reconciled", "LBXITEM01 deposit_reconciled", "LBXITEM02 deposit_reconciled"],
            CliRun.Rows(Path.Combine(output, "exceptions.csv")).Select(e => $"{e["payment_ref"]} {e["reason"]}").Order(StringComparer.Ordinal));
        Assert.Equal(["lockbox", "lockbox_check", "lockbox_check"], CliRun.Rows(Path.Combine(output, "deposits.csv")).Select(d => d["detail_kind"]).Order(StringComparer.Ordinal));
        Assert.Contains("reconciled 3, differing 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_LockboxDepositWithoutItsLockboxFile_StaysAPaymentInExceptions()
    {
        var (output, error) = await Match(WriteBai2(1_250_00));

        var exception = Assert.Single(CliRun.Rows(Path.Combine(output, "exceptions.csv")));
        Assert.Equal(("LBX0012345", "1250.00"), (exception["payment_ref"], exception["unapplied_amount"]));
        Assert.DoesNotContain("deposit", exception["reason"], StringComparison.Ordinal);
        Assert.Empty(CliRun.Rows(Path.Combine(output, "deposits.csv")));
        Assert.DoesNotContain("deposits with detail", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_Camt053EntryWithoutDetailsAndItsCamt054_AppliesTheNotifiedTransactionsAndReconcilesTheEntry()
    {
        var (statement, notification) = WriteCamt(1_500_00);
        var (output, error) = await Match(statement, notification);

        Assert.Equal(
            ["T-771>AR3=1200.00", "T-772>AR4=300.00"],
            CliRun.Rows(Path.Combine(output, "applications.csv")).Select(a => $"{a["payment_ref"]}>{a["item_id"]}={a["amount"]}").Order(StringComparer.Ordinal));
        var exception = Assert.Single(CliRun.Rows(Path.Combine(output, "exceptions.csv")));
        Assert.Equal(("E-77#1", "deposit_reconciled"), (exception["payment_ref"], exception["reason"]));
        Assert.Contains(notification, exception["detail"], StringComparison.Ordinal);
        Assert.Contains("reconciled 1, differing 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_Camt053EntryOfAnotherTotal_IsADepositMismatch()
    {
        var (statement, notification) = WriteCamt(1_600_00);
        var (output, _) = await Match(statement, notification);

        Assert.Equal(2, CliRun.Rows(Path.Combine(output, "applications.csv")).Count);
        var exception = Assert.Single(CliRun.Rows(Path.Combine(output, "exceptions.csv")));
        Assert.Equal(("E-77#1", "1600.00", "deposit_mismatch"), (exception["payment_ref"], exception["unapplied_amount"], exception["reason"]));
        Assert.Contains(statement, exception["detail"], StringComparison.Ordinal);
        Assert.Contains(notification, exception["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_FilesInAnyOrder_WriteTheSameOutput()
    {
        var bai2 = WriteBai2(1_250_00);
        var lockbox = WriteLockbox();
        var (statement, notification) = WriteCamt(1_500_00);
        var (first, _) = await Match(bai2, lockbox, statement, notification);
        var (second, _) = await Match(notification, lockbox, statement, bai2);

        foreach (var name in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            var a = File.ReadAllLines(Path.Combine(first, name), Encoding.UTF8).Order(StringComparer.Ordinal);
            var b = File.ReadAllLines(Path.Combine(second, name), Encoding.UTF8).Order(StringComparer.Ordinal);
            Assert.Equal(a, b);
        }
    }
}
