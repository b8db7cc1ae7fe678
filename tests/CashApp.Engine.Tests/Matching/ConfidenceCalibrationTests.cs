using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A payment's confidence is the calibrated probability that its application is right: the committed table is what
/// its counts fit to, the fit keeps the orders it should, the matcher carries the table's number and holds the
/// policy's bar against it, and a higher bar never applies more.
/// </summary>
public sealed class ConfidenceCalibrationTests
{
    private static readonly MatchMethod[] Methods = [MatchMethod.ExactReference, MatchMethod.FuzzyReference, MatchMethod.PurchaseOrder, MatchMethod.AccountAmount, MatchMethod.NameAmount, MatchMethod.Combination];
    private static readonly double[] Rules = [0.9, 0.92, 0.93, 0.95, 0.97, 0.99];

    [Fact]
    public void CommittedTable_RefitFromItsOwnCounts_IsTheSameTable()
    {
        var table = ConfidenceCalibration.Default;

        Assert.NotEmpty(table.Classes);
        Assert.True(table.Classes.Sum(c => c.Decisions) > 10_000, $"{table.Classes.Sum(c => c.Decisions)} decisions");
        Assert.Equal(table.ToJson(), table.Refit().ToJson());
    }

    [Property(MaxTest = 100, Replay = "(5,9)")]
    public Property Match_DefaultPolicy_AppliesWhatTheRulesDecideWhateverTheTable() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // The default bar holds back nothing the rules decide, so the accuracy of the default policy does not hang
            // on the table: with the committed table or one of spread, low probabilities, the same payments are applied.
            var day = CashMatcherProperties.MakeDay(seed);
            string Applied(ConfidenceCalibration table) => string.Join('\n', new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { Calibration = table }
                .Match(day.Payments).Applications.Select(x => $"{x.PaymentRef} {x.ItemId} {x.Amount.Minor}"));
            return Applied(ConfidenceCalibration.Default) == Applied(SpreadTables[(seed & int.MaxValue) % SpreadTables.Length]);
        });

    [Fact]
    public void Fit_FewRightDecisions_DoNotClaimCertainty()
    {
        var exact = Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Lines, 1, EvidenceShape.Full);
        var rare = Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Text, 12, EvidenceShape.Full);
        var table = ConfidenceCalibration.Fit([(exact, 100, 90), (rare, 3, 3)], "test");

        // Three of three right says little: the class stays near its rule's 0.9, not at 1.
        Assert.InRange(table.Probability(rare), 0.9, 0.93);
        Assert.Equal(table.Levels.Single().Probability, table.Probability(Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Text, 2, EvidenceShape.Rest)));
        Assert.Equal(table.Methods.Single().Probability, table.Probability(Evidence.Of(MatchMethod.ExactReference, 0.93, EvidenceSource.Lines, 1, EvidenceShape.Unquoted)));
        Assert.Equal(table.Overall, table.Probability(Evidence.Of(MatchMethod.NameAmount, 0.9, EvidenceSource.Name, 1, EvidenceShape.Full)));
    }

    [Fact]
    public void Fit_ManyRightDecisions_StopAtTheCeiling()
    {
        var exact = Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Lines, 1, EvidenceShape.Full);
        var table = ConfidenceCalibration.Fit([(exact, 1_000_000, 1_000_000)], "test");

        Assert.Equal(ConfidenceCalibration.Ceiling, table.Probability(exact));
    }

    /// <summary>Random counts over a handful of classes.</summary>
    private static Arbitrary<(Evidence Evidence, int Decisions, int Right)[]> Tables =>
        (from length in Gen.Choose(1, 30)
         from counts in Gen.ArrayOf(
             from method in Gen.Elements(Methods)
             from rule in Gen.Elements(Rules)
             from source in Gen.Elements(Enum.GetValues<EvidenceSource>())
             from size in Gen.Choose(1, 12)
             from shape in Gen.Elements(Enum.GetValues<EvidenceShape>())
             from n in Gen.Choose(0, 400)
             from wrong in Gen.Choose(0, 40)
             select (Evidence.Of(method, rule, source, size, shape), n, Math.Max(0, n - wrong)),
             length)
         select counts).ToArbitrary();

    [Property(MaxTest = 200, Replay = "(20261203,1)")]
    public Property Fit_OneMoreRightDecision_NeverLowersItsClass_OneMoreWrongNeverRaisesIt() =>
        Prop.ForAll(Tables, Arb.From(Gen.Choose(0, 1000)), (counts, pick) =>
        {
            var (evidence, n, right) = counts[pick % counts.Length];
            var before = ConfidenceCalibration.Fit(counts, "test").Probability(evidence);
            var oneRight = ConfidenceCalibration.Fit([.. counts, (evidence, 1, 1)], "test").Probability(evidence);
            var oneWrong = ConfidenceCalibration.Fit([.. counts, (evidence, 1, 0)], "test").Probability(evidence);
            return (oneRight >= before && oneWrong <= before).Label($"{evidence.Key} {right}/{n}: {before} -> right {oneRight}, wrong {oneWrong}");
        });

    [Property(MaxTest = 200, Replay = "(7,11)")]
    public Property Fit_PayerFoundByAccount_NeverBelowTheSameDecisionByBareAccountOrName() =>
        Prop.ForAll(Tables, counts =>
        {
            var table = ConfidenceCalibration.Fit(counts, "test");
            return counts.All(c =>
            {
                var e = c.Evidence;
                var byName = table.Probability(e with { Source = EvidenceSource.Name });
                var byBare = table.Probability(e with { Source = EvidenceSource.BareAccount });
                var byAccount = table.Probability(e with { Source = EvidenceSource.Account });
                // Only the classes the days met are ordered; an unmet one takes its rule's probability.
                bool Met(EvidenceSource s) => counts.Any(k => k.Evidence == (e with { Source = s }));
                return (!Met(EvidenceSource.Name) || !Met(EvidenceSource.BareAccount) || byName <= byBare)
                    && (!Met(EvidenceSource.BareAccount) || !Met(EvidenceSource.Account) || byBare <= byAccount)
                    && (!Met(EvidenceSource.Name) || !Met(EvidenceSource.Account) || byName <= byAccount);
            });
        });

    [Property(MaxTest = 100, Replay = "(3,5)")]
    public Property Fit_AnyCountsInAnyOrder_SameTableWithinZeroAndTheCeiling() =>
        Prop.ForAll(Tables, Arb.From(Gen.Choose(0, int.MaxValue)), (counts, seed) =>
        {
            var shuffled = counts.OrderBy(_ => new Random(seed).Next()).Reverse().ToArray();
            var table = ConfidenceCalibration.Fit(counts, "test");
            var json = table.ToJson();
            return json == ConfidenceCalibration.Fit(shuffled, "test").ToJson()
                && json == ConfidenceCalibration.FromJson(json).ToJson()
                && table.Classes.All(c => c.Probability is >= 0 and <= ConfidenceCalibration.Ceiling);
        });

    [Fact]
    public void Match_AppliedPayment_CarriesTheTablesProbabilityForItsEvidence()
    {
        var s = new MatchingScenario().Customer("C1", "ACME INC").Invoice("AR1", "C1", "INV-1001", 100_00).Invoice("AR2", "C1", "INV-1002", 250_00)
            .Pay("P1", 100_00, text: "INV-1001");
        var evidence = Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Text, 1, EvidenceShape.Full);
        var table = ConfidenceCalibration.Fit([(evidence, 200, 187)], "test");
        var matcher = new CashMatcher(s.Items, s.Customers, MatchPolicy.Default with { MinAutoConfidence = 0.5 }) { Calibration = table };

        var result = matcher.Match(s.Payments);

        var application = Assert.Single(result.Applications);
        Assert.Equal("AR1", application.ItemId);
        Assert.Equal(table.Probability(evidence), application.Confidence.Value);
        Assert.InRange(application.Confidence.Value, 0.92, 0.94);
    }

    [Fact]
    public void Match_ProbabilityBelowTheBar_GoesToASpecialistWithTheMatchAsFirstSuggestion()
    {
        var s = new MatchingScenario().Customer("C1", "ACME INC").Invoice("AR1", "C1", "INV-1001", 100_00).Pay("P1", 100_00, text: "INV-1001");
        var evidence = Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Text, 1, EvidenceShape.Full);
        var matcher = new CashMatcher(s.Items, s.Customers, MatchPolicy.Default with { MinAutoConfidence = 0.95 })
        {
            Calibration = ConfidenceCalibration.Fit([(evidence, 200, 187)], "test"),
        };

        var result = matcher.Match(s.Payments);

        Assert.Empty(result.Applications);
        var exception = Assert.Single(result.Exceptions);
        Assert.Contains("below the 0.95 applied without review", exception.Detail, StringComparison.Ordinal);
        Assert.Equal(["AR1"], exception.Suggestions[0].ItemIds);
        Assert.Equal(matcher.Calibration.Probability(evidence), exception.Suggestions[0].Score.Value);
    }

    /// <summary>Tables with spread probabilities, so that the bar has something to cut; four, fitted once.</summary>
    private static readonly ConfidenceCalibration[] SpreadTables = [.. Enumerable.Range(0, 4).Select(SpreadTable)];

    private static ConfidenceCalibration SpreadTable(int seed)
    {
        var random = new Random(seed);
        var counts = new List<(Evidence, int, int)>();
        foreach (var method in Methods)
        {
            foreach (var rule in Rules)
            {
                foreach (var source in Enum.GetValues<EvidenceSource>())
                {
                    foreach (var shape in Enum.GetValues<EvidenceShape>())
                    {
                        foreach (var size in (int[])[1, 2, 5, 10])
                        {
                            var n = random.Next(1, 60);
                            counts.Add((Evidence.Of(method, rule, source, size, shape), n, n - random.Next(0, 1 + (n / 2))));
                        }
                    }
                }
            }
        }

        return ConfidenceCalibration.Fit(counts, "test", strength: 2);
    }

    [Property(MaxTest = 150, Replay = "(1203,7)")]
    public Property Match_HigherMinAutoConfidence_NeverAppliesMorePayments() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), Arb.From(Gen.Choose(0, 100)), Arb.From(Gen.Choose(0, 100)), (seed, a, b) =>
        {
            var day = CashMatcherProperties.MakeDay(seed);
            var table = SpreadTables[(seed & int.MaxValue) % SpreadTables.Length];
            int Applied(double bar)
            {
                var matcher = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default with { MinAutoConfidence = bar }) { Calibration = table };
                return matcher.Match(day.Payments).Applications.Select(x => x.PaymentRef).Distinct().Count();
            }

            var (low, high) = (Math.Min(a, b) / 100.0, Math.Max(a, b) / 100.0);
            var (atLow, atHigh) = (Applied(low), Applied(high));
            return (atHigh <= atLow).Label($"{atLow} applied at {low}, {atHigh} at {high}");
        });

    [Property(MaxTest = 100, Replay = "(17,19)")]
    public Property Match_DecidedAtOnce_SameProbabilityAsTheGeneralPath() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // Payments quoting one to twelve invoices, structured or in text: the at-once path looks its probability up
            // by itself, and must give what the general path's evidence gives.
            var day = CashMatcherProperties.MakeDay(seed);
            var random = new Random(seed);
            var table = SpreadTables[(seed & int.MaxValue) % SpreadTables.Length];
            var payments = new List<Payment>();
            for (var p = 0; p < 8; p++)
            {
                var quoted = day.Items.Where(i => i.OpenMinor > 0).OrderBy(_ => random.Next()).Take(random.Next(1, 13)).ToList();
                if (quoted.Count == 0 || quoted.Any(i => i.Currency != quoted[0].Currency))
                {
                    continue;
                }

                var structured = random.Next(2) == 0;
                payments.Add(new Payment($"Q{p}", new Money(quoted.Sum(i => i.OpenMinor), quoted[0].Currency), null, null,
                    structured ? [.. quoted.Select(i => new RemittanceLine(i.InvoiceNumber, null))] : [],
                    structured ? null : string.Join(" ", quoted.Select(i => i.InvoiceNumber)), "day.bai2", p + 1));
            }

            string Run(bool atOnce) => string.Join('\n', new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { Calibration = table, DecideAtOnceEnabled = atOnce }
                .Match(payments).Applications.Select(x => $"{x.PaymentRef} {x.ItemId} {x.Confidence.Value}"));
            return Run(atOnce: true) == Run(atOnce: false);
        });

    [Property(MaxTest = 100, Replay = "(99,1)")]
    public Property Match_AnyDay_ConfidencesWithinZeroAndOneAndTheSameEveryRun() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var day = CashMatcherProperties.MakeDay(seed);
            string Run() => string.Join('\n', new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments).Applications
                .Select(x => $"{x.PaymentRef} {x.ItemId} {x.Confidence.Value}"));
            var first = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments);
            return first.Applications.All(x => x.Confidence.Value is >= 0 and <= ConfidenceCalibration.Ceiling) && Run() == Run();
        });
}
