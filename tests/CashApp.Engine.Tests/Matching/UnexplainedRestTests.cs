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

    /// <summary>
    /// A customer with fifty open invoices, 1,000.01 + 37.00 i each: k of them always end in k cents, so a
    /// sum ending in .03 is three invoices or more, never one or two.
    /// </summary>
    private static MatchingScenario ManyInvoices()
    {
        var scenario = new MatchingScenario().Customer("C1", "Harbor Urban Health Inc.");
        for (var i = 0; i < 50; i++)
        {
            scenario.Invoice($"AR{i}", "C1", $"INV-50000{i:00}", ((1_000 + (37 * i)) * 100L) + 1);
        }

        return scenario;
    }

    private static long ManyInvoicesAmount(int i) => ((1_000 + (37 * i)) * 100L) + 1;

    [Fact]
    public void Match_RestIsThreeUnquotedInvoicesAmongMany_GoesToExceptionsWithTheFoundItemsFirst()
    {
        // A bank cut the remittance after two numbers: the rest is three more of the payer's invoices. Among
        // fifty, a three-invoice combination is too likely to prove which three, and it cannot be ruled out either.
        var paid = ManyInvoicesAmount(0) + ManyInvoicesAmount(1) + ManyInvoicesAmount(10) + ManyInvoicesAmount(20) + ManyInvoicesAmount(30);
        var result = ManyInvoices().Pay("P1", paid, payer: "HARBOR URBAN HEALTH", text: "INV-5000000 INV-5000001").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(paid, exception.Unapplied.Minor);
        Assert.Equal(["AR0", "AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("unquoted open items", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RestNoCombinationOfManyInvoicesMakes_StaysOnAccount()
    {
        // 100.00 over: fifty invoices ending in one cent each make no sum ending in .00 (that would take a hundred).
        var paid = ManyInvoicesAmount(0) + ManyInvoicesAmount(1) + 100_00;
        var result = ManyInvoices().Pay("P1", paid, payer: "HARBOR URBAN HEALTH", text: "INV-5000000 INV-5000001").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR0"] = ManyInvoicesAmount(0), ["AR1"] = ManyInvoicesAmount(1) }, result.AppliedFor("P1"));
        Assert.Equal(ExceptionReason.Overpayment, result.ExceptionFor("P1")!.Reason);
        Assert.Equal(100_00, result.ExceptionFor("P1")!.Unapplied.Minor);
    }

    [Fact]
    public void Match_ShortfallIsThreeUnquotedCreditMemos_AppliesTheInvoiceLessThem()
    {
        // Paid net of three credit memos (one of the prior year) it did not quote: not a deduction.
        var result = Ledger()
            .Invoice("AR9", "C1", "INV-1004599", 15_360_05)
            .CreditMemo("CM1", "C1", "CN/2026/0017", 747_42)
            .CreditMemo("CM2", "C1", "CN/2026/0018", 19_09)
            .CreditMemo("CM3", "C1", "CN/2025/0009", 2_721_34)
            .CreditMemo("CM4", "C1", "CN/2026/0031", 500_00)
            .Pay("P1", 11_872_20, payer: "HARBOR URBAN HEALTH", text: "INV-1004599").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR9"] = 15_360_05, ["CM1"] = -747_42, ["CM2"] = -19_09, ["CM3"] = -2_721_34 }, result.AppliedFor("P1"));
        Assert.Empty(result.Exceptions);
    }

    [Fact]
    public void Match_ShortfallThatACreditMemoAndAnInvoiceMake_GoesToExceptions()
    {
        // 34.50 short is 100.00 unquoted, less a 134.50 credit memo: the payer may have netted them.
        var result = Ledger()
            .Invoice("AR5", "C1", "INV-1004580", 100_00)
            .CreditMemo("CM1", "C1", "CM-2001", 134_50)
            .Pay("P1", 1_200_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Contains("credit memos", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_ShortfallThatNoCreditMemoMakes_StillAppliesAsADeduction()
    {
        var result = Ledger()
            .CreditMemo("CM1", "C1", "CM-2001", 134_50)
            .Pay("P1", 1_200_00, payer: "HARBOR URBAN HEALTH", text: "INV-1004567").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_200_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_QuotedNumberReadAsASlipWhileItsItemAndAnUnquotedOneMakeTheAmount_GoesToExceptions()
    {
        // INV-2000001 (100.00) is quoted; 200.00 is paid. INV-2000002, one digit off, is 200.00; but so is
        // INV-2000001 with the unquoted INV-2000090. A slip or a cut remittance: two readings.
        var result = Ledger()
            .Invoice("X1", "C1", "INV-2000001", 100_00)
            .Invoice("X2", "C1", "INV-2000002", 200_00)
            .Invoice("X3", "C1", "INV-2000090", 100_00)
            .Pay("P1", 200_00, payer: "HARBOR URBAN HEALTH", text: "INV-2000001").Run();
        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["X2"]));
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["X1"]));
    }

    [Fact]
    public void Match_QuotedNumberReadAsASlipWithNothingElseToMakeTheAmount_AppliesTheNearItem()
    {
        var result = Ledger()
            .Invoice("X1", "C1", "INV-2000001", 100_00)
            .Invoice("X2", "C1", "INV-2000002", 200_00)
            .Pay("P1", 200_00, payer: "HARBOR URBAN HEALTH", text: "INV-2000001").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["X2"] = 200_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_LinePayingPartOfAnotherCustomersInvoice_GoesToExceptions()
    {
        // The line says 800.00 of Maple Labs' INV-1004570 (2,000.00 open); the payer is, by a name with one
        // letter lost and cut by the bank, Saltmarsh Adler Optics. Neither the amount nor the payer confirms the reference.
        var result = Ledger()
            .Customer("C3", "Saltmarsh Adler Optics Holdings Inc.")
            .Invoice("AR7", "C3", "INV-1004590", 878_19)
            .Pay("P1", 800_00, payer: "SATMARSH ADLER O", lines: Line("INV-1004570", 800_00)).Run();
        Assert.Empty(result.Applications);
        Assert.NotNull(result.ExceptionFor("P1"));
    }

    [Fact]
    public void Match_LinePayingPartOfAnInvoiceWithoutAPayerName_StillAppliesAsRemitted()
    {
        var result = Ledger().Pay("P1", 800_00, lines: Line("INV-1004570", 800_00)).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR4"] = 800_00 }, result.AppliedFor("P1"));
    }

    /// <summary>
    /// The ledger with forty other customers who each owe an invoice of exactly 100.00 beside one of an odd amount:
    /// round amounts are common, on invoices, credit memos and deductions alike.
    /// </summary>
    private static MatchingScenario RoundAmountsCommon()
    {
        var scenario = Ledger().Invoice("AR9", "C1", "INV-1004599", 866_36);
        for (var c = 0; c < 40; c++)
        {
            scenario.Customer($"R{c:D2}", $"Roundtree {c} Supply Inc.")
                .Invoice($"R{c:D2}-0", $"R{c:D2}", $"INV-20{c:D2}00", 100_00)
                .Invoice($"R{c:D2}-1", $"R{c:D2}", $"INV-20{c:D2}01", 1_000_00 + (c * 7_919_13));
        }

        return scenario;
    }

    [Fact]
    public void Match_ShortfallIsACommonRoundAmountThatAnUnquotedCreditMemoHas_GoesToExceptionsWithTheNetting()
    {
        // The payer deducts 100.00 for damaged goods in words; the customer happens to have an open credit memo of
        // 100.00 it did not quote. With 100.00 this common, the memo is as likely chance as what the payer netted.
        var result = RoundAmountsCommon()
            .CreditMemo("CM1", "C1", "CM-2001", 100_00)
            .CreditMemo("CM2", "C1", "CM-2002", 2_327_38)
            .Pay("P1", 766_36, payer: "HARBOR URBAN HEALTH", text: "INV-1004599 LESS 100.00 DAMAGED GOODS").Run();

        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(766_36, exception.Unapplied.Minor);
        Assert.Contains(exception.Suggestions, s => s.ItemIds.SequenceEqual(["AR9", "CM1"]));
    }

    [Fact]
    public void Match_ShortfallIsAnOddAmountThatAnUnquotedCreditMemoHas_AppliesTheInvoiceLessIt()
    {
        // The same ledger, a memo of 123.47: no accident makes a shortfall of exactly that.
        var result = RoundAmountsCommon()
            .CreditMemo("CM1", "C1", "CM-2001", 123_47)
            .CreditMemo("CM2", "C1", "CM-2002", 2_327_38)
            .Pay("P1", 742_89, payer: "HARBOR URBAN HEALTH", text: "INV-1004599").Run();

        Assert.Equal(new SortedDictionary<string, long> { ["AR9"] = 866_36, ["CM1"] = -123_47 }, result.AppliedFor("P1"));
    }
}
