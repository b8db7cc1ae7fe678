using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A bank cut the payer's name short, and the cut fits many customers alike. Every one of them is a
/// candidate; the amount decides only when an item of it among all their items is unlikely to be chance.
/// </summary>
public sealed class CrowdedNameTests
{
    private static readonly string[] Places =
    [
        "Alabama", "Alaska", "Arizona", "Arkansas", "Colorado", "Delaware", "Florida", "Georgia", "Hawaii", "Idaho",
        "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Michigan", "Missouri",
        "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon", "Texas", "Utah", "Vermont", "Virginia",
    ];

    /// <summary>
    /// Thirty "Northwind Pacific &lt;place&gt; ..." customers with three invoices each, of amounts no two
    /// share, and a background ledger of 400 other customers: its amounts spread over 1.00 to 99,999.99,
    /// one in five of them exactly 100.00 (round amounts are common).
    /// </summary>
    private static MatchingScenario Crowded()
    {
        var scenario = new MatchingScenario();
        for (var c = 0; c < Places.Length; c++)
        {
            var id = $"N{c:D2}";
            scenario.Customer(id, $"Northwind Pacific {Places[c]} Systems Ltd.");
            for (var k = 0; k < 3; k++)
            {
                scenario.Invoice($"{id}-{k}", id, $"INV-N{c:D2}{k}", 1_000_00 + (c * 3_371_17) + (k * 911_13));
            }
        }

        for (var c = 0; c < 400; c++)
        {
            var id = $"B{c:D3}";
            scenario.Customer(id, $"Background {c} Trading Company");
            for (var k = 0; k < 3; k++)
            {
                var n = (c * 3) + k;
                var amount = n % 5 == 0 ? 100_00 : 1_00 + ((n * 7_919_357L) % 9_999_900);
                scenario.Invoice($"{id}-{k}", id, $"INV-B{n:D4}", amount);
            }
        }

        return scenario;
    }

    [Fact]
    public void Match_CutNameFitsThirtyCustomers_RareAmountAppliesToItsOnlyHolder()
    {
        // N17's second invoice: no other item in the ledger is of this amount.
        const long amount = 1_000_00 + (17 * 3_371_17) + 911_13;
        var result = Crowded().Pay("P1", amount, payer: "NORTHWIND PACIFI").Run();

        Assert.Equal(new SortedDictionary<string, long> { ["N17-1"] = amount }, result.AppliedFor("P1"));
        var application = result.Applications.Single();
        Assert.Equal(MatchMethod.NameAmount, application.Method);
        Assert.Contains("one of 30 alike", application.Explanation, StringComparison.Ordinal);

        // The explanation names the customer applied to, not the first of the thirty in id order.
        Assert.Contains("~ 'Northwind Pacific Maryland Systems Ltd.' (96)", application.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Alabama", application.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_CutNameFitsManyAndOneHoldsTheCombination_ExplanationNamesThatCustomer()
    {
        // Two of N09's three invoices make the amount; nothing else among the thirty does.
        const long amount = 1_000_00 + (9 * 3_371_17) + (1_000_00 + (9 * 3_371_17) + (2 * 911_13));
        var result = Crowded().Pay("P1", amount, payer: "NORTHWIND PACIFI").Run();

        Assert.Equal(new SortedDictionary<string, long> { ["N09-0"] = 1_000_00 + (9 * 3_371_17), ["N09-2"] = 1_000_00 + (9 * 3_371_17) + (2 * 911_13) }, result.AppliedFor("P1"));
        var explanation = result.Applications[0].Explanation;
        Assert.Equal(MatchMethod.Combination, result.Applications[0].Method);
        Assert.Contains("~ 'Northwind Pacific Idaho Systems Ltd.' (96), one of 30 alike", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_CutNameFitsAnotherCustomersAlias_ExplanationShowsTheAliasCompared()
    {
        // The bank prints the start of a trading name another company is known by; the explanation shows that
        // alias, the name the payer's was compared with, and whose alias it is, not a bare unrelated legal name.
        var result = new MatchingScenario()
            .Customer("Z1", "Zenith Global Vermont Supply LP", aliases: ["HORIZON ALABAMA TRADERS"])
            .Invoice("Z1-0", "Z1", "INV-Z10", 4_321_98)
            .Customer("Q1", "Quarry Lane Foods Inc.")
            .Invoice("Q1-0", "Q1", "INV-Q10", 777_01)
            .Pay("P1", 4_321_98, payer: "HORIZON ALABAMA")
            .Run();

        Assert.Equal(new SortedDictionary<string, long> { ["Z1-0"] = 4_321_98 }, result.AppliedFor("P1"));
        Assert.Contains("name 'HORIZON ALABAMA' ~ 'HORIZON ALABAMA TRADERS' (96), alias of 'Zenith Global Vermont Supply LP'",
            result.Applications.Single().Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_CutNameFitsThirtyCustomers_RoundAmountIsNotProofOfWhichPaid()
    {
        // One of the thirty holds an invoice of 100.00, which a fifth of the ledger's items are.
        var result = Crowded().Invoice("N05-R", "N05", "INV-N05R", 100_00).Pay("P1", 100_00, payer: "NORTHWIND PACIFI").Run();

        Assert.Empty(result.Applications);
        var exception = result.ExceptionFor("P1")!;
        Assert.Equal(ExceptionReason.Ambiguous, exception.Reason);
        Assert.Equal(100_00, exception.Unapplied.Minor);
        Assert.Equal(["N05-R"], exception.Suggestions.SelectMany(s => s.ItemIds));
    }

    [Fact]
    public void Match_KnownAccountAndRoundAmount_AppliesTheSingleItem()
    {
        // The payer is known for certain: a round amount among its own few items is still its item.
        var result = Crowded()
            .Customer("K1", "Keystone Freight LLC", accounts: ["021000021:55501234"])
            .Invoice("K1-0", "K1", "INV-K10", 100_00).Invoice("K1-1", "K1", "INV-K11", 2_345_67)
            .Pay("P1", 100_00, account: "021000021:55501234").Run();

        Assert.Equal(new SortedDictionary<string, long> { ["K1-0"] = 100_00 }, result.AppliedFor("P1"));
    }

    [Fact]
    public void Match_KnownAccountWithANameManyShare_TheAccountDecides()
    {
        // The bank prints a name that starts thirty-one customers' names; the account is NK's alone.
        var result = Crowded()
            .Customer("NK", "Northwind Pacific Kansas City Freight LLC", accounts: ["021000021:77700011"])
            .Invoice("NK-R", "NK", "INV-NKR", 100_00)
            .Invoice("N21-R", "N21", "INV-N21R", 100_00)
            .Pay("P1", 100_00, payer: "NORTHWIND PACIFI", account: "021000021:77700011").Run();

        Assert.Equal(new SortedDictionary<string, long> { ["NK-R"] = 100_00 }, result.AppliedFor("P1"));
        Assert.Equal(MatchMethod.AccountAmount, result.Applications.Single().Method);
    }

    [Fact]
    public void Match_CutNameOfCommonWords_FindsTheCustomerByTheStartOfItsName()
    {
        // "NORTHWIND" and "&" are in 600 names and "HERI" is cut from "HERITAGE": no word retrieves the payer.
        var scenario = new MatchingScenario();
        for (var c = 0; c < 600; c++)
        {
            scenario.Customer($"W{c:D3}", $"Northwind & {Places[c % Places.Length]} {c} Foods Inc.");
            scenario.Invoice($"W{c:D3}-0", $"W{c:D3}", $"INV-W{c:D3}", 5_000_00 + (c * 13_17));
        }

        scenario.Customer("Z1", "Northwind & Heritage Mississippi Manufacturing Incorporated")
            .Invoice("Z1-0", "Z1", "INV-H10", 955_95)
            .Pay("P1", 955_95, payer: "NORTHWIND & HERI");

        Assert.Equal(new SortedDictionary<string, long> { ["Z1-0"] = 955_95 }, scenario.Run().AppliedFor("P1"));
    }
}
