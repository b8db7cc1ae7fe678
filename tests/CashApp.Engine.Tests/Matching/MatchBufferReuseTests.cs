using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The matcher's per-thread buffers (the keys a payment quoted, the hits of a quote) carry nothing from one payment to
/// the next, and the name lookup from a score keeps exactly what the whole lookup finds at that score or above.
/// </summary>
public sealed class MatchBufferReuseTests
{
    /// <summary>
    /// A payment whose free text quotes the number the payment before it quoted on a remittance line is read as a quote
    /// of its own: were the map of quoted keys kept from that payment, the number would count as quoted by a line, be
    /// dropped, and the payment decided by payer and amount instead of by the near number.
    /// </summary>
    [Fact]
    public void Analyse_AfterAPaymentThatQuotedTheSameNumber_ReadsItAsAFreshQuote()
    {
        var after = new MatchingScenario()
            .Customer("C1", "Alder Logistics")
            .Invoice("I1", "C1", "INV-1004567", 10_000)
            .Invoice("I2", "C1", "INV-1004568", 5_000)
            .Pay("P1", 10_000, payer: "ALDER LOGISTICS", lines: MatchingScenario.Line("INV-1004567"))
            .Pay("P2", 5_000, payer: "ALDER LOGISTICS", text: "INV-1004567");
        var alone = new MatchingScenario()
            .Customer("C1", "Alder Logistics")
            .Invoice("I2", "C1", "INV-1004568", 5_000)
            .Pay("P2", 5_000, payer: "ALDER LOGISTICS", text: "INV-1004567");

        // The general path, where the map is used: the at-once path would decide P1 without it.
        var afterResult = new CashMatcher(after.Items, after.Customers, MatchPolicy.Default) { DecideAtOnceEnabled = false }.Match(after.Payments);
        var aloneResult = new CashMatcher(alone.Items, alone.Customers, MatchPolicy.Default) { DecideAtOnceEnabled = false }.Match(alone.Payments);

        Assert.Equal(10_000, afterResult.AppliedFor("P1")["I1"]);
        var applied = Assert.Single(afterResult.Applications, a => a.PaymentRef == "P2");
        var expected = Assert.Single(aloneResult.Applications);
        Assert.Equal(MatchMethod.FuzzyReference, expected.Method);
        Assert.Equal((expected.ItemId, expected.Method, expected.Explanation), (applied.ItemId, applied.Method, applied.Explanation));
    }

    [Property(MaxTest = 200, Replay = "(43,47)")]
    public Property ByName_FromAScore_IsTheWholeLookupCutThere() =>
        Prop.ForAll(
            Gen.Choose(5, 60).SelectMany(n => Gen.ArrayOf(Gen.Elements(NameLookupProperties.Words), n)
                .SelectMany(words => Gen.ArrayOf(Gen.Elements(words), 12).Select(payers => (Words: words, Payers: payers)))).ToArbitrary(),
            Gen.Choose(0, NameLookupProperties.Limits.Length - 1).ToArbitrary(),
            Gen.Choose(0, 101).ToArbitrary(),
            (day, limitsAt, minScore) =>
            {
                // Names of two words from a small vocabulary, so that many customers share words and scores spread.
                var (words, payers) = day;
                var customers = words.Select((word, i) => new Customer($"C{i:D3}", word + " " + words[(i * 7) % words.Length], null, [], [])).ToList();
                var directory = new CustomerDirectory(customers, [], NameLookupProperties.Limits[limitsAt]);
                foreach (var payer in payers.Select((p, i) => p + " " + payers[(i + 1) % payers.Length]).Append(string.Empty))
                {
                    var whole = directory.ByName(payer).Where(c => c.Score >= minScore).ToList();
                    var cut = directory.ByName(payer, minScore);
                    if (!whole.SequenceEqual(cut))
                    {
                        return false.Label($"'{payer}' from {minScore}: [{string.Join("; ", cut.Select(c => $"{c.Customer} {c.Score}"))}], the whole lookup cut [{string.Join("; ", whole.Select(c => $"{c.Customer} {c.Score}"))}]");
                    }
                }

                return true.Label("same");
            });
}
