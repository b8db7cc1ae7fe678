using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuzzySharp;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The allocation-free ratio gives FuzzySharp's own Fuzz.Ratio, whole and cut, for names of any length.</summary>
public sealed class NameRatioProperties
{
    // Compact names as the directory holds them (and a few longer or non-ASCII ones, which go to FuzzySharp).
    private static readonly Gen<string> Names =
        Gen.Choose(0, 70).SelectMany(length => Gen.ArrayOf(Gen.Elements('A', 'C', 'E', 'L', 'R', 'S', 'T', '1', 'É'), length))
            .Select(chars => new string(chars));

    [Property(MaxTest = 1000, Replay = "(21,23)")]
    public Property Ratio_IsFuzzSharpsRatio() =>
        Prop.ForAll(Names.ToArbitrary(), Names.ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), (payer, candidate, cutPercent) =>
        {
            var ratio = new NameRatio(payer);
            var cut = candidate.Length * cutPercent / 100;
            var whole = ratio.Ratio(candidate, candidate.Length);
            var part = ratio.Ratio(candidate, cut);
            return (whole == Fuzz.Ratio(payer, candidate) && part == Fuzz.Ratio(payer, candidate[..cut]))
                .Label($"'{payer}' ~ '{candidate}' cut {cut}: {whole} vs {Fuzz.Ratio(payer, candidate)}, {part} vs {Fuzz.Ratio(payer, candidate[..cut])}");
        });

    /// <summary>The thread's ratio, set to a payer after another, scores as a ratio made for that payer alone.</summary>
    [Property(MaxTest = 1000, Replay = "(31,37)")]
    public Property OfThread_AfterAnotherPayer_ScoresAsANewRatio() =>
        Prop.ForAll(Names.ToArbitrary(), Names.ToArbitrary(), Names.ToArbitrary(), (before, payer, candidate) =>
        {
            _ = NameRatio.OfThread(before).Ratio(candidate, candidate.Length);
            var reused = NameRatio.OfThread(payer).Ratio(candidate, candidate.Length);
            var fresh = new NameRatio(payer).Ratio(candidate, candidate.Length);
            return (reused == fresh).Label($"'{payer}' after '{before}' ~ '{candidate}': {reused} vs {fresh}");
        });
}
