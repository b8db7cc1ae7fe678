using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A ledger past what one matcher holds is refused with a <see cref="LedgerCapacityException"/> that says which limit,
/// how much was asked and how much is held, on every path that fills a matcher: a reader's items added one by one,
/// items written in parallel parts, a generation's added items, and the fuzzy index of a build and of a generation. The
/// limits (some 67 million items of the 1M-payment day's kind) are lowered here so that a few items reach them.
/// </summary>
public sealed class MatcherCapacityTests
{
    private static readonly CurrencyCode Usd = new("USD");

    // Every text here is ASCII and shorter than 127 characters: a head byte and a byte a character.
    private static OpenItem Item(int i) =>
        new($"AR{i:D5}", DocType.Invoice, $"C{i % 7}", $"Customer {i % 7}", $"INV-{i:D6}", i % 2 == 0 ? null : $"PO{i:D4}", Usd, 100 + i, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1));

    private static long BytesOf(OpenItem item) => 1 + item.ItemId.Length + 1 + item.InvoiceNumber.Length + 1 + (item.PoNumber?.Length ?? 0);

    private static ItemRecords AddedOneByOne(IEnumerable<OpenItem> items)
    {
        var records = ItemRecords.ForReading(4, 16);
        foreach (var item in items)
        {
            records.Add(item.ItemId, item.DocType, item.CustomerId, item.CustomerName, item.InvoiceNumber, item.PoNumber is not null, item.PoNumber, item.Currency, item.OpenMinor, item.DocDate, item.DueDate, item.Terms);
        }

        return records;
    }

    [Fact]
    public void Add_TextsUpToTheLimit_HeldAndTheNextItemRefused()
    {
        var items = Enumerable.Range(0, 40).Select(Item).ToArray();
        var upTo = items.Take(39).Sum(BytesOf);
        using (MatcherCapacity.Lowered(textBytes: (int)upTo))
        {
            var records = AddedOneByOne(items.Take(39));
            Assert.Equal(upTo, records.TextBytes);
            Assert.Equal(items[38].ItemId, records.ItemId(38));

            var refused = Assert.Throws<LedgerCapacityException>(() => AddedOneByOne(items));
            Assert.Equal(upTo + BytesOf(items[39]), refused.Asked);
            Assert.Equal(upTo, refused.Limit);
            Assert.Equal(
                string.Create(CultureInfo.InvariantCulture, $"The open items' ids, invoice numbers and PO numbers take at least {refused.Asked:N0} bytes, and one ledger holds at most {upTo:N0}."),
                refused.Message);
        }

        // The limit lowered is gone with its scope.
        Assert.Equal(40, AddedOneByOne(items).Count);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(ItemRecords.PartsFrom + 500)]
    public void Of_TextsPastTheLimit_RefusedAtTheLimitHeld(int count)
    {
        var items = Enumerable.Range(0, count).Select(Item).ToArray();
        var total = items.Sum(BytesOf);
        using (MatcherCapacity.Lowered(textBytes: (int)total))
        {
            var held = ItemRecords.Of(items, count, count + 1_000);
            Assert.Equal(total, held.TextBytes);
            Assert.Equal(items[^1].InvoiceNumber, held.InvoiceNumber(count - 1));
        }

        using (MatcherCapacity.Lowered(textBytes: (int)total - 1))
        {
            var refused = Assert.Throws<LedgerCapacityException>(() => ItemRecords.Of(items, count, count));
            Assert.Equal(total, refused.Asked);
            Assert.Equal(total - 1, refused.Limit);
        }
    }

    [Fact]
    public void WithAdded_TextsPastTheLimit_RefusedAndTheOlderRecordsReadAsBefore()
    {
        var items = Enumerable.Range(0, 30).Select(Item).ToArray();
        var records = ItemRecords.Of(items, 20, 20);
        var total = items.Sum(BytesOf);
        using (MatcherCapacity.Lowered(textBytes: (int)total - 1))
        {
            var refused = Assert.Throws<LedgerCapacityException>(() => records.WithAdded(items[20..], 20, 64, copy: true));
            Assert.Equal(total, refused.Asked);
        }

        Assert.Equal(20, records.Count);
        Assert.Equal(items[19].ItemId, records.ItemId(19));
        Assert.Equal(total, records.WithAdded(items[20..], 20, 64, copy: true).TextBytes);
    }

    [Fact]
    public void Build_MoreItemsThanTheFuzzyIndexTakes_Refused()
    {
        var items = Enumerable.Range(0, 50).Select(Item).ToArray();
        using (MatcherCapacity.Lowered(fuzzyItems: 50))
        {
            // Items 0 to 49: every one has a place, the last too.
            var matcher = new CashMatcher(items, [], MatchPolicy.Default);
            var paid = matcher.Propose([new Payment("P1", new Money(149, Usd), "Customer 0", null, [], "INV-000049", "day.bai2", 1)]);
            Assert.Equal("AR00049", Assert.Single(paid.Applications).ItemId);
        }

        using (MatcherCapacity.Lowered(fuzzyItems: 49))
        {
            var refused = Assert.Throws<LedgerCapacityException>(() => new CashMatcher(items, [], MatchPolicy.Default));
            Assert.Equal(50, refused.Asked);
            Assert.Equal(49, refused.Limit);
            Assert.Equal("The open items are more than the index of invoice numbers takes: item 50 in id order has an invoice number to index, and one ledger indexes those of its first 49 items at most.", refused.Message);
        }
    }

    [Fact]
    public void Generation_ItemsNumberedPastTheFuzzyIndexsRoom_NotCarriedAndAFullBuildNumbersTheOpenOnes()
    {
        var items = Enumerable.Range(0, 30).Select(Item).ToArray();
        var matcher = new CashMatcher(items, [], MatchPolicy.Default);
        var added = Item(30);
        using (MatcherCapacity.Lowered(fuzzyItems: 30))
        {
            // Item 30 would be numbered past the room, though one of the 30 closes: carried no further, so that the
            // caller reads the ledger in full, where the 30 open items fit.
            Assert.Null(matcher.WithChangedItems([(added.ItemId, added), (items[0].ItemId, null)], _ => false));
            var open = items[1..].Append(added).ToArray();
            var paid = new CashMatcher(open, [], MatchPolicy.Default).Propose([new Payment("P1", new Money(added.OpenMinor, Usd), null, null, [], added.InvoiceNumber, "day.bai2", 1)]);
            Assert.Equal(added.ItemId, Assert.Single(paid.Applications).ItemId);
            Assert.Throws<LedgerCapacityException>(() => new CashMatcher([.. items, added], [], MatchPolicy.Default));
        }

        Assert.NotNull(matcher.WithChangedItems([(added.ItemId, added)], _ => false));
    }

    [Fact]
    public void Build_KeysPastWhatAnIndexArrayHolds_RefusedNamingTheKeys()
    {
        // Invoice numbers of 12 characters (INV-000000-n): as printed and without their prefix, 23 characters and 2
        // keys an item; PO numbers of 80 characters where every third item has one.
        var items = Enumerable.Range(0, 60).Select(i => Item(i) with { InvoiceNumber = $"INV-{i:D6}-{i % 10}", PoNumber = i % 3 == 0 ? $"PO-{i:D77}" : null }).ToArray();
        long invoiceKeys;
        using (MatcherCapacity.Lowered(indexLength: 1))
        {
            var refused = Assert.Throws<LedgerCapacityException>(() => new CashMatcher(items, [], MatchPolicy.Default));
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"The open items' invoice numbers' keys come to {refused.Asked:N0} characters, and one ledger's index of them holds at most 1."), refused.Message);
            invoiceKeys = refused.Asked;

            // A key or two a number, of a few characters to its length each.
            Assert.InRange(invoiceKeys, 60 * 2, 60 * 25);
        }

        long poKeys;
        using (MatcherCapacity.Lowered(indexLength: (int)invoiceKeys))
        {
            // Room for the invoice numbers' keys, just: not for the PO numbers', which are longer in all.
            var refused = Assert.Throws<LedgerCapacityException>(() => new CashMatcher(items, [], MatchPolicy.Default));
            Assert.StartsWith("The open items' PO numbers' keys come to ", refused.Message, StringComparison.Ordinal);
            poKeys = refused.Asked;
            Assert.True(poKeys > invoiceKeys, $"{poKeys}");
        }

        using (MatcherCapacity.Lowered(indexLength: (int)poKeys))
        {
            var paid = new CashMatcher(items, [], MatchPolicy.Default).Propose([new Payment("P1", new Money(items[59].OpenMinor, Usd), null, null, [], items[59].InvoiceNumber, "day.bai2", 1)]);
            Assert.Equal(items[59].ItemId, Assert.Single(paid.Applications).ItemId);
        }
    }

    [Fact]
    public async Task Lowered_HoldsInItsOwnFlowAndWhatItStarts_NotInOthersAndNotAfter()
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var beside = Task.Run(async () =>
        {
            await go.Task;
            return (MatcherCapacity.TextBytes, MatcherCapacity.FuzzyItems);
        });

        using (MatcherCapacity.Lowered(textBytes: 1_000, fuzzyItems: 10))
        {
            using (MatcherCapacity.Lowered(textBytes: 500, fuzzyItems: 5))
            {
                Assert.Equal((500, 5), await Task.Run(() => (MatcherCapacity.TextBytes, MatcherCapacity.FuzzyItems)));
            }

            Assert.Equal((1_000, 10), (MatcherCapacity.TextBytes, MatcherCapacity.FuzzyItems));
            go.SetResult();
            Assert.Equal((Array.MaxLength, DeleteNeighbourhoodIndex.MaxItems), await beside);
        }

        Assert.Equal((Array.MaxLength, DeleteNeighbourhoodIndex.MaxItems), (MatcherCapacity.TextBytes, MatcherCapacity.FuzzyItems));
    }
}
