using CashApp.Engine.Matching;
using static CashApp.Engine.Tests.Matching.MatchingScenario;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Names of the whole world come to one comparable ASCII form (issue 15).</summary>
public sealed class NameTextTests
{
    [Fact]
    public void Tokens_ANameLongerThanTheStackRoom_AreItsWords()
    {
        // 60 words of five letters and a space: past the 256 characters read on the stack, and past the first chunk of
        // the thread's builder.
        var words = Enumerable.Range(0, 60).Select(i => "W" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(words, NameText.Tokens("The " + string.Join(' ', words).ToLowerInvariant() + " Co. Inc."));
    }

    [Fact]
    public void Tokens_OneNameAfterAnother_EachHasItsOwnWords()
    {
        // The words are read off in one list a thread reuses: what a name gave must not change with the next name.
        var first = NameText.TokensAndForm("Northwind Intl Logistics GmbH");
        var second = NameText.TokensAndForm("The Acme Mfg Co");
        var third = NameText.PrintedTokens("Northwind Intl Logistics GmbH");
        Assert.Equal(["NORTHWIND", "INTERNATIONAL", "LOGISTICS"], first.Tokens);
        Assert.Equal("GMBH", first.LegalForm);
        Assert.Equal(["ACME", "MANUFACTURING"], second.Tokens);
        Assert.Null(second.LegalForm);
        Assert.Equal(["NORTHWIND", "INTL", "LOGISTICS"], third);
    }

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
    [InlineData("The Acme Co Inc", "ACME")]
    [InlineData("Acme Intl Mfg Corpora", "ACME INTERNATIONAL MANUFACTURING")]
    [InlineData("Acme The", "ACME")]
    [InlineData("The Inc", "THE")]
    [InlineData("Inc", "INC")]
    [InlineData("The", "THE")]
    [InlineData("  Acme ,  Inc.  ", "ACME")]
    public void Tokens_LegalFormsAtTheEndAndTheAtTheStart_DroppedButNeverTheLastWord(string name, string expected)
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

    [Theory]
    [InlineData("Acme Supply Inc c/o First Bank", "ACME SUPPLY")]
    [InlineData("ACME SUPPLY INC C/O FIRST BANK", "ACME SUPPLY")]
    [InlineData("Acme Supply Inc attn: Payables", "ACME SUPPLY")]
    [InlineData("Acme Supply Inc Attn Payables", "ACME SUPPLY")]
    [InlineData("Acme Supply fbo Larch Tech", "ACME SUPPLY")]
    [InlineData("Acme Supply Inc d/b/a Roadrunner Goods", "ACME SUPPLY")]
    [InlineData("Acme Supply Inc Dba Roadrunner Goods", "ACME SUPPLY")]
    [InlineData("acme supply t/a roadrunner goods", "ACME SUPPLY")]
    [InlineData("Dba Acme Supply", "DBA ACME SUPPLY")]
    [InlineData(" Dba Acme Supply", "DBA ACME SUPPLY")]
    [InlineData(" C/O Acme Supply", "C O ACME SUPPLY")]
    [InlineData("Acme Supply Dbase", "ACME SUPPLY DBASE")]
    [InlineData("Ørsted Wind c/o Nordea", "ORSTED WIND")]
    public void Tokens_CareOfAndTradingMarkersInAnyCase_LeaveTheNameThatPays(string name, string expected)
    {
        // A marker counts only as a word of its own, spaces both sides, and never at the very start (" Dba Acme": the
        // name is all there is): found however the name is cased.
        Assert.Equal(expected, string.Join(' ', NameText.Tokens(name)));
    }

    [Theory]
    [InlineData("Acme Supply Inc d/b/a Roadrunner Goods", "Roadrunner Goods")]
    [InlineData("ACME SUPPLY INC DBA ROADRUNNER GOODS", "ROADRUNNER GOODS")]
    [InlineData("acme supply t/a roadrunner goods", "roadrunner goods")]
    [InlineData("Østergaard Straße dba Nord Öl", "Nord Öl")]
    [InlineData("Dba Acme Supply", null)]
    [InlineData(" Dba Acme Supply", null)]
    [InlineData("Acme Supply Dbase", null)]
    [InlineData("Acme Supply", null)]
    public void TradingName_AfterTheMarkerInAnyCase_AsWritten(string name, string? expected)
    {
        // What follows the marker is the name as AR wrote it, its case and letters kept.
        Assert.Equal(expected, NameText.TradingName(name));
    }

    [Fact]
    public void ShortCompact_WordsWithShortForms_AreShortenedAndANameWithoutAnyIsItsCompactText()
    {
        Assert.Equal("ATLASHLDGS", NameText.ShortCompact(["ATLAS", "HOLDINGS"]));
        Assert.Equal("INTLMFGSVCS", NameText.ShortCompact(["INTERNATIONAL", "MANUFACTURING", "SERVICES"], "INTERNATIONALMANUFACTURINGSERVICES"));
        Assert.Equal(string.Empty, NameText.ShortCompact([]));

        // No word shortens: the compact text given is the answer, not a copy (a directory reads every customer's name).
        var compact = string.Concat("ACME", "WIDGETS");
        Assert.Same(compact, NameText.ShortCompact(["ACME", "WIDGETS"], compact));
        Assert.Equal("ACMEWIDGETS", NameText.ShortCompact(["ACME", "WIDGETS"]));
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

/// <summary>
/// A company named like a customer but of another legal form or jurisdiction is another company (issue 15): its
/// name no longer identifies the customer on name and amount alone. Spellings of one form are one form.
/// </summary>
public sealed class LegalFormTests
{
    [Theory]
    [InlineData("Acme Inc.", "INC")]
    [InlineData("ACME INCORPORATED", "INC")]
    [InlineData("Acme Corp", "CORP")]
    [InlineData("ACME CORPORA", "CORP")]
    [InlineData("Acme B.V.", "BV")]
    [InlineData("Acme Limited", "LTD")]
    [InlineData("Acme Pty Ltd", "PTY LTD")]
    [InlineData("Acme GmbH", "GMBH")]
    [InlineData("Acme GmbH & Co. KG", "GMBH KG")]
    [InlineData("Acme & Co Inc", "INC")]
    [InlineData("Acme GmbH & Co", null)]
    [InlineData("Acme Trading", null)]
    [InlineData("Acme Group", null)]
    [InlineData("AB", null)]
    public void TokensAndForm_LegalFormAtTheEnd_IsItsKindInOneSpelling(string name, string? kind)
    {
        Assert.Equal(kind, NameText.TokensAndForm(name).LegalForm);
    }

    [Theory]
    [InlineData("ACME INDUSTRIAL INC", "Acme Industrial B.V.", true)]
    [InlineData("ACME INDUSTRIAL GMBH", "Acme Industrial GmbH & Co. KG", true)]
    [InlineData("ACME INDUSTRIAL LLC", "Acme Industrial Inc.", true)]
    [InlineData("ACME INDUSTRIAL INC", "Acme Industrial Incorporated", false)]
    [InlineData("ACME INDUSTRIAL INC", "Acme Industrial Corp.", true)]
    [InlineData("ACME INDUSTRIAL CORP", "Acme Industrial Corporation", false)]
    [InlineData("ACME INDUSTRIAL", "Acme Industrial B.V.", false)]
    [InlineData("ACME INDUSTRIAL BV", "Acme Industrial", false)]
    public void LegalFormsConflict_FormsOfTwoKinds_Conflict(string payer, string customer, bool conflict)
    {
        Assert.Equal(conflict, NameText.LegalFormsConflict(NameText.TokensAndForm(payer).LegalForm, NameText.TokensAndForm(customer).LegalForm));
    }

    private static MatchingScenario Ledger(string customerName) => new MatchingScenario()
        .Customer("C1", customerName)
        .Customer("C2", "Northwind Traders Ltd")
        .Invoice("AR1", "C1", "F-88231", 4_321_99)
        .Invoice("AR2", "C2", "NW-1000001", 9_999_99);

    [Theory]
    [InlineData("Acme Industrial B.V.", "ACME INDUSTRIAL INC")]
    [InlineData("Acme Industrial GmbH & Co. KG", "ACME INDUSTRIAL GMBH")]
    [InlineData("Acme Industrial Inc.", "ACME INDUSTRIAL LLC")]
    [InlineData("Acme Industrial Corp.", "ACME INDUSTRIAL INC")]
    public void Match_StrangerNamedLikeACustomerButOfAnotherLegalForm_IsAnExceptionNotAnApplication(string customerName, string payer)
    {
        var result = Ledger(customerName).Pay("P1", 4_321_99, payer: payer).Run();
        Assert.Empty(result.AppliedFor("P1"));
        var exception = result.ExceptionFor("P1");
        Assert.NotNull(exception);

        // The customer is still named among the suggestions: a person decides.
        Assert.Contains(exception.Suggestions, s => s.ItemIds.Contains("AR1"));
    }

    [Theory]
    [InlineData("Acme Industrial Inc.", "ACME INDUSTRIAL INC")]
    [InlineData("Acme Industrial Inc.", "ACME INDUSTRIAL INCORPORATED")]
    [InlineData("Acme Industrial Incorporated", "Acme Industrial Inc.")]
    [InlineData("Acme Industrial Corporation", "ACME INDUSTRIAL CORP")]
    [InlineData("Acme Industrial B.V.", "ACME INDUSTRIAL")]
    [InlineData("Acme Industrial", "ACME INDUSTRIAL BV")]
    [InlineData("Acme Industrial GmbH & Co. KG", "ACME INDUSTRIAL GMBH & CO")]
    public void Match_PayerWithTheSameFormSpelledAnotherWayOrNone_IsApplied(string customerName, string payer)
    {
        var result = Ledger(customerName).Pay("P1", 4_321_99, payer: payer).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 4_321_99 }, result.AppliedFor("P1"));
    }
}
