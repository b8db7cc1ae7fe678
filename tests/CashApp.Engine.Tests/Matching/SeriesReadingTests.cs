using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A number met only without its letter prefix across two series of one ledger (issue 15): never decided by the
/// amount alone, but by the known payer's own ledger when it has one item of those digits and the amount agrees.
/// </summary>
public sealed class AcrossSeriesTests
{
    // After an acquisition both companies' series started near 1000: A-4521 (ours) and B-4521 (the acquired one's).
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
        .Customer("C2", "Maple Labs LLC", accounts: ["026009593:555666777"])
        .Invoice("A1", "C1", "A-4521", 1_234_50)
        .Invoice("B1", "C2", "B-4521", 777_00)
        .Invoice("B2", "C2", "B-4522", 90_00);

    [Theory]
    [InlineData(null, "021000021:123456789", "4521")] // known account
    [InlineData("HARBOR URBAN HEALTH INC", null, "4521")] // the customer's name
    [InlineData(null, "021000021:123456789", "INVOICE 4521")]
    public void Match_KnownPayerWithOneItemOfTheDigits_AppliesItsItem(string? payer, string? account, string text)
    {
        var result = Ledger().Pay("P1", 1_234_50, payer, account, text).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["A1"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_PayerNamedExactlyAndByABareAccountNumber_IsKnown()
    {
        // The wire names the originator's account number without its bank (weak), and the name exactly (strong).
        var result = Ledger().Pay("P1", 1_234_50, "HARBOR URBAN HEALTH INC", "123456789", "RE: 4521").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["A1"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_KnownPayerStructuredLinesOfStrippedNumbers_AppliesEachItsFamilysItem()
    {
        var result = Ledger().Pay("P1", 867_00, null, "026009593:555666777", null, Line("4521", 777_00), Line("4522", 90_00)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["B1"] = 777_00, ["B2"] = 90_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_PayerUnknown_StaysAnExceptionNamingBothSeries()
    {
        var result = Ledger().Pay("P1", 1_234_50, "SOMEONE ELSE GMBH", null, "4521").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(ExceptionReason.Ambiguous, exception.Reason);
        Assert.Contains("2 series", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_KnownPayerOwningItemsOfBothSeries_IsNotDecidedByTheAmount()
    {
        var result = Ledger().Invoice("B9", "C1", "B-4521", 50_00)
            .Pay("P1", 1_234_50, null, "021000021:123456789", "4521").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.Ambiguous, result.ExceptionFor("P1")!.Reason);
    }

    [Fact]
    public void Match_KnownPayerButTheAmountDisagrees_IsAnException()
    {
        // A short payment against a number the payer's ledger chose: the amount does not confirm the choice.
        var result = Ledger().Pay("P1", 1_200_00, null, "021000021:123456789", "4521").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(["A1"], result.ExceptionFor("P1")!.Suggestions[0].ItemIds);
    }

    [Fact]
    public void Match_KnownPayerWhoseFamilyHasNoItemOfTheDigits_IsNotNarrowedToAnother()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
            .Customer("C2", "Maple Labs LLC")
            .Customer("C3", "Bolt Chemicals Corp.")
            .Invoice("X1", "C1", "A-9999", 10_00)
            .Invoice("A1", "C2", "A-4521", 1_234_50)
            .Invoice("B1", "C3", "B-4521", 1_234_50)
            .Pay("P1", 1_234_50, null, "021000021:123456789", "4521").Run();
        Assert.Empty(result.Applications);
    }
}

/// <summary>Numbers the way payers and banks write them around AR's: lead words, yearly series, fiscal years (issue 15).</summary>
public sealed class NumberReadingTests
{
    [Fact]
    public void Match_LineWithLeadWordThenPrefixedNumber_MeetsThatSeriesOnly()
    {
        // "INV A-4521" is A-4521 as AR prints it, not a number met only without its prefix in two series.
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Customer("C2", "Maple Labs LLC")
            .Invoice("A1", "C1", "A-4521", 1_234_50)
            .Invoice("B1", "C2", "B-4521", 777_00)
            .Pay("P1", 1_234_50, null, null, null, Line("INV A-4521", 1_234_50, RemittanceKind.Invoice)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["A1"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_CreditMemoLineWithLeadWord_IsNetted()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("A1", "C1", "A-2140", 555_72)
            .CreditMemo("M1", "C1", "CM-372", 220_87)
            .Pay("P1", 334_85, null, null, null, Line("INV A-2140", 555_72), Line("INV CM-372", -220_87)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["A1"] = 555_72, ["M1"] = -220_87 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_LeadWordBeforeAnotherSeriesPrefix_DoesNotMeetTheInvoiceOfTheSameDigits()
    {
        // CM-4521 after a lead word is still a credit memo number, never invoice INV-4521.
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("I1", "C1", "INV-4521", 1_234_50)
            .CreditMemo("M1", "C1", "CM-7000", 10_00)
            .Pay("P1", 1_234_50, null, null, null, Line("PAYMENT CM-4521", 1_234_50)).Run();
        Assert.Empty(result.Applications);
    }

    [Theory]
    [InlineData("PAYMENT INV/2026/00421")] // the yearly number in free text, slashes and all
    [InlineData("PAYMENT 00421/2026")] // year last, no prefix: the payer vouches for it
    public void Match_YearlySeriesInFreeText_AppliesTheItem(string text)
    {
        // Three items of one amount: only the number, read whole, tells them apart.
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("I1", "C1", "INV/2026/00421", 1_512_37)
            .Invoice("I2", "C1", "INV/2026/00422", 1_512_37)
            .Invoice("I3", "C1", "INV/2025/00421", 1_512_37)
            .Pay("P1", 1_512_37, "HARBOR URBAN HEALTH INC", null, text).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["I1"] = 1_512_37 }, result.AppliedFor("P1"));
    }

    [Theory]
    [InlineData("9001234567/2026")]
    [InlineData("9001234567 2026")]
    public void Match_LineWithFiscalYearAfterTheNumber_AppliesTheItem(string reference)
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("I1", "C1", "9001234567", 2_603_63)
            .Invoice("I2", "C1", "9001234568", 311_79)
            .Pay("P1", 2_915_42, null, null, null, Line(reference, 2_603_63, RemittanceKind.Invoice), Line("9001234568", 311_79, RemittanceKind.Invoice)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["I1"] = 2_603_63, ["I2"] = 311_79 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_TwoNumbersJoinedBySlash_AreTwoQuotes()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("I1", "C1", "1026161", 100_00)
            .Invoice("I2", "C1", "1026146", 200_00)
            .Pay("P1", 300_00, null, null, "INV 1026161/1026146").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["I1"] = 100_00, ["I2"] = 200_00 }, result.AppliedFor("P1"));
    }
}
