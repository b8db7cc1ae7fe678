using CashApp.Parsers.Remittance;

namespace CashApp.Parsers.Tests.Remittance;

/// <summary>The label scan's table of candidate labels, by the two characters before a label's colon.</summary>
public sealed class PaymentTextScanTests
{
    [Fact]
    public void IndexByEnding_EveryBucket_HoldsItsLabelsLongestFirstAndOtherwiseInListOrder()
    {
        // The reference is the LINQ the table was built with before: labels grouped by ending, then a stable sort by
        // length, longest first. The scan tries a bucket's labels in this order, so a different order is a different scan.
        var expected = new PaymentTextScan.Candidate[]?[256];
        var candidates = PaymentTextParser.Labels.Select(
            (label, index) => new PaymentTextScan.Candidate(index, label.Text, label.Weak, label.Role == PaymentTextParser.Role.Remittance));
        foreach (var group in candidates.GroupBy(c => PaymentTextScan.Ending(c.Text[^3], c.Text[^2])))
        {
            expected[group.Key] = [.. group.OrderByDescending(c => c.Text.Length)];
        }

        var actual = PaymentTextScan.IndexByEnding();

        Assert.Equal(expected.Length, actual.Length);
        for (var ending = 0; ending < expected.Length; ending++)
        {
            Assert.Equal(expected[ending], actual[ending]);
        }
    }
}
