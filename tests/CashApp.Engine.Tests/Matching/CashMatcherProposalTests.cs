using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Propose is Match without consequences: the same answer as a fresh matcher, every time, from any thread.</summary>
public sealed class CashMatcherProposalTests
{
    private static readonly Lazy<(List<OpenItem> Items, List<Customer> Customers, Payment[] Payments)> Demo = new(() =>
    {
        var items = ArFiles.ReadOpenItems(Path.Combine(TestPaths.Fixtures, "demo", "open_items.csv"));
        var customers = ArFiles.ReadCustomers(Path.Combine(TestPaths.Fixtures, "demo", "customers.csv"));
        var payments = items.Where(i => i.OpenMinor > 0).Take(200).Select((item, n) => new Payment(
            "P" + n.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            item.Open,
            item.CustomerName,
            null,
            n % 3 == 0 ? [] : [new RemittanceLine(item.InvoiceNumber, item.OpenMinor)],
            null,
            "demo",
            n + 1)).ToArray();
        return (items, customers, payments);
    });

    [Fact]
    public void Propose_Repeated_SameAsFreshMatcherAndLeavesOpenAmounts()
    {
        var (items, customers, payments) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var expected = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);

        var first = matcher.Propose(payments);
        var second = matcher.Propose(payments);

        Assert.NotEmpty(expected.Applications);
        Assert.Equal(expected.Applications, first.Applications);
        Assert.Equal(expected.Applications, second.Applications);
        Assert.Equal(expected.Exceptions.Count, second.Exceptions.Count);
        Assert.All(items, i => Assert.Equal(i.OpenMinor, matcher.RemainingMinor(i.ItemId)));
    }

    [Fact]
    public async Task Propose_ManyThreadsOnePaymentEach_EachAsIfAlone()
    {
        var (items, customers, all) = Demo.Value;
        var payments = all[..60];
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var alone = payments.Select(p => new CashMatcher(items, customers, MatchPolicy.Default).Match([p]).Applications).ToArray();

        var together = await Task.WhenAll(payments.Select((p, n) => Task.Run(() => (n, matcher.Propose([p]).Applications))));

        Assert.All(together, r => Assert.Equal(alone[r.n], r.Applications));
        Assert.All(items, i => Assert.Equal(i.OpenMinor, matcher.RemainingMinor(i.ItemId)));
    }

    [Fact]
    public async Task Fork_WhileSourceConsumed_StartsFromOpeningAmountsAndProposesAsFresh()
    {
        var (items, customers, all) = Demo.Value;
        var payments = all[..60];
        var source = new CashMatcher(items, customers, MatchPolicy.Default);
        var expected = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);
        source.Match(payments);

        var forks = Enumerable.Range(0, 4).Select(_ => source.Fork()).ToArray();
        var results = await Task.WhenAll(forks.Select(f => Task.Run(() => f.Propose(payments))));

        Assert.All(results, r => Assert.Equal(expected.Applications, r.Applications));
        Assert.All(forks, f => Assert.All(items, i => Assert.Equal(i.OpenMinor, f.RemainingMinor(i.ItemId))));
        Assert.Contains(items, i => source.RemainingMinor(i.ItemId) != i.OpenMinor);
    }

    [Fact]
    public void CountDecidedAtOnce_DecidesTheQuotedInvoicesAndAppliesNothing()
    {
        var (items, customers, payments) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var expected = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);
        var quoting = payments.Count(p => p.Remittance.Count > 0);

        var decided = matcher.CountDecidedAtOnce(payments);

        // Only a payment that quotes can be decided at once; the demo day has some that name one invoice at its amount.
        Assert.InRange(decided, 1, quoting);
        Assert.All(items, i => Assert.Equal(i.OpenMinor, matcher.RemainingMinor(i.ItemId)));
        Assert.Equal(expected.Applications, matcher.Match(payments).Applications);
        Assert.Equal(0, new CashMatcher(items, customers, MatchPolicy.Default) { DecideAtOnceEnabled = false }.CountDecidedAtOnce(payments));
    }
}
