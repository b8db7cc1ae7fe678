using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The matcher's per-thread buffers (the keys a payment quoted, the hits of a quote) carry nothing from one payment to
/// the next.
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
}
