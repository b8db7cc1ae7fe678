using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

public sealed class CamtFixtureTests
{
    public static IEnumerable<object[]> Accepted => TestPaths.SharedRows(CamtExpected.AcceptedFiles, TestPaths.AbsentFile);

    public static IEnumerable<object[]> Rejected => CamtExpected.RejectedFiles();

    public static IEnumerable<object[]> Facts => CamtExpected.Facts;

    public static IEnumerable<object[]> Reconciles => CamtExpected.Reconciles;

    [SkippableTheory]
    [MemberData(nameof(Accepted))]
    public void Read_ValidFixture_ReadsEveryEntry(string file)
    {
        var entries = CamtExpected.Entries(file);
        var transactions = CamtExpected.Transactions(file);
        // One transaction per TxDtls, or per entry without details or whose batch details carry no amounts.
        Assert.Equal(entries.Sum(e => e.Transactions.Count > 1 && e.Transactions.All(t => HasAmount(t, e)) ? e.Transactions.Count : 1), transactions.Count);
        Assert.All(transactions, t => Assert.True(t.AmountMinor >= 0));
        Assert.All(transactions, t => Assert.False(string.IsNullOrEmpty(t.PaymentRef)));
    }

    private static bool HasAmount(CamtTransaction t, CamtEntry e) =>
        (t.Amount ?? t.TransactionAmount ?? t.InstructedAmount) is { } amount && amount.Currency.Code == e.Currency.Code;

    [SkippableTheory]
    [MemberData(nameof(Rejected))]
    public void Read_InvalidFixture_ThrowsCamtFormatException(string file, string code)
    {
        var ex = Assert.Throws<CamtFormatException>(() => CamtExpected.Transactions(file));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Facts))]
    public void ReadEntries_Fixture_ReproducesExpectedCountsAndSums(string file, int statements, int entries, int details, string sums)
    {
        var read = CamtExpected.Entries(file);
        Assert.Equal(entries, read.Count);
        Assert.Equal(statements, CamtExpected.StatementCount(file));
        Assert.Equal(details, read.Sum(e => e.Transactions.Count));
        Assert.Equal(sums, CamtExpected.Sums(read));
    }

    [SkippableTheory]
    [MemberData(nameof(Reconciles))]
    public void Read_StatedBalances_WarnExactlyWhenTheyDoNotReconcile(string file, bool reconciles)
    {
        var warnings = new List<ParseWarning>();
        _ = CamtExpected.Entries(file, warnings);
        Assert.Equal(!reconciles, warnings.Any(w => w.Code == CamtErrorCodes.BalanceMismatch));
    }

    [SkippableFact]
    public void Read_EveryValidFixture_WarningsAreOnlyKnownCodes()
    {
        var report = new List<string>();
        foreach (var file in CamtExpected.AcceptedFiles().Select(row => (string)row[0]))
        {
            var warnings = new List<ParseWarning>();
            _ = CamtExpected.Transactions(file, warnings);
            report.AddRange(warnings.Select(w => w.ToString()));
        }

        File.WriteAllLines(Path.Combine(Path.GetTempPath(), "camt-fixture-warnings.txt"), report);
        Assert.All(report, line => Assert.Contains("CAMT_", line, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task BankFiles_CamtFixture_IsDetectedAndReadAsync()
    {
        var result = await BankFiles.ReadAllAsync(TestPaths.ExternalFile("camt054/dvbern__lib-iso20022/camt_054_Beispiel_SammelbuchungEs.xml"), new BankFileReadOptions());
        Assert.Equal(BankFileFormat.Camt054, result.Format);
        Assert.Equal(11300, result.Transactions.Sum(t => t.AmountMinor));
        Assert.All(result.Transactions, t => Assert.Equal(BankFileFormat.Camt054, t.Format));
    }

    [SkippableFact]
    public async Task BankFiles_BadCamt_ThrowsBankFileFormatException()
    {
        var path = TestPaths.ExternalFile("camt053/sebastienrousseau__bankstatementparser/camt053_garbled_amount.xml");
        var ex = await Assert.ThrowsAsync<CamtFormatException>(() => BankFiles.ReadAllAsync(path, new BankFileReadOptions()));
        Assert.IsAssignableFrom<BankFileFormatException>(ex);
        Assert.Contains("'12..34'", ex.Message, StringComparison.Ordinal);
    }
}
