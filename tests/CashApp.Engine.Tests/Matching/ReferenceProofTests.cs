using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// How far a quoted reference proves an item (issue 15): it must agree with a known payer, and a number that
/// meets an item's only without its letter prefix is weaker than the number as AR prints it.
/// </summary>
public sealed class ReferenceProofTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:123456789"])
        .Customer("C2", "Maple Labs LLC")
        .Invoice("AR1", "C1", "INV-1004567", 1_234_50)
        .Invoice("AR2", "C1", "INV-1004568", 500_00)
        .Invoice("AR4", "C2", "INV-1004570", 2_000_01)
        .CreditMemo("CM1", "C1", "CM-2000001", 100_00);

    [Theory]
    [InlineData(null, "021000021:123456789", true)] // known account of C1
    [InlineData("HARBOR URBAN HEALTH INC", null, true)] // C1's name, exactly
    [InlineData(null, "021000021:123456789", false)]
    [InlineData("HARBOR URBAN HEALTH INC", null, false)]
    public void Match_KnownPayerQuotesAnotherCustomersInvoice_GoesToExceptionsNamingBoth(string? payer, string? account, bool structured)
    {
        var scenario = structured
            ? Ledger().Pay("P1", 2_000_01, payer, account, null, Line("INV-1004570", 2_000_01, RemittanceKind.Invoice))
            : Ledger().Pay("P1", 2_000_01, payer, account, "INV-1004570");
        var result = scenario.Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(ExceptionReason.Conflict, exception.Reason);
        Assert.Contains("C1", exception.Detail, StringComparison.Ordinal);
        Assert.Contains("C2", exception.Detail, StringComparison.Ordinal);
        Assert.Equal(["AR4"], exception.Suggestions[0].ItemIds);
    }

    [Fact]
    public void Match_PayerNameSharedByTwoCustomers_DoesNotConflictWithTheOneItsAccountNames()
    {
        // Names repeat once legal forms are dropped: BOLT CHEMICALS LLC is as much C8 as C9 by name; the account says C9.
        var result = Ledger()
            .Customer("C8", "Bolt Chemicals LLC")
            .Customer("C9", "Bolt Chemicals Corp.", accounts: ["026009593:5556667778"])
            .Invoice("AR9", "C9", "INV-1004590", 3_333_33)
            .Pay("P1", 3_333_33, payer: "BOLT CHEMICALS LLC", account: "5556667778", text: "INV-1004590").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR9"] = 3_333_33 }, result.AppliedFor("P1"));
    }

    [Theory]
    [InlineData("STRIPE PAYMENTS EUROPE")] // a payment service pays for the customer
    [InlineData("MAPLE LABS")]
    [InlineData(null)]
    public void Match_PayerNotKnownAsAnotherCustomer_AppliesTheQuotedInvoice(string? payer)
    {
        var result = Ledger().Pay("P1", 2_000_01, payer: payer, text: "INV-1004570").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR4"] = 2_000_01 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_BareNumberMeetsItemsOfTwoSeries_IsNotDecidedByTheAmount()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Customer("C2", "Maple Labs LLC")
            .Invoice("A1", "C1", "A-4521", 1_234_50)
            .Invoice("B1", "C2", "B-4521", 777_00)
            .Pay("P1", 1_234_50, text: "PAYMENT 4521").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.Ambiguous, result.ExceptionFor("P1")!.Reason);
    }

    [Fact]
    public void Match_FullNumberOfOneSeries_IsPreferredToTheOtherSeriesOfTheSameDigits()
    {
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Customer("C2", "Maple Labs LLC")
            .Invoice("A1", "C1", "A-4521", 1_234_50)
            .Invoice("B1", "C2", "B-4521", 1_234_50)
            .Pay("P1", 1_234_50, text: "A-4521").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["A1"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_QuoteOfAnotherSeriesOfTheLedger_DoesNotMeetTheInvoiceOfTheSameDigits()
    {
        // CM is the ledger's credit memo series: CM-4521 is a credit memo, never invoice INV-4521.
        var result = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("I1", "C1", "INV-4521", 1_234_50)
            .CreditMemo("M1", "C1", "CM-7000", 10_00)
            .Pay("P1", 1_234_50, text: "CM-4521").Run();
        Assert.Empty(result.Applications);
    }

    private static MatchingScenario CommonAmounts()
    {
        // 500.00 is an amount many customers owe.
        var scenario = Ledger();
        for (var c = 0; c < 40; c++)
        {
            scenario.Customer($"X{c}", $"Other Customer {c:00} Ltd").Invoice($"XI{c}", $"X{c}", $"INV-20{c:00}000", 500_00);
        }

        return scenario;
    }

    [Fact]
    public void Match_StrippedNumberAtACommonAmountWithoutAPayer_GoesToExceptions()
    {
        var result = CommonAmounts().Pay("P1", 500_00, text: "1004568").Run();
        Assert.Empty(result.Applications);
        Assert.Equal(["AR2"], result.ExceptionFor("P1")!.Suggestions[0].ItemIds);
    }

    [Theory]
    [InlineData(null, "INV-1004568")] // the number as AR prints it
    [InlineData("HARBOR URBAN HEALTH", "1004568")] // the payer vouches for it
    public void Match_StrippedNumberAtACommonAmount_AppliesWhenOtherwiseProven(string? payer, string text)
    {
        var result = CommonAmounts().Pay("P1", 500_00, payer: payer, text: text).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR2"] = 500_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_StrippedNumberAtARareAmount_Applies()
    {
        var result = CommonAmounts().Pay("P1", 1_234_50, text: "1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
    }
}

/// <summary>A remittance line the bank labels an invoice or a purchase order is read as that kind (EDI RMR*IV / RMR*PO, camt CINV / PUOR).</summary>
public sealed class StatedKindTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.")
        .Customer("C2", "Maple Labs LLC")
        .Invoice("AR1", "C1", "INV-1004567", 1_234_50)
        .Invoice("AR9", "C2", "INV-2000009", 1_234_50, po: "PO-1004567");

    [Fact]
    public void Match_LineStatedAsPurchaseOrder_MeansThePurchaseOrderNotTheInvoiceOfTheSameDigits()
    {
        var result = Ledger().Pay("P1", 1_234_50, null, null, null, Line("1004567", 1_234_50, RemittanceKind.PurchaseOrder)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR9"] = 1_234_50 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_LineStatedAsInvoice_MeansTheInvoice()
    {
        var result = Ledger().Pay("P1", 1_234_50, null, null, null, Line("INV-1004567", 1_234_50, RemittanceKind.Invoice)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
    }
}

/// <summary>Account evidence as strong as it is (issue 15): an ACH company id is no account, a bare account number is weak.</summary>
public sealed class AccountEvidenceTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Harbor Urban Health Inc.", accounts: ["021000021:1234567890"])
        .Customer("C2", "Maple Labs LLC")
        .Invoice("AR1", "C1", "INV-1004567", 1_234_50)
        .Invoice("AR4", "C2", "INV-1004570", 2_000_01);

    [Fact]
    public void Match_AchCompanyIdWithTheDigitsOfAnAccount_DoesNotIdentifyThePayer()
    {
        var scenario = Ledger();
        var result = MatchingScenario.Run(scenario.Items, [new("C1", "Harbor Urban Health Inc.", null, [], ["021000021:1234567890"]), new("C2", "Maple Labs LLC", null, [], [])],
            [new Payment("P1", new(1_234_50, MatchingScenario.Usd), null, null, [], null, "test.bai2", 1) { PayerId = "1234567890" }]);
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.UnknownPayer, result.ExceptionFor("P1")!.Reason);
    }

    [Fact]
    public void Match_BareAccountNumberOfOneCustomerQuotingAnothersInvoice_IsWeakEvidenceAndDoesNotOverruleTheReference()
    {
        var result = Ledger().Pay("P1", 2_000_01, account: "1234567890", text: "INV-1004570").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR4"] = 2_000_01 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_BareAccountNumberOfOneCustomer_StillIdentifiesItForAnUnquotedPayment()
    {
        var result = Ledger().Pay("P1", 1_234_50, account: "1234567890").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
    }
}
