using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Propose is Match without consequences: the same answer as a fresh matcher, every time, from any thread.</summary>
public sealed class CashMatcherProposalTests
{
    private static readonly Lazy<(List<OpenItem> Items, List<Customer> Customers, Payment[] Payments)> Demo = new(() =>
    {
        var items = ArFiles.ReadOpenItems(TestPaths.Demo("open_items.csv"));
        var customers = ArFiles.ReadCustomers(TestPaths.Demo("customers.csv"));
        return (items, customers, PayingOpenItems(items, "P", 200));
    });

    /// <summary>One payment per open item, of its open amount, from its customer; every third quotes nothing.</summary>
    private static Payment[] PayingOpenItems(List<OpenItem> items, string prefix, int count) =>
        items.Where(i => i.OpenMinor > 0).Take(count).Select((item, n) => new Payment(
            prefix + n.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            item.Open,
            item.CustomerName,
            null,
            n % 3 == 0 ? [] : [new RemittanceLine(item.InvoiceNumber, item.OpenMinor)],
            null,
            "demo",
            n + 1)).ToArray();

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
    public void Fork_BatchTouchingManyItemsWithPayersFoundAhead_SameAsFreshMatchEveryCall()
    {
        // Enough payments, a third quoting nothing, for the payer prefetch to run on a second thread while the
        // fork's table of consumed amounts grows many times over.
        var (items, customers, _) = Demo.Value;
        var payments = PayingOpenItems(items, "Q", 900);
        var expected = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);
        var fork = new CashMatcher(items, customers, MatchPolicy.Default).Fork();

        var first = fork.Propose(payments);
        var second = fork.Propose(payments);

        Assert.True(expected.Applications.Count > 300, $"{expected.Applications.Count} applications");
        Assert.Equal(expected.Applications, first.Applications);
        Assert.Equal(expected.Applications, second.Applications);
        Assert.Equal(expected.Exceptions.Select(e => (e.PaymentRef, e.Unapplied, e.Reason, e.Detail)), second.Exceptions.Select(e => (e.PaymentRef, e.Unapplied, e.Reason, e.Detail)));
        Assert.All(items, i => Assert.Equal(i.OpenMinor, fork.RemainingMinor(i.ItemId)));
    }

    [Fact]
    public void Fork_OnALargeLedger_AllocatesForTheItemsItsCallTouchesNotForTheLedger()
    {
        // 200,000 items: one array of their open amounts is 1.6 MB, which a fork must not copy.
        const int count = 200_000;
        var items = Enumerable.Range(0, count).Select(n => new OpenItem(
            $"X{n:D6}", DocType.Invoice, $"C{n / 20}", $"CUSTOMER {n / 20} LTD", $"INV-{1_000_000 + n}", null, MatchingScenario.Usd, 100_00 + (n % 997), new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1))).ToList();
        var source = new CashMatcher(items, [], MatchPolicy.Default);
        Payment[] payments = [new Payment("P1", new Money(100_00 + (123_456 % 997), MatchingScenario.Usd), "CUSTOMER 6172 LTD", null, [new RemittanceLine("INV-1123456", 100_00 + (123_456 % 997))], null, "test.bai2", 1)];
        source.Fork().Propose(payments);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var fork = source.Fork();
        var result = fork.Propose(payments);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("X123456", Assert.Single(result.Applications).ItemId);
        Assert.True(allocated < count * sizeof(long) / 8, $"a fork and one call allocated {allocated:N0} bytes over {count:N0} items");
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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void Match_NoOpenItems_EveryQuotingPaymentGoesToExceptionsWhole(int itemsOfAnotherCurrency)
    {
        // The lookahead reads ahead of the payment being decided: from the first payment of a batch to the
        // last, and whether the ledger is empty or names nothing the payments quote, it must not trip.
        var items = Enumerable.Range(0, itemsOfAnotherCurrency).Select(n => new OpenItem(
            $"X{n}", DocType.Invoice, "C1", "ACME INC", $"INV-{1000 + n}", null, new CurrencyCode("EUR"), 100_00 + n, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1))).ToList();
        var customers = itemsOfAnotherCurrency == 0 ? [] : new List<Customer> { new("C1", "ACME INC", null, [], []) };
        var payments = Enumerable.Range(0, 40).Select(n => new Payment(
            $"P{n:D3}", new Money(100_00 + n, MatchingScenario.Usd), "ACME", null, [new RemittanceLine($"INV-{1000 + n}", 100_00 + n)], $"INVOICE {1000 + n} AND 77{n:D5}", "test.bai2", n + 1)).ToArray();

        for (var batch = 1; batch <= payments.Length; batch += 13)
        {
            var result = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments[..batch]);

            Assert.Empty(result.Applications);
            Assert.Equal(payments[..batch].Select(p => (p.PaymentRef, p.Amount)), result.Exceptions.Select(e => (e.PaymentRef, e.Unapplied)));
        }
    }

    [Fact]
    public void Book_EveryItemGivenInAnyOrder_FoundByIdAsGivenAndUnknownIdsNot()
    {
        var (items, customers, _) = Demo.Value;
        // Reversed, so the matcher's id order is not the order the items were given in.
        var given = items.AsEnumerable().Reverse().ToList();
        var matcher = new CashMatcher(given, customers, MatchPolicy.Default);

        // The matcher keeps its items by column: what the books are checked on is each item as it was given.
        var book = matcher.Book;
        Assert.All(given, i => Assert.Equal(Booked(i), Booked(book, book.Find(i.ItemId))));
        var fork = matcher.Fork().Book;
        Assert.Equal(Booked(given[0]), Booked(fork, fork.Find(given[0].ItemId)));
        Assert.Equal(-1, book.Find("NO-SUCH-ITEM"));
        Assert.Equal(-1, book.Find(string.Empty));
    }

    [Fact]
    public void Book_OfAGeneration_ItsAddedAndChangedItemsAsTheyNowStand()
    {
        var (items, customers, _) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var changed = items.First(i => i.OpenMinor > 2);
        var added = changed with { ItemId = "AR-ADDED-1", InvoiceNumber = "INV-ADDED-1", Currency = new CurrencyCode("EUR"), OpenMinor = 777 };
        var now = changed with { OpenMinor = changed.OpenMinor / 2 };
        var onRecord = customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal);

        var next = matcher.WithChangedItems([(changed.ItemId, now), (added.ItemId, added)], onRecord.Contains);

        Assert.NotNull(next);
        foreach (var book in new[] { next.Book, next.Fork().Book })
        {
            Assert.Equal(Booked(added), Booked(book, book.Find(added.ItemId)));
            Assert.Equal(Booked(now), Booked(book, book.Find(changed.ItemId)));
        }

        // The books of a payment to the added item balance against its amount, and not past it.
        var payment = new Payment("P-ADDED", new Money(777, added.Currency), added.CustomerName, null, [new RemittanceLine(added.InvoiceNumber, 777)], null, "test", 1);
        var paid = new Application("P-ADDED", added.ItemId, new Money(777, added.Currency), MatchMethod.ExactReference, new MatchScore(1), "test");
        Assert.Equal(1, BalanceCheck.VerifyAndCount([payment], next.Book, [], [paid], []).Applied);
        var over = Assert.Throws<InvalidOperationException>(() => BalanceCheck.VerifyAndCount([payment with { Amount = new Money(778, added.Currency) }], next.Book, [], [paid with { Amount = new Money(778, added.Currency) }], []));
        Assert.Equal("Item AR-ADDED-1 applied 778 against an open amount of 777 (minor units).", over.Message);
    }

    [Fact]
    public void ItemsMoved_AfterARun_TheItemsAppliedToInIdOrder()
    {
        var (items, customers, payments) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        Assert.Empty(matcher.ItemsMoved());

        var applied = matcher.Match(payments).Applications.Select(a => a.ItemId).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(applied);
        var byId = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        var book = matcher.Book;
        var moved = matcher.ItemsMoved().Select(i => Booked(book, i)).ToList();
        Assert.Equal(applied.Order(StringComparer.Ordinal), moved.Select(i => i.ItemId));
        Assert.All(moved, i => Assert.Equal(Booked(byId[i.ItemId]), i));
    }

    private static (string ItemId, CurrencyCode Currency, long OpenMinor) Booked(OpenItem item) => (item.ItemId, item.Currency, item.OpenMinor);

    private static (string ItemId, CurrencyCode Currency, long OpenMinor) Booked(CashMatcher.ItemBook book, int item) =>
        (book.IdOf(item).ToString(), book.CurrencyOf(item), book.OpenMinorOf(item));
}
