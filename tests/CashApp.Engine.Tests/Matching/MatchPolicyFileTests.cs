using System.Globalization;
using System.Text;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Tests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

public sealed class MatchPolicyFileTests
{
    private static MatchPolicy Parse(string json) => MatchPolicyFile.Parse(Encoding.UTF8.GetBytes(json), "policy.json");

    [Fact]
    public void Load_TheBundledDefaultFile_IsTheBuiltInDefault()
    {
        var policy = MatchPolicyFile.Load(Path.Combine(TestPaths.Fixtures, "policy", "default.json"));
        Assert.Equal(MatchPolicy.Default, policy);

        // ... and it names every setting there is, so it documents them all.
        var text = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "policy", "default.json"));
        Assert.All(MatchPolicyFile.SettingNames, name => Assert.Contains($"\"{name}\":", text, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OnlySomeSettings_KeepsTheOtherDefaults()
    {
        var policy = Parse("""{ "minNameScore": 92, "maxBankFeeMinor": 2500 }""");
        Assert.Equal(MatchPolicy.Default with { MinNameScore = 92, MaxBankFeeMinor = 2500 }, policy);
    }

    [Fact]
    public void Parse_FileWithAByteOrderMark_IsRead()
    {
        var json = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{ \"minNameLead\": 8 }")).ToArray();
        Assert.Equal(MatchPolicy.Default with { MinNameLead = 8 }, MatchPolicyFile.Parse(json, "policy.json"));
    }

    [Property(MaxTest = 200, Replay = "(7,13)")]
    public Property Parse_WrittenSettings_ReadBackEqual() =>
        Prop.ForAll(
            (from size in Gen.Choose(1, 8)
             from candidates in Gen.Choose(2, SubsetSum.MaxItems)
             from score in Gen.Choose(0, 100)
             from permille in Gen.Choose(0, 1000)
             from edits in Gen.Choose(0, 2)
             from suggestions in Gen.Choose(0, 50)
             select MatchPolicy.Default with
             {
                 MaxCombinationSize = size,
                 MaxCombinationCandidates = candidates,
                 MinNameScore = score,
                 MaxChanceSingle = permille / 1000.0,
                 MaxShortPayShare = permille / 1000m,
                 MaxReferenceEdits = edits,
                 MaxSuggestions = suggestions,
             }).ToArbitrary(),
            expected =>
            {
                var json = string.Create(CultureInfo.InvariantCulture, $$"""
                    {
                      "maxCombinationSize": {{expected.MaxCombinationSize}}, "maxCombinationCandidates": {{expected.MaxCombinationCandidates}},
                      "minNameScore": {{expected.MinNameScore}}, "maxChanceSingle": {{expected.MaxChanceSingle}},
                      "maxShortPayShare": {{expected.MaxShortPayShare}}, "maxReferenceEdits": {{expected.MaxReferenceEdits}},
                      "maxSuggestions": {{expected.MaxSuggestions}}
                    }
                    """);
                return (Parse(json) == expected).Label(json);
            });

    [Theory]
    [InlineData("{\n  \"minNameScore\": 90,\n  \"minNameScor\": 91\n}", "policy.json:3: setting 'minNameScor': unknown setting; expected one of")]
    [InlineData("{\n  \"minNameScore\": 101\n}", "policy.json:2: setting 'minNameScore': expected a whole number from 0 to 100, found 101.")]
    [InlineData("{\n  \"maxCombinationSize\": 2.5\n}", "policy.json:2: setting 'maxCombinationSize': expected a whole number from 1 to 8, found 2.5.")]
    [InlineData("{ \"maxShortPayShare\": \"half\" }", "policy.json:1: setting 'maxShortPayShare': expected a number from 0 to 1, found \"half\".")]
    [InlineData("{\n  \"minNameScore\": 90,\n  \"minNameScore\": 95\n}", "policy.json:3: setting 'minNameScore': set twice (first on line 2); expected each setting once.")]
    [InlineData("", "policy.json:1: expected a JSON object of settings")]
    [InlineData("[ 1, 2 ]", "policy.json:1: expected a JSON object of settings")]
    [InlineData("{ \"minNameScore\": 90 } { }", "policy.json:1: not valid JSON")]
    [InlineData("{\n  \"minNameScore\": 90,\n", "policy.json:3: not valid JSON")]
    public void Parse_BadFile_NamesTheLineTheSettingAndWhatWasExpected(string json, string message)
    {
        var ex = Assert.Throws<MatchPolicyException>(() => Parse(json));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_BelowTheAutomaticConfidence_GoesToExceptionsWithTheMatchSuggested()
    {
        var scenario = new MatchingScenario()
            .Customer("C1", "Harbor Urban Health Inc.")
            .Invoice("AR1", "C1", "INV-1004567", 1_234_50)
            .Invoice("AR2", "C1", "INV-1004568", 99_99)
            .Pay("P1", 1_234_50, text: "INV-1004567")
            .Pay("P2", 99_99, payer: "HARBOR URBAN HEALTH");
        var policy = Parse("""{ "minAutoConfidence": 0.95 }""");
        // A table in which a payer's only item of the amount, found by name, is right 9 times in 10, and a quoted invoice always.
        var table = ConfidenceCalibration.Fit(
            [
                (Evidence.Of(MatchMethod.ExactReference, 0.99, EvidenceSource.Text, 1, EvidenceShape.Full), 10_000, 10_000),
                (Evidence.Of(MatchMethod.NameAmount, 0.9, EvidenceSource.Name, 1, EvidenceShape.Full), 1_000, 900),
            ],
            "test");

        var result = new CashMatcher(scenario.Items, scenario.Customers, policy) { Calibration = table }.Match(scenario.Payments);

        // By reference (0.999): still applied. By name and amount (0.900): for review.
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 1_234_50 }, result.AppliedFor("P1"));
        Assert.Empty(result.AppliedFor("P2"));
        var exception = result.ExceptionFor("P2")!;
        Assert.Equal(99_99, exception.Unapplied.Minor);
        Assert.Equal(["AR2"], exception.Suggestions[0].ItemIds);
        Assert.Contains("confidence 0.900, below the 0.95", exception.Detail, StringComparison.Ordinal);

        // The default policy applies it.
        Assert.Equal(new SortedDictionary<string, long> { ["AR2"] = 99_99 }, new CashMatcher(scenario.Items, scenario.Customers, MatchPolicy.Default) { Calibration = table }.Match(scenario.Payments).AppliedFor("P2"));
    }
}
