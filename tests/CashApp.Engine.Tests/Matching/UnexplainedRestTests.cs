using CashApp.Engine.Model;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// What a payment's quotes leave unexplained (issue 15): a rest is booked on account only when it is
/// proven to be nobody's invoice; a short payment or bank fee only when nothing else explains it.
/// </summary>
public sealed class UnexplainedRestTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
        .Customer("C2", "Maple Labs LLC")
        .Invoice("AR1", "C1", "INV-1004567", 1_234_50)
        .Invoice("AR2", "C1", "INV-1004568", 500_00)
        .Invoice("AR3", "C1", "INV-1004569", 99_99)
        .Invoice("AR4", "C2", "INV-1004570", 2_000_00);

    [Fact]
    public void Match_RestIsAnUnquotedOpenItemOfThePayer_AppliesThatItemToo()
    {
        var result = Ledger().Pay("P1", 1_734_50, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["AR2"] = 500_00 }, result.AppliedFor("P1"));
        Assert.Empty(result.Exceptions);
        Assert.Contains("unquoted", result.Applications[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RestIsTheOnlyCombinationOfUnquotedItems_AppliesThem()
    {
        var result = Ledger().Pay("P1", 1_834_49, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["AR2"] = 500_00, ["AR3"] = 99_99 }, result.AppliedFor("P1"));
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_RestIsTheAmountOfTwoUnquotedItems_GoesToExceptionsWithTheFoundItemFirst()
    {
        var result = Ledger()
            .Invoice("AR5", "C1", "INV-1004580", 500_00)
            .Pay("P1", 1_734_50, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(1_734_50, exception.Unapplied.Minor);
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR1", "AR2"]));
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR1", "AR5"]));
    }

    [Fact]
    public void Match_RestIsAnItemOfACommonAmount_GoesToExceptions()
    {
        // 500.00 is an amount many customers owe: that the payer owes it too proves nothing.
        var scenario = Ledger();
        for (var c = 0; c < 40; c++)
        {
            scenario.Customer($"X{c}", $"Other Customer {c:00} Ltd").Invoice($"XI{c}", $"X{c}", $"INV-20{c:00}000", 500_00);
        }

        var result = scenario.Pay("P1", 1_734_50, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("chance", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_OverpaymentThatNoOpenItemMakes_StaysOnAccount()
    {
        var result = Ledger().Pay("P1", 1_300_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        Assert.Equal(ExceptionReason.Overpayment, result.ExceptionFor("P1")!.Reason);
        Assert.Equal(65_50, result.ExceptionFor("P1")!.Unapplied.Minor);
    }

    [Theory]
    [InlineData("INV-1004567 INV-1009999")]
    [InlineData("INV-1004567, 2026-0042, 1004567")]
    public void Match_OverpaymentWithADocumentNumberNamingNothing_GoesToExceptionsWithTheFoundItemFirst(string text)
    {
        var result = Ledger().Pay("P1", 1_300_00, payer: "HARBOR URBAN HEALTH", text: text).Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(1_300_00, exception.Unapplied.Minor);
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("names no open item", exception.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_200_00)] // a deduction
    [InlineData(1_214_50)] // a bank fee
    public void Match_ShortPaymentWithADocumentNumberNamingNothing_GoesToExceptions(long paid)
    {
        var result = Ledger().Pay("P1", paid, payer: "HARBOR URBAN HEALTH", text: "INV-1004567 INV-1009999").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(["AR1"], result.ExceptionFor("P1")!.Suggestions[0].ItemIds);
    }

    [Fact]
    public void Match_ShortPaymentOfExactlyAnotherOpenItem_GoesToExceptions()
    {
        var result = Ledger()
            .Invoice("AR5", "C1", "INV-1004580", 1_200_00)
            .Pay("P1", 1_200_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR5"]));
    }

    [Fact]
    public void Match_ShortPaymentWithNothingElseToExplainIt_StillAppliesAsADeduction()
    {
        var result = Ledger().Pay("P1", 1_200_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_200_00 }, result.AppliedFor("P1"));
    }
}
