using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A remittance of hundreds of lines (an EDI 820 with 300 RMR segments, a camt entry with 500 Strd blocks)
/// is decided line by line, never the first few applied and the rest called an overpayment (issue 15).
/// </summary>
public sealed class LongRemittanceTests
{
    private static MatchingScenario Ledger(int invoices)
    {
        var scenario = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
            .Customer("C2", "Maple Labs LLC")
            .Invoice("OTHER", "C2", "INV-9000001", 1_000_00);
        for (var i = 0; i < invoices; i++)
        {
            scenario.Invoice(ItemId(i), "C1", Number(i), AmountOf(i));
        }

        return scenario;
    }

    private static string ItemId(int i) => "AR" + i.ToString("0000", CultureInfo.InvariantCulture);

    private static string Number(int i) => "INV-" + (5_000_000 + (i * 7)).ToString(CultureInfo.InvariantCulture);

    private static long AmountOf(int i) => 100_00 + (i * 1_37);

    private static RemittanceLine[] Lines(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Line(Number(i), AmountOf(i), RemittanceKind.Invoice))];

    [Theory]
    [InlineData(13)]
    [InlineData(300)]
    [InlineData(500)]
    public void Match_EveryLineNamesItsInvoiceAndItsAmount_AppliesEveryLine(int count)
    {
        var total = Enumerable.Range(0, count).Sum(AmountOf);
        var result = Ledger(count).Pay("P1", total, "HARBOR URBAN HEALTH", null, null, Lines(count)).Run();
        Assert.Equal(count, result.AppliedFor("P1").Count);
        Assert.Equal(total, result.AppliedFor("P1").Values.Sum());
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_LongFreeTextListWithoutAmounts_AppliesWhenTheItemsAddUp()
    {
        const int count = 40;
        var total = Enumerable.Range(0, count).Sum(AmountOf);
        var text = string.Join(", ", Enumerable.Range(0, count).Select(Number));
        var result = Ledger(count).Pay("P1", total, payer: "HARBOR URBAN HEALTH", text: text).Run();
        Assert.Equal(count, result.AppliedFor("P1").Count);
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_OneOfManyLinesNamesNothing_NothingIsApplied()
    {
        const int count = 300;
        var lines = Lines(count);
        lines[250] = Line("INV-7777777", AmountOf(250), RemittanceKind.Invoice);
        var total = Enumerable.Range(0, count).Sum(AmountOf);
        var result = Ledger(count).Pay("P1", total, "HARBOR URBAN HEALTH", null, null, lines).Run();
        Assert.Empty(result.Applications);
        Assert.Equal(total, result.ExceptionFor("P1")!.Unapplied.Minor);
    }

    [Fact]
    public void Match_ManyLinesThatDoNotAddUp_GoesToExceptionsWithTheLinesFound()
    {
        const int count = 300;
        var total = Enumerable.Range(0, count).Sum(AmountOf) - 5_00;
        var result = Ledger(count).Pay("P1", total, "HARBOR URBAN HEALTH", null, null, Lines(count)).Run();
        Assert.Empty(result.Applications);
        Assert.Equal(count, result.ExceptionFor("P1")!.Suggestions[0].ItemIds.Count);
    }

    [Fact]
    public void Match_ManyLinesAndAnUnquotedInvoice_AppliesTheUnquotedOneTooOnlyWhenProven()
    {
        // The payer lists 20 invoices and pays a 21st it forgot to list: the rest is exactly that invoice.
        const int count = 21;
        var total = Enumerable.Range(0, count).Sum(AmountOf);
        var result = Ledger(count).Pay("P1", total, "HARBOR URBAN HEALTH", null, null, Lines(count - 1)).Run();
        Assert.Equal(count, result.AppliedFor("P1").Count);
        Assert.Empty(result.Exceptions);
    }
}
