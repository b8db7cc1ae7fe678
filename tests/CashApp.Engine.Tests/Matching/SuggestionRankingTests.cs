using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Xunit;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Why each suggestion below the first ranks lower, in words a specialist can check (issue 17).</summary>
public sealed class SuggestionRankingTests
{
    private static readonly Money TenThousand = new(10_000_00, Usd);

    private static SuggestionFacts Facts(
        string why,
        long covered,
        double confidence = 0.7,
        SuggestionPayer payer = SuggestionPayer.PayersFamily,
        string[]? items = null,
        string[]? notOpen = null,
        string[]? families = null) =>
        new(items ?? ["AR1"], confidence, why, covered, notOpen ?? [], families ?? ["C1 Contoso"], payer);

    [Fact]
    public void WhyLower_FirstSuggestion_HasNoReasonAndEachLaterOneHasOne()
    {
        var reasons = SuggestionRanking.WhyLower(
            [Facts("'F-1' quoted, 10000.00 open", 10_000_00), Facts("'F-2' quoted, 9800.00 open", 9_800_00, items: ["AR2"])],
            TenThousand);

        Assert.Null(reasons[0]);
        Assert.Equal("covers 9,800.00 of 10,000.00, 200.00 short", reasons[1]);
    }

    [Fact]
    public void WhyLower_CoversMore_SaysOverAndTheConfidences()
    {
        var reason = SuggestionRanking.WhyLower(Facts("'F-1' quoted, 10000.00 open", 10_000_00), Facts("'F-2' quoted, 10250.00 open", 10_250_00, confidence: 0.6), TenThousand);

        Assert.Equal("covers 10,250.00 of 10,000.00, 250.00 over (confidence 60% against 70%)", reason);
    }

    [Fact]
    public void WhyLower_SameAmountOtherFamily_SaysAmountMatchesButPayerIsAnotherFamily()
    {
        var reason = SuggestionRanking.WhyLower(
            Facts("open item of the amount", 10_000_00, 0.5),
            Facts("open item of the amount", 10_000_00, 0.5, SuggestionPayer.OtherFamily, ["AR9"], families: ["C9 Fabrikam"]),
            TenThousand);

        Assert.Equal("amount matches but the items belong to another family (C9 Fabrikam) than the payer's", reason);
    }

    [Fact]
    public void WhyLower_PayerUnknownAndFamiliesDiffer_ComparesWithTheSuggestionAbove()
    {
        var reason = SuggestionRanking.WhyLower(
            Facts("open item of the amount", 10_000_00, 0.5, SuggestionPayer.Unknown),
            Facts("open item of the amount", 10_000_00, 0.5, SuggestionPayer.Unknown, ["AR9"], families: ["C9 Fabrikam"]),
            TenThousand);

        Assert.Equal("another family (C9 Fabrikam) than the suggestion above (C1 Contoso), and the payer is not known", reason);
    }

    [Fact]
    public void WhyLower_NearReferenceUnderExact_SaysHowManyEdits()
    {
        var reason = SuggestionRanking.WhyLower(Facts("'F-10001' quoted, 10000.00 open", 10_000_00), Facts("near 'F-10001' (1 edit)", 10_000_00, 0.4, items: ["AR2"]), TenThousand);

        Assert.Equal("reference near match (1 edit) instead of exact (confidence 40% against 70%)", reason);
    }

    [Fact]
    public void WhyLower_TwoNearReferences_SaysTheLowerOneIsMoreEditsAway()
    {
        var reason = SuggestionRanking.WhyLower(Facts("near 'F-10001' (1 edit)", 10_000_00, 0.4), Facts("near 'F-10001' (2 edits)", 10_000_00, 0.4, items: ["AR2"]), TenThousand);

        Assert.Equal("reference 2 edits away instead of 1 edit", reason);
    }

    [Fact]
    public void WhyLower_ClosedItemAndShortAndAmountOnly_GivesEveryReasonInOrder()
    {
        var reason = SuggestionRanking.WhyLower(
            Facts("'F-1' quoted, 10000.00 open", 10_000_00),
            Facts("2 items summing to the amount", 4_000_00, 0.4, items: ["AR2", "AR3"], notOpen: ["AR3"]),
            TenThousand);

        Assert.Equal("AR3 is no longer open; covers 4,000.00 of 10,000.00, 6,000.00 short; no reference names it: amount only (confidence 40% against 70%)", reason);
    }

    [Fact]
    public void WhyLower_BothCoverTheAmount_MoreItemsIsTheReason()
    {
        var reason = SuggestionRanking.WhyLower(
            Facts("open item of the amount", 10_000_00, 0.5),
            Facts("2 items summing to the amount", 10_000_00, 0.4, items: ["AR2", "AR3"]),
            TenThousand);

        Assert.Equal("covers the amount too, but with 2 items instead of 1 (confidence 40% against 50%)", reason);
    }

    [Fact]
    public void WhyLower_NothingTellsThemApartButConfidence_SaysSo()
    {
        var lower = SuggestionRanking.WhyLower(Facts("closest open amount 9000.00", 9_000_00, 0.4), Facts("closest open amount 9000.00", 9_000_00, 0.3, items: ["AR2"]), TenThousand);
        var tie = SuggestionRanking.WhyLower(Facts("some other words", 10_000_00, 0.5), Facts("some other words", 10_000_00, 0.5, items: ["AR2"]), TenThousand);

        Assert.Equal("lower confidence (30% against 40%) on the same kind of evidence", lower);
        Assert.Equal("ties with the suggestion above (50%); matching listed it first", tie);
    }

    [Theory]
    [InlineData("'INV-1' quoted, 100.00 open", SuggestionEvidence.ExactReference, null)]
    [InlineData("near 'INV-1' (1 edit)", SuggestionEvidence.NearReference, 1)]
    [InlineData("near 'INV-1' (3 edits)", SuggestionEvidence.NearReference, 3)]
    [InlineData("the quoted items and an unquoted item of the rest", SuggestionEvidence.QuotedAndRest, null)]
    [InlineData("open item of the amount", SuggestionEvidence.AmountOnly, null)]
    [InlineData("unquoted open item of the amount paid", SuggestionEvidence.AmountOnly, null)]
    [InlineData("3 items summing to the amount", SuggestionEvidence.AmountOnly, null)]
    [InlineData("closest open amount 9000.00", SuggestionEvidence.ClosestAmount, null)]
    [InlineData("F-70001 by reference", SuggestionEvidence.ExactReference, null)]
    [InlineData("PO 4711 -> F-70001 + F-70002 by reference", SuggestionEvidence.ExactReference, null)]
    [InlineData("F-70001 + F-70002 ('F-7OOO2', 2 edits) by reference", SuggestionEvidence.NearReference, 2)]
    [InlineData("F-70002 (read 'F-7OOO2' as OCR look-alike) by reference", SuggestionEvidence.NearReference, 1)]
    [InlineData("quoted, of customer C1", SuggestionEvidence.ExactReference, null)]
    [InlineData("family's only open item of the amount", SuggestionEvidence.AmountOnly, null)]
    [InlineData("payer by account", SuggestionEvidence.Other, null)]
    public void EvidenceOf_MatcherWording_IsRead(string why, SuggestionEvidence evidence, int? edits) =>
        Assert.Equal((evidence, edits), SuggestionRanking.EvidenceOf(why));

    [Fact]
    public void EvidenceOf_TheMatchersOwnSuggestions_AreReadAsTheirEvidence()
    {
        // One invoice number that two unrelated customers both have, quoted by an unknown payer: the matcher
        // refers it with a suggestion per item. Its wording must read as an exact reference, or the ranking's
        // words drift from what the matcher writes.
        var result = new MatchingScenario()
            .Customer("C1", "Contoso Ltd")
            .Customer("C2", "Fabrikam GmbH")
            .Invoice("AR1", "C1", "F-70001", 1_000_00)
            .Invoice("AR2", "C2", "F-70001", 1_000_00)
            .Pay("P1", 1_000_00, text: "INVOICE F-70001")
            .Run();

        var exception = result.ExceptionFor("P1");
        Assert.True(exception is not null, "the payment was applied: " + string.Join(", ", result.Applications.Select(a => a.ItemId)));
        Assert.True(exception.Suggestions.Count >= 2, string.Join(" | ", exception.Suggestions.Select(s => s.Why)));
        Assert.All(exception.Suggestions, s => Assert.Equal(SuggestionEvidence.ExactReference, SuggestionRanking.EvidenceOf(s.Why).Evidence));
    }

    [Property(MaxTest = 200, Replay = "(17,17)")]
    public bool WhyLower_AnyFacts_OneEntryPerSuggestionAndOnlyTheFirstIsNull(NonNegativeInt[] covered)
    {
        var facts = covered.Select((c, i) => Facts("open item of the amount", c.Get, 0.5, items: [$"AR{i}"])).ToList();
        var reasons = SuggestionRanking.WhyLower(facts, TenThousand);
        return reasons.Count == facts.Count && reasons.Select((r, i) => (r is null) == (i == 0)).All(ok => ok);
    }
}
