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
