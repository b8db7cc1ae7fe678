using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A purchase order several open invoices share (issue 15): quoted alone, it proves the invoices of that PO whose sum
/// is the payment, when they are the only such set, single invoices included.
/// </summary>
public sealed class BlanketPoTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.")
        .Customer("C2", "Maple Labs LLC")
        .Invoice("AR1", "C1", "INV-1004567", 1_000_13, po: "4500012345")
        .Invoice("AR2", "C1", "INV-1004568", 2_500_41, po: "4500012345")
        .Invoice("AR3", "C1", "INV-1004569", 4_000_77, po: "4500012345")
        .Invoice("AR4", "C1", "INV-1004570", 777_00, po: "4500099999")
        .Invoice("AR9", "C2", "INV-1004571", 3_500_54);

    [Fact]
    public void Match_BlanketPoQuoted_AppliesTheOnlySetOfItsInvoicesOfThatSum()
    {
        var result = Ledger().Pay("P1", 6_501_18, text: "PO 4500012345").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR2"] = 2_500_41, ["AR3"] = 4_000_77 }, result.AppliedFor("P1"));
        Assert.Empty(result.Exceptions);
        Assert.Equal(MatchMethod.PurchaseOrder, result.Applications[0].Method);
        Assert.Contains("shared by 3 open invoices", result.Applications[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_BlanketPoWithTwoSetsOfThatSum_IsAmbiguous()
    {
        // 4,000.77 is AR3 alone, and AR1 + AR5 too: which the payer paid, the PO does not say. Before the rule, the
        // single invoice won.
        var result = Ledger()
            .Invoice("AR5", "C1", "INV-1004572", 3_000_64, po: "4500012345")
            .Pay("P1", 4_000_77, text: "PO 4500012345").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(ExceptionReason.Ambiguous, exception.Reason);
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR3"]));
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR1", "AR5"]));
    }

    [Fact]
    public void Match_BlanketPoAndAnInvoiceOfAnotherPo_AppliesBoth()
    {
        var result = Ledger().Pay("P1", 1_777_13, text: "PO 4500012345 INV-1004570").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_000_13, ["AR4"] = 777_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_BlanketPoWithNoSetOfThatSum_IsNotApplied()
    {
        var result = Ledger().Pay("P1", 1_234_56, text: "PO 4500012345").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(1_234_56, result.ExceptionFor("P1")!.Unapplied.Minor);
    }
}
