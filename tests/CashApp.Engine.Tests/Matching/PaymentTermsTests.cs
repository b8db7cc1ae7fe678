using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Payment terms (issue 15): an early-payment discount taken within its days closes the items it was taken on, with
/// the discount as a deduction "discount taken"; taken late, of the wrong size, or without a date to hold against the
/// days, it is an exception whose first suggestion is the items. Items without terms are decided as before.
/// </summary>
public sealed class PaymentTermsTests
{
    private static readonly DateOnly Doc = new(2026, 11, 1);
    private static readonly DateOnly InDays = new(2026, 11, 8);
    private static readonly DateOnly LastDay = new(2026, 11, 11);
    private static readonly DateOnly Late = new(2026, 11, 12);

    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.")
        .Customer("C2", "Maple Labs LLC")
        .TermsInvoice("AR1", "C1", "INV-1004567", 1_000_00, "2/10 NET 30")
        .TermsInvoice("AR2", "C1", "INV-1004568", 500_00, "1/10 NET 45")
        .TermsInvoice("AR3", "C1", "INV-1004569", 300_00, "NET 30")
        .Invoice("AR9", "C2", "INV-1004570", 2_000_00);

    [Theory]
    [InlineData("2026-11-08")]
    [InlineData("2026-11-11")]
    public void Match_DiscountTakenWithinItsDays_ClosesTheItemWithTheDiscountAsDeduction(string paid)
    {
        var result = Ledger().PayOn("P1", 980_00, DateOnly.Parse(paid, System.Globalization.CultureInfo.InvariantCulture), text: "INV-1004567").Run();
        var application = Assert.Single(result.Applications);
        Assert.Equal(("AR1", 980_00L, 20_00L, CashMatcher.DiscountTaken), (application.ItemId, application.Amount.Minor, application.DeductionMinor, application.DeductionReason));
        Assert.Empty(result.Exceptions);
        Assert.Contains("2/10 NET 30", application.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_DiscountTaken_LeavesNothingOpenOnTheItem()
    {
        var scenario = Ledger().PayOn("P1", 980_00, InDays, text: "INV-1004567");
        var matcher = new CashMatcher(scenario.Items, scenario.Customers, MatchPolicy.Default);
        matcher.Match(scenario.Payments);
        Assert.Equal(0, matcher.RemainingMinor("AR1"));
    }

    [Fact]
    public void Propose_DiscountTaken_GivesBackTheDeductionToo()
    {
        var scenario = Ledger().PayOn("P1", 980_00, InDays, text: "INV-1004567");
        var matcher = new CashMatcher(scenario.Items, scenario.Customers, MatchPolicy.Default);
        Assert.Equal(20_00, Assert.Single(matcher.Propose(scenario.Payments).Applications).DeductionMinor);
        Assert.Equal(1_000_00, matcher.RemainingMinor("AR1"));
    }

    [Fact]
    public void Match_SameShortPaymentWithoutTerms_TakesNoDiscount()
    {
        // Nothing changes without terms: 20.00 short of an invoice, quoted in free text by a payer nobody knows, is doubted.
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("AR1", "C1", "INV-1004567", 1_000_00)
            .PayOn("P1", 980_00, InDays, text: "INV-1004567").Run();
        Assert.All(result.Applications, a => Assert.Equal(0, a.DeductionMinor));
        Assert.Empty(result.Applications);
        Assert.Equal(980_00, result.ExceptionFor("P1")!.Unapplied.Minor);
    }

    [Fact]
    public void Match_DiscountTakenAfterItsDays_IsAnExceptionWithTheDiscountedItemFirst()
    {
        var result = Ledger().PayOn("P1", 980_00, Late, text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(980_00, exception.Unapplied.Minor);
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("discount", exception.Suggestions[0].Why, StringComparison.Ordinal);
        Assert.Contains("after the discount days", exception.Detail, StringComparison.Ordinal);
        Assert.Contains("until 2026-11-11", exception.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(970_00)]
    [InlineData(990_00)]
    [InlineData(979_98)]
    public void Match_DiscountOfTheWrongSize_IsAnExceptionWithTheDiscountedItemFirst(long paid)
    {
        var result = Ledger().PayOn("P1", paid, InDays, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("not the early-payment discount", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_ShortAfterTheDiscountDaysByOtherThanTheDiscount_IsDecidedAsWithoutTerms()
    {
        // A known payer 50.00 short of one quoted invoice, a month late: the short-payment rule reads it, as without terms.
        var result = Ledger().PayOn("P1", 950_00, Doc.AddDays(30), payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        var application = Assert.Single(result.Applications);
        Assert.Equal((950_00L, 0L), (application.Amount.Minor, application.DeductionMinor));
    }

    [Fact]
    public void Match_PaymentWithoutADate_CannotProveTheDiscountDays()
    {
        var result = Ledger().PayOn("P1", 980_00, null, text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        Assert.Contains("no date", result.ExceptionFor("P1")!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(98_24, 2_01)] // 2 % of 100.25 is 2.005, rounded half away from zero
    [InlineData(98_25, 2_00)] // the payer rounded the discount down
    [InlineData(98_23, 2_02)] // the payer rounded it up a cent more
    public void Match_PayersRoundingOfOneMinorUnit_IsAccepted(long paid, long deduction)
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .TermsInvoice("AR1", "C1", "INV-1004567", 100_25, "2/10 NET 30")
            .PayOn("P1", paid, InDays, text: "INV-1004567").Run();
        var application = Assert.Single(result.Applications);
        Assert.Equal((paid, deduction), (application.Amount.Minor, application.DeductionMinor));
    }

    [Fact]
    public void Match_TwoMinorUnitsOffTheDiscount_IsAnException()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .TermsInvoice("AR1", "C1", "INV-1004567", 100_25, "2/10 NET 30")
            .PayOn("P1", 98_22, InDays, text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
    }

    [Fact]
    public void Match_SeveralInvoicesEachDiscounted_ClosesEachWithItsOwnDiscount()
    {
        // 980.00 + 495.00, and the NET 30 invoice in full: 300.00.
        var result = Ledger().PayOn("P1", 1_775_00, InDays, text: "INV-1004567 INV-1004568 INV-1004569").Run();
        Assert.Empty(result.Exceptions);
        var byItem = result.Applications.ToDictionary(a => a.ItemId);
        Assert.Equal((980_00L, 20_00L), (byItem["AR1"].Amount.Minor, byItem["AR1"].DeductionMinor));
        Assert.Equal((495_00L, 5_00L), (byItem["AR2"].Amount.Minor, byItem["AR2"].DeductionMinor));
        Assert.Equal((300_00L, 0L), (byItem["AR3"].Amount.Minor, byItem["AR3"].DeductionMinor));
        Assert.Null(byItem["AR3"].DeductionReason);
    }

    [Fact]
    public void Match_OneInvoicePastItsDaysPaidInFull_TheOtherDiscounted()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .TermsInvoice("AR1", "C1", "INV-1004567", 1_000_00, "2/10 NET 30")
            .TermsInvoice("AR2", "C1", "INV-1004568", 500_00, "2/10 NET 30", docDate: Doc.AddDays(-20))
            .PayOn("P1", 1_480_00, InDays, text: "INV-1004567 INV-1004568").Run();
        Assert.Empty(result.Exceptions);
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 980_00, ["AR2"] = 500_00 }, result.AppliedFor("P1"));
        Assert.Equal(0, result.Applications.Single(a => a.ItemId == "AR2").DeductionMinor);
    }

    [Fact]
    public void Match_DiscountTakenOnAnInvoicePastItsDays_IsAnException()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .TermsInvoice("AR1", "C1", "INV-1004567", 1_000_00, "2/10 NET 30")
            .TermsInvoice("AR2", "C1", "INV-1004568", 500_00, "2/10 NET 30", docDate: Doc.AddDays(-20))
            .PayOn("P1", 1_470_00, InDays, text: "INV-1004567 INV-1004568").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(["AR1", "AR2"], result.ExceptionFor("P1")!.Suggestions[0].ItemIds);
    }

    [Fact]
    public void Match_LinesStatingTheDiscountedAmounts_CloseTheItems()
    {
        var result = Ledger().PayOn("P1", 1_475_00, LastDay, lines: [Line("INV-1004567", 980_00), Line("INV-1004568", 495_00)]).Run();
        Assert.Empty(result.Exceptions);
        Assert.Equal([20_00L, 5_00L], result.Applications.OrderBy(a => a.ItemId, StringComparer.Ordinal).Select(a => a.DeductionMinor));
    }

    [Fact]
    public void Match_LineTakingTheDiscountLate_IsAnException()
    {
        var result = Ledger().PayOn("P1", 1_475_00, Late, lines: [Line("INV-1004567", 980_00), Line("INV-1004568", 495_00)]).Run();
        Assert.Empty(result.Applications);
        Assert.Contains("after its discount days", result.ExceptionFor("P1")!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_LineShortByOtherThanTheDiscountWithinItsDays_IsAnException()
    {
        var result = Ledger().PayOn("P1", 1_450_00, InDays, payer: "HARBOR URBAN HEALTH", lines: [Line("INV-1004567", 950_00), Line("INV-1004568", 500_00)]).Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Contains("not the early-payment discount", exception.Detail, StringComparison.Ordinal);
        Assert.Equal(["AR1", "AR2"], exception.Suggestions[0].ItemIds);
    }

    [Fact]
    public void Match_LineShortByOtherThanTheDiscountAfterItsDays_IsAnOrdinaryLineDeduction()
    {
        // Past the discount days a short line is no discount: read as remitted, as without terms.
        var result = Ledger().PayOn("P1", 1_450_00, Late, payer: "HARBOR URBAN HEALTH", lines: [Line("INV-1004567", 950_00), Line("INV-1004568", 500_00)]).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 950_00, ["AR2"] = 500_00 }, result.AppliedFor("P1"));
        Assert.All(result.Applications, a => Assert.Equal(0, a.DeductionMinor));
    }

    [Fact]
    public void Match_PaidInFullWithinTheDays_TakesNoDiscount()
    {
        var result = Ledger().PayOn("P1", 1_000_00, InDays, text: "INV-1004567").Run();
        var application = Assert.Single(result.Applications);
        Assert.Equal((1_000_00L, 0L), (application.Amount.Minor, application.DeductionMinor));
    }
}
