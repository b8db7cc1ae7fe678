using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

public sealed class CashMatcherTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
        .Customer("C2", "Maple Labs LLC", aliases: ["MAPLE RESEARCH"])
        .Customer("C3", "Pacific Outfitters Corp.", parent: "C4")
        .Customer("C4", "Pacific Holdings Group")
        .Invoice("AR1", "C1", "INV-1004567", 1_234_50, po: "PO-445566")
        .Invoice("AR2", "C1", "INV-1004568", 500_00)
        .Invoice("AR3", "C1", "INV-1004569", 99_99)
        .Invoice("AR4", "C2", "INV-1004570", 2_000_00, po: "4500001234")
        .Invoice("AR5", "C2", "INV-1004571", 2_000_00)
        .Invoice("AR6", "C3", "INV-1004572", 7_777_77)
        .CreditMemo("CM1", "C1", "CM-2000001", 100_00);

    [Theory]
    [InlineData("INV-1004567")]
    [InlineData("1004567")]
    [InlineData("inv 1004567")]
    [InlineData("#1004567")]
    [InlineData("INVOICE NO. 1004567")]
    [InlineData("0001004567")]
    [InlineData("1004567-01")]
    public void Match_QuotedInvoiceInAnySpelling_AppliesByExactReference(string text)
    {
        var result = Ledger().Pay("P1", 1_234_50, text: text).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.ExactReference, result.Applications.Single().Method);
        Assert.Contains("INV-1004567", result.Applications.Single().Explanation, StringComparison.Ordinal);
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_APaymentWithoutAReference_IsRefusedWithItsPlace()
    {
        // A library caller's mistake (the bank readers always give one): said with the payment's place, not a null
        // dereference from inside the sort. Two payments, so that the list is sorted at all.
        var first = Ledger().Pay("P1", 500_00).Payments[0];
        var second = new Payment(null!, new Money(500_00, Usd), null, null, [], null, "day.bai2", 7);
        var matcher = new CashMatcher(Ledger().Items, Ledger().Customers, MatchPolicy.Default);
        var thrown = Assert.Throws<ArgumentException>(() => matcher.Match([first, second]));
        Assert.Equal("payments", thrown.ParamName);
        Assert.StartsWith("payments[1] (day.bai2:7) has no PaymentRef.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_SeveralInvoicesQuoted_AppliesEach()
    {
        var result = Ledger().Pay("P1", 1_834_49, text: "INV 1004567, 1004568/1004569").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["AR2"] = 500_00, ["AR3"] = 99_99 }, result.AppliedFor("P1"));
    }

    [Theory]
    [InlineData("1OO4567")] // OCR: O for 0
    [InlineData("1004576")] // transposed digits
    [InlineData("104567")] // dropped digit
    [InlineData("10045677")] // extra digit
    public void Match_MistypedReferenceConfirmedByAmount_AppliesByFuzzyReference(string text)
    {
        var result = Ledger().Pay("P1", 1_234_50, text: "INV " + text).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        Assert.NotEqual(MatchMethod.ExactReference, result.Applications.Single().Method);
    }

    [Fact]
    public void Match_TypoThatIsAnotherInvoiceNumber_AppliesTheOneTheAmountConfirms()
    {
        // 1004568 exists (AR2, 500.00) but the payment is AR1's amount: a typo of 1004567.
        var result = Ledger().Pay("P1", 1_234_50, payer: "HARBOR URBAN HEALTH", text: "INV 1004568").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_MistypedReferenceWithoutAmountConfirmation_GoesToExceptions()
    {
        var result = Ledger().Pay("P1", 1_000_00, text: "INV 1004576").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(1_000_00, result.ExceptionFor("P1")!.Unapplied.Minor);
    }

    [Fact]
    public void Match_PurchaseOrderQuoted_AppliesToItsInvoice()
    {
        var result = Ledger().Pay("P1", 1_234_50, text: "PO 445566").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.PurchaseOrder, result.Applications.Single().Method);
    }

    [Fact]
    public void Match_DecoyPoEqualToAnotherCustomersInvoiceNumber_FollowsTheAmount()
    {
        // C9's PO 1004569 equals C1's invoice number 1004569 (99.99); the payment is C9's item's amount.
        var scenario = Ledger()
            .Customer("C9", "Summit Foods")
            .Invoice("AR9", "C9", "INV-3000001", 4_321_00, po: "1004569")
            .Pay("P1", 4_321_00, payer: "SUMMIT FOODS", text: "1004569");
        var result = scenario.Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR9"] = 4_321_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_NoReferenceTwoInvoicesOfTheAmount_IsAmbiguousException()
    {
        var result = Ledger().Pay("P1", 2_000_00, payer: "MAPLE LABS").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(ExceptionReason.Ambiguous, exception.Reason);
        Assert.Equal(["AR4", "AR5"], exception.Suggestions.SelectMany(s => s.ItemIds).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Match_NumberGivenTwiceInPlaceOfItsNeighbour_AppliesBoth()
    {
        // The payer copied 1365442 and forgot to change the copy to 1365441; the amount pays both.
        var scenario = new MatchingScenario()
            .Customer("C1", "Noble Washington Solutions Ltd", accounts: ["IT763767073613247936734"])
            .Invoice("A", "C1", "INV-1365441", 281_90)
            .Invoice("B", "C1", "INV-1365442", 1_250_65)
            .Invoice("X", "C1", "INV-1365448", 775_00)
            .Pay("P1", 1_532_55, payer: "NOBLE WASHINGTN SOL", account: "IT763767073613247936734", text: "INVOICES 1365442 & 1365442")
            .Pay("P2", 775_00, payer: "NOBLE WASHINGTN SOL", text: "INV 1365448 INV 1365448");

        var result = scenario.Run();

        Assert.Equal(new SortedDictionary<string, long> { ["A"] = 281_90, ["B"] = 1_250_65 }, result.AppliedFor("P1"));
        Assert.All(result.Applications.Where(a => a.PaymentRef == "P1"), a => Assert.Equal(MatchMethod.FuzzyReference, a.Method));

        // A number simply given twice is one quote: applied by exact reference, named once.
        var twice = result.Applications.Single(a => a.PaymentRef == "P2");
        Assert.Equal(("X", MatchMethod.ExactReference, "INV-1365448 by reference, amount equal"), (twice.ItemId, twice.Method, twice.Explanation));
    }

    [Fact]
    public void Match_KnownAccountAndAmount_AppliesTheSingleItem()
    {
        var result = Ledger().Pay("P1", 500_00, account: "021000021:000123456789").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR2"] = 500_00 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.AccountAmount, result.Applications.Single().Method);
    }

    [Theory]
    [InlineData("HARBOR URBAN HEA")] // truncated by the bank
    [InlineData("HARBOR URBN HEALTH")] // a dropped letter
    [InlineData("Harbor Urban Health Incorporated")]
    public void Match_PayerNameAndAmount_AppliesTheSingleItem(string payer)
    {
        var result = Ledger().Pay("P1", 99_99, payer: payer).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR3"] = 99_99 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.NameAmount, result.Applications.Single().Method);
    }

    [Fact]
    public void Match_AliasAndAmount_AppliesTheSingleItem()
    {
        var scenario = Ledger().Invoice("AR7", "C2", "INV-1004573", 321_00).Pay("P1", 321_00, payer: "MAPLE RESEARCH");
        Assert.Equal(new SortedDictionary<string, long> { ["AR7"] = 321_00 }, scenario.Run().AppliedFor("P1"));
    }

    [Fact]
    public void Match_UniqueCombination_AppliesAllItsItems()
    {
        var result = Ledger().Pay("P1", 1_734_50, payer: "HARBOR URBAN HEALTH").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["AR2"] = 500_00 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.Combination, result.Applications[0].Method);
    }

    [Fact]
    public void Match_CombinationWithTwoSolutions_IsAmbiguousException()
    {
        var scenario = new MatchingScenario()
            .Customer("C1", "Delta Freight LLC")
            .Invoice("A", "C1", "INV-1", 100_17).Invoice("B", "C1", "INV-2", 200_31)
            .Invoice("C", "C1", "INV-3", 150_14).Invoice("D", "C1", "INV-4", 150_34)
            .Pay("P1", 300_48, payer: "DELTA FREIGHT");
        var result = scenario.Run();
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.Ambiguous, result.ExceptionFor("P1")!.Reason);
    }

    [Fact]
    public void Match_RoundAmountOfRoundItems_IsNoCombinationProof()
    {
        // Four round items make 350.00 two ways, and would make most round amounts some way: chance, not proof.
        var scenario = new MatchingScenario()
            .Customer("C1", "Delta Freight LLC")
            .Invoice("A", "C1", "INV-1", 100_00).Invoice("B", "C1", "INV-2", 200_00)
            .Invoice("C", "C1", "INV-3", 150_00).Invoice("D", "C1", "INV-4", 250_00)
            .Pay("P1", 350_00, payer: "DELTA FREIGHT");
        var result = scenario.Run();
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.NoMatch, result.ExceptionFor("P1")!.Reason);
        Assert.Contains("a combination of that sum would prove nothing", result.ExceptionFor("P1")!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_QuotedCreditMemoNetted_AppliesInvoiceAndMemo()
    {
        var result = Ledger().Pay("P1", 1_134_50, text: "INV-1004567 CM-2000001").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["CM1"] = -100_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_UnquotedCreditMemoNetted_AppliesInvoiceAndMemo()
    {
        var result = Ledger().Pay("P1", 1_134_50, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50, ["CM1"] = -100_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_ShortPayFromKnownPayer_AppliesThePaymentToTheInvoice()
    {
        var result = Ledger().Pay("P1", 1_200_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_200_00 }, result.AppliedFor("P1"));
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_ShortPayFromUnknownPayer_GoesToExceptions()
    {
        var result = Ledger().Pay("P1", 1_200_00, payer: "SOMEONE ELSE ENTIRELY", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        Assert.Contains(result.ExceptionFor("P1")!.Suggestions, s => s.ItemIds.Contains("AR1"));
    }

    [Fact]
    public void Match_Overpayment_AppliesInvoiceAndLeavesRemainderOnAccount()
    {
        var result = Ledger().Pay("P1", 1_300_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(65_50, exception.Unapplied.Minor);
        Assert.Equal(ExceptionReason.Overpayment, exception.Reason);
    }

    [Fact]
    public void Match_ParentPaysSubsidiaryInvoice_AppliesWithinTheFamily()
    {
        var result = Ledger().Pay("P1", 7_777_77, payer: "PACIFIC HOLDINGS GROUP").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR6"] = 7_777_77 }, result.AppliedFor("P1"));
    }

    [Theory]
    [InlineData("INTEREST CREDIT", "INTEREST")]
    [InlineData("NORTHWIND TRADERS", "INVOICE 7123456")]
    [InlineData(null, null)]
    public void Match_UnknownPayerOrNonCustomerCredit_GoesToExceptionsUntouched(string? payer, string? text)
    {
        var result = Ledger().Pay("P1", 1_234_50, payer: payer, text: text).Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(1_234_50, exception.Unapplied.Minor);
        Assert.Equal(ExceptionReason.UnknownPayer, exception.Reason);
    }

    [Fact]
    public void Match_AmountsPerRemittanceLine_AppliesAsRemitted()
    {
        var result = Ledger().Pay("P1", 1_700_00, "HARBOR URBAN HEALTH", null, null,
            Line("INV-1004567", 1_200_00), Line("INV-1004568", 500_00)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_200_00, ["AR2"] = 500_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_SameInvoicePaidTwice_SecondPaymentGoesToExceptions()
    {
        var result = Ledger().Pay("P1", 500_00, text: "1004568").Pay("P2", 500_00, text: "1004568").Run();
        Assert.Single(result.Applications);
        Assert.Equal(500_00, result.ExceptionFor("P2")!.Unapplied.Minor);
    }

    [Fact]
    public void Match_ReferencesOfUnrelatedCustomers_IsNotApplied()
    {
        var result = Ledger().Pay("P1", 1_234_50 + 2_000_00, text: "1004567 1004570").Run();
        Assert.Empty(result.Applications);
    }

    [Fact]
    public void Match_CurrencyDiffers_NeverAppliesAcrossCurrencies()
    {
        var scenario = new MatchingScenario()
            .Customer("C1", "Alpine Foods AG")
            .Invoice("E1", "C1", "INV-77777", 1_000_00, currency: "EUR")
            .Pay("P1", 1_000_00, text: "INV-77777");
        Assert.Empty(scenario.Run().Applications);
    }
}
