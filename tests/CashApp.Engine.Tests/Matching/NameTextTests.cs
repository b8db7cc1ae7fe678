using CashApp.Engine.Matching;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Names of the whole world come to one comparable ASCII form (issue 15).</summary>
public sealed class NameTextTests
{
    [Theory]
    [InlineData("Ørsted Wind AS", "ORSTED WIND")]
    [InlineData("Müller & Straße GmbH", "MULLER AND STRASSE")]
    [InlineData("Łódź Fabryka Sp", "LODZ FABRYKA SP")]
    [InlineData("Œuvre Édition SA", "OEUVRE EDITION")]
    [InlineData("Æbeltoft Trading ApS", "AEBELTOFT TRADING")]
    [InlineData("ΑΘΗΝΑ ΤΕΧΝΙΚΗ ΑΕ", "ATHINA TECHNIKI AE")]
    [InlineData("Газпром нефть", "GAZPROM NEFT")]
    public void Tokens_LettersWithoutAsciiDecomposition_AreTransliteratedNotDropped(string name, string expected)
    {
        Assert.Equal(expected, string.Join(' ', NameText.Tokens(name)));
    }

    [Theory]
    [InlineData("ORSTED WIND")]
    [InlineData("ØRSTED WIND")]
    public void Match_PayerNameFoldedAsTheBankPrintsIt_IdentifiesTheCustomer(string payer)
    {
        var result = new MatchingScenario()
            .Customer("C1", "Ørsted Wind A/S")
            .Customer("C2", "Rsted Holdings Ltd")
            .Invoice("AR1", "C1", "F-88231", 4_321_99)
            .Pay("P1", 4_321_99, payer: payer).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 4_321_99 }, result.AppliedFor("P1"));
    }
}

/// <summary>A payment factory or payment service paying on a customer's behalf names the customer as the ultimate debtor (issue 15).</summary>
public sealed class UltimatePayerTests
{
    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Alpine Foods AG")
        .Customer("C2", "Adyen Merchant Services BV")
        .Invoice("AR1", "C1", "F-88231", 4_321_99)
        .Invoice("AR2", "C2", "AD-1000001", 9_999_99);

    [Fact]
    public void Match_ServicePaysForACustomerWithoutReference_IdentifiesTheCustomerItPaysFor()
    {
        var result = Ledger().PayOnBehalf("P1", 4_321_99, "STRIPE PAYMENTS EUROPE LTD", "ALPINE FOODS AG").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 4_321_99 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_ServiceThatIsItselfACustomerPaysForAnother_AppliesTheQuotedInvoiceOfTheCustomerPaidFor()
    {
        // The service's own name is a customer's: without the ultimate debtor, the quote would conflict with the payer.
        var result = Ledger().PayOnBehalf("P1", 4_321_99, "ADYEN MERCHANT SERVICES BV", "ALPINE FOODS AG", text: "F-88231").Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 4_321_99 }, result.AppliedFor("P1"));
    }
}
