using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Payer rules in the matcher: an active rule names the payer as a known account does, and proves nothing more.</summary>
public sealed class PayerRuleMatchingTests
{
    private const string Account = "021000021:777000123";

    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Northwind Pacific Trading")
        .Customer("C2", "Fabrikam Industries", accounts: ["026009593:111222333"])
        .Customer("C3", "Northwind Retail", parent: "C1")
        .Invoice("N1", "C1", "INV-1001", 1_234_56)
        .Invoice("N2", "C1", "INV-1002", 2_000_00)
        .Invoice("N3", "C1", "INV-1003", 2_000_00)
        .Invoice("F1", "C2", "INV-2001", 4_567_89);

    private static PayerRule Rule(long id, PayerRuleKind kind, string raw, string customer, PayerRuleState state = PayerRuleState.Active, bool shared = false) => new()
    {
        RuleId = id,
        Kind = kind,
        Key = PayerRule.KeyOf(kind, raw)!,
        CustomerId = customer,
        State = state,
        Shared = shared,
        Agreed = 1,
        ExceptionId = 123,
        ResolvedBy = "alice",
        ResolvedAt = new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero),
    };

    private static MatchResult Run(MatchingScenario scenario, params PayerRule[] rules)
    {
        var matcher = new CashMatcher(scenario.Items, scenario.Customers, MatchPolicy.Default);
        matcher.UsePayerRules(rules);
        var result = matcher.Match(scenario.Payments);
        BalanceCheck.Verify(scenario.Payments, scenario.Items, result.Applications, result.Exceptions);
        return result;
    }

    [Fact]
    public void Match_ActiveAccountRule_IdentifiesThePayer_AndTheExplanationSaysWhichRuleAndWhence()
    {
        var result = Run(Ledger().Pay("P1", 1_234_56, payer: "ZQX 77", account: Account), Rule(7, PayerRuleKind.Account, Account, "C1"));

        var application = Assert.Single(result.Applications);
        Assert.Equal("N1", application.ItemId);
        Assert.Equal(MatchMethod.AccountAmount, application.Method);
        Assert.Contains("payer by learned account 21000021:777000123 [rule 7], from the resolution of EXC-123 by alice on 2026-12-04", application.Explanation, StringComparison.Ordinal);
        Assert.Equal([7L], PayerRule.FiredIn(application.Explanation));
    }

    [Fact]
    public void Match_WithoutTheRule_TheSamePaymentIsAnUnknownPayer()
    {
        var result = Run(Ledger().Pay("P1", 1_234_56, payer: "ZQX 77", account: Account));
        Assert.Equal(ExceptionReason.UnknownPayer, Assert.Single(result.Exceptions).Reason);
    }

    [Fact]
    public void Match_RuleNamesThePayer_ButTwoItemsOfTheAmount_IsAmbiguous_NeverApplied()
    {
        var result = Run(Ledger().Pay("P1", 2_000_00, account: Account), Rule(7, PayerRuleKind.Account, Account, "C1"));
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.Ambiguous, Assert.Single(result.Exceptions).Reason);
    }

    [Fact]
    public void Match_RuleNamesThePayer_NoItemOfTheAmount_IsNoMatch_NamingTheRule()
    {
        var result = Run(Ledger().Pay("P1", 9_999_01, account: Account), Rule(7, PayerRuleKind.Account, Account, "C1"));
        var exception = Assert.Single(result.Exceptions);
        Assert.Equal(ExceptionReason.NoMatch, exception.Reason);
        Assert.Contains("[rule 7]", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_LearnedName_IdentifiesThePayer_ByItsCompactForm()
    {
        var result = Run(Ledger().Pay("P1", 1_234_56, payer: "N.W. Pac. Trdg"), Rule(9, PayerRuleKind.Name, "NW PAC TRDG", "C1"));
        var application = Assert.Single(result.Applications);
        Assert.Equal(MatchMethod.NameAmount, application.Method);
        Assert.Contains("payer by learned name NWPACTRDG [rule 9]", application.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PayerRuleState.Suggested, false)]
    [InlineData(PayerRuleState.Revoked, false)]
    [InlineData(PayerRuleState.Active, true)]
    public void Match_SuggestedRevokedOrSharedRules_AreNeverUsed(PayerRuleState state, bool shared)
    {
        var result = Run(Ledger().Pay("P1", 1_234_56, account: Account), Rule(7, PayerRuleKind.Account, Account, "C1", state, shared));
        Assert.Empty(result.Applications);
        Assert.Equal(ExceptionReason.UnknownPayer, Assert.Single(result.Exceptions).Reason);
    }

    [Fact]
    public void Match_TwoActiveRulesGiveOneKeyToUnrelatedCustomers_NeitherIsUsed()
    {
        var result = Run(Ledger().Pay("P1", 1_234_56, account: Account), Rule(7, PayerRuleKind.Account, Account, "C1"), Rule(8, PayerRuleKind.Account, Account, "C2"));
        Assert.Equal(ExceptionReason.UnknownPayer, Assert.Single(result.Exceptions).Reason);
    }

    [Fact]
    public void Match_AccountOnFile_WinsOverARuleForTheSameAccount()
    {
        var result = Run(Ledger().Pay("P1", 4_567_89, account: "026009593:111222333"), Rule(7, PayerRuleKind.Account, "026009593:111222333", "C1"));
        var application = Assert.Single(result.Applications);
        Assert.Equal("F1", application.ItemId);
        Assert.DoesNotContain("learned", application.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PayerRuleKind.Account, "12:34")]
    [InlineData(PayerRuleKind.Name, "ABC")]
    [InlineData(PayerRuleKind.PayerId, " 12 ")]
    public void KeyOf_TooShortToBeOnePayers_IsNull(PayerRuleKind kind, string raw) => Assert.Null(PayerRule.KeyOf(kind, raw));

    [Fact]
    public void PayerRuleFile_WrittenRules_ReadBackEqual()
    {
        var rules = new[]
        {
            Rule(7, PayerRuleKind.Account, Account, "C1") with { LastFiredAt = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero), FiredCount = 3, Disagreed = 1 },
            Rule(9, PayerRuleKind.Name, "NW PAC TRDG", "C1", PayerRuleState.Suggested),
            Rule(11, PayerRuleKind.PayerId, "1234567890", "C2", PayerRuleState.Revoked, shared: true),
        };
        var path = Path.Combine(Path.GetTempPath(), $"payer-rules-{Guid.NewGuid():N}.json");
        try
        {
            using (var stream = File.Create(path))
            {
                PayerRuleFile.Write(stream, rules.Reverse());
            }

            Assert.Equal(rules, PayerRuleFile.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PayerRuleFile_NotARulesFile_FailsNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"payer-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"rules\": [ { \"rule_id\": 1, \"kind\": \"account\", \"key\": \"\", \"customer_id\": \"C1\", \"state\": \"active\" } ] }");
        try
        {
            var ex = Assert.Throws<FormatException>(() => PayerRuleFile.Load(path));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains("rules[0]", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
