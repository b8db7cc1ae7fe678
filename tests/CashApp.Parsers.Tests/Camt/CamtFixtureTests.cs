using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

public sealed class CamtFixtureTests
{
    public static IEnumerable<object[]> Accepted => CamtExpected.AcceptedFiles();

    public static IEnumerable<object[]> Rejected => CamtExpected.RejectedFiles();

    public static IEnumerable<object[]> Facts => CamtExpected.Facts;

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Read_ValidFixture_ReadsEveryEntry(string file)
    {
        var entries = CamtExpected.Entries(file);
        var transactions = CamtExpected.Transactions(file);
        // One transaction per TxDtls, or per entry without details or whose batch details carry no amounts.
        Assert.Equal(entries.Sum(e => e.Transactions.Count > 1 && e.Transactions.All(HasAmount) ? e.Transactions.Count : 1), transactions.Count);
        Assert.All(transactions, t => Assert.True(t.AmountMinor >= 0));
        Assert.All(transactions, t => Assert.False(string.IsNullOrEmpty(t.PaymentRef)));
    }

    private static bool HasAmount(CamtTransaction t) => (t.Amount ?? t.TransactionAmount ?? t.InstructedAmount) is not null;

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Read_InvalidFixture_ThrowsCamtFormatException(string file, string code)
    {
        var ex = Assert.Throws<CamtFormatException>(() => CamtExpected.Transactions(file));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void ReadEntries_Fixture_ReproducesExpectedCountsAndSums(string file, int statements, int entries, int details, string sums)
    {
        var read = CamtExpected.Entries(file);
        Assert.Equal(entries, read.Count);
        Assert.Equal(statements, CamtExpected.StatementCount(file));
        Assert.Equal(details, read.Sum(e => e.Transactions.Count));
        Assert.Equal(sums, CamtExpected.Sums(read));
    }
}
