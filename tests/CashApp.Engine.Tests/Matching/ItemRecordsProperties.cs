using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The matcher's items by column read back as the records they were written from, field by field, and a generation's
/// added items never change what an older generation reads.
/// </summary>
public sealed class ItemRecordsProperties
{
    private static readonly CurrencyCode[] Currencies = [new("USD"), new("JPY"), new("BHD"), new("EUR"), new("CLF")];

    private static readonly PaymentTerms?[] Terms = [null, new("2/10 NET 30", 200, 10, 30), new("NET 45", 0, 0, 45), new("1% 15", 100, 15, null)];

    // Texts of every kind a file or the store can give: empty, short, with characters of Latin-1 past ASCII (kept a byte
    // each) and past Latin-1 (kept in UTF-16), and now and then around the lengths past which a text's length takes
    // five bytes (127 characters of Latin-1, 126 others).
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements(string.Empty, "A", "AR1", "INV-1004567", "PO 77/ä", "\u00FF\u00FE", "\u0100", "Zbł-9", "\uFFFE", "\uFFFF\uFFFE", "12\" pipe"),
        Gen.Choose(0, 40).Select(n => new string('x', n)),
        Gen.Choose(124, 129).Select(n => new string('L', n)),
        Gen.Choose(123, 128).Select(n => new string('L', n - 1) + "\u0141"),
        Gen.Choose(65_532, 65_537).Select(n => new string('L', n)));

    private static Gen<OpenItem> Item(int at) =>
        from invoice in Text
        from po in Gen.OneOf(Gen.Constant<string?>(null), Text.Select(t => (string?)t))
        from currency in Gen.Elements(Currencies)
        from open in Gen.Elements(0L, 1L, -250_00L, 999_999_999_99L, long.MinValue, long.MaxValue)
        from type in Gen.Elements(DocType.Invoice, DocType.CreditMemo, DocType.DebitMemo)
        from days in Gen.Choose(0, 3_652_058)
        from terms in Gen.Elements(Terms)
        from customer in Gen.Elements("C1", "C2", string.Empty)
        from name in Gen.Elements("Acme", "ACME LTD", string.Empty)
        select new OpenItem($"AR{at}", type, customer, $"{name} {customer}", invoice, po, currency, open,
            DateOnly.FromDayNumber(days), DateOnly.FromDayNumber(3_652_058 - days)) { Terms = terms };

    private static Gen<List<OpenItem>> Items(int from, int most) =>
        Gen.Choose(0, most).SelectMany(n => Gen.CollectToList(Enumerable.Range(from, n).Select(Item)));

    [Property(MaxTest = 200, Replay = "(7,11)")]
    public Property Of_ReadsBackEveryItemAsItsRecord() =>
        Prop.ForAll(
            Items(0, 30).ToArbitrary(),
            Gen.Choose(0, 10).ToArbitrary(),
            (items, room) =>
            {
                var records = ItemRecords.Of([.. items], items.Count, items.Count + room);

                // Records given as records (a served ledger) are read the same way.
                var given = ItemRecords.OverRecords([.. items, .. new OpenItem[room]], items.Count);
                return (records.Capacity == items.Count + room && ReadsBack(records, items, 0) && given.Capacity == items.Count + room && ReadsBack(given, items, 0))
                    .Label($"{items.Count} items, room {room}");
            });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Of_ItemsWrittenInParts_ReadBackInOrder(bool withTerms)
    {
        // Enough items for the parts on every core, each with texts of another length and now and then of another kind
        // (past Latin-1, long), so that a part's texts starting one byte off would read another item's.
        var items = Enumerable.Range(0, ItemRecords.PartsFrom + 1_234)
            .Select(i => new OpenItem($"AR{i}", DocType.Invoice, $"C{i % 97}", $"Name {i % 97}", InvoiceOf(i), i % 3 == 0 ? null : $"PO{i}",
                Currencies[i % Currencies.Length], i, DateOnly.FromDayNumber(700_000 + i), DateOnly.FromDayNumber(700_030 + i)) { Terms = withTerms ? Terms[i % Terms.Length] : null })
            .ToList();

        var records = ItemRecords.Of([.. items], items.Count, items.Count);

        Assert.True(ReadsBack(records, items, 0));
        Assert.Equal(withTerms, records.HasTermsColumn);

        static string InvoiceOf(int i) => (i % 29) switch
        {
            5 => new string('9', 127 + (i % 3)),
            7 => "\u0141" + new string('9', i % 13),
            11 => new string('\u0141', 125 + (i % 3)),
            _ => new string('9', i % 13),
        };
    }

    [Property(MaxTest = 150, Replay = "(5,3)")]
    public Property WithAdded_WritesTheAddedAfterAndLeavesOlderGenerationsAsTheyRead() =>
        Prop.ForAll(
            (from built in Items(0, 12) from first in Items(100, 12) from second in Items(200, 12) select (built, first, second)).ToArbitrary(),
            Gen.Choose(0, 30).ToArbitrary(),
            Gen.Elements(true, false).ToArbitrary(),
            (lists, room, byColumn) =>
            {
                var (built, first, second) = lists;
                var records = byColumn ? ItemRecords.Of([.. built], built.Count, built.Count + room) : ItemRecords.OverRecords([.. built, .. new OpenItem[room]], built.Count);

                // The first generation made from the build takes the room past it when its items fit there (the caller
                // has claimed it), and gets copies when they do not.
                var fits = built.Count + first.Count <= records.Capacity;
                var capacity = fits ? records.Capacity : built.Count + first.Count + 5;
                var one = records.WithAdded(first, built.Count, capacity, copy: !fits);

                // A second generation made from the build: the room is the first's now, so it always copies.
                var two = records.WithAdded(second, built.Count, built.Count + second.Count + 3, copy: true);

                return (ReadsBack(records, built, 0)
                        && ReadsBack(one, built, 0) && ReadsBack(one, first, built.Count)
                        && ReadsBack(two, built, 0) && ReadsBack(two, second, built.Count))
                    .Label($"built {built.Count}, room {room}, first {first.Count}, second {second.Count}, by column {byColumn}");
            });

    [Property(MaxTest = 200, Replay = "(13,17)")]
    public Property AddedByAReader_ReadBackInOrder_AndAgainAfterClear() =>
        Prop.ForAll(
            Items(0, 20).ToArbitrary(),
            Items(50, 20).ToArbitrary(),
            (first, second) =>
            {
                // Little room to begin with, so that the columns and the texts grow as a reader adds.
                var records = ItemRecords.ForReading(1, 1);
                AddAll(records, first);
                var once = records.Count == first.Count && ReadsBack(records, first, 0) && records.PartyCount == Pairs(first);

                // A block's columns are emptied and used again for the next block: nothing of the first stays, not its
                // pairs of customer id and name either (kept, a reused block's table would grow with every block).
                records.Clear();
                AddAll(records, second);
                return (once && records.Count == second.Count && ReadsBack(records, second, 0) && records.ToList().SequenceEqual(second)
                        && records.PartyCount == Pairs(second))
                    .Label($"{first.Count} then {second.Count}");
            });

    [Property(MaxTest = 200, Replay = "(29,31)")]
    public Property AddedInBlocks_EachPairOfCustomerIdAndNameKeptOnce() =>
        Prop.ForAll(
            Items(0, 40).ToArbitrary(),
            Gen.Choose(1, 9).ToArbitrary(),
            (items, rows) =>
            {
                // As a reader adds its blocks, each block's columns used again for the next. The names are new strings
                // each item (as from different blocks), the ids shared ones (as within a block): both must be found
                // again by their texts, across blocks too.
                var read = ItemRecords.ForReading(1, 1);
                var block = ItemRecords.ForReading(1, 1);
                foreach (var chunk in items.Chunk(rows))
                {
                    block.Clear();
                    AddAll(block, chunk);
                    read.AddAll(block);
                }

                var pairs = Pairs(items);
                var given = ItemRecords.Of([.. items], items.Count, items.Count);
                var partiesRead = read.PartyCount;
                var readBack = ReadsBack(read, items, 0);
                var moved = read.MovedInOrder([.. Enumerable.Range(0, items.Count).Reverse()], items.Count + 2);
                return (partiesRead == pairs && readBack && given.PartyCount == pairs && ReadsBack(given, items, 0)
                        && moved.PartyCount == pairs && ReadsBack(moved, [.. Enumerable.Reverse(items)], 0)
                        && Enumerable.Range(0, items.Count).All(i => moved.PartyOf(i) < pairs && moved.PartyId(moved.PartyOf(i)) == items[^(i + 1)].CustomerId))
                    .Label($"{items.Count} items in blocks of {rows}: {pairs} pairs, {partiesRead} read, {given.PartyCount} given");
            });

    [Property(MaxTest = 100, Replay = "(37,41)")]
    public Property Generations_InAnyTree_EachReadsItsOwnItems() =>
        Prop.ForAll(
            Items(0, 10).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            Gen.Elements(0, 1, 2).ToArbitrary(),
            (built, seed, how) =>
            {
                // A build by column (given, or read in blocks and moved into order) or over records, then generations made
                // from any generation made so far: siblings, grandchildren, generations of generations. As the matcher
                // does, the first generation made from one takes the room past its items when its items fit there, and
                // every later one from the same parent copies. After each, every generation still reads its own items.
                var random = new Random(seed);
                var room = random.Next(0, 12);
                ItemRecords root;
                if (how == 0)
                {
                    root = ItemRecords.Of([.. built], built.Count, built.Count + room);
                }
                else if (how == 1)
                {
                    var read = ItemRecords.ForReading(1, 1);
                    var block = ItemRecords.ForReading(1, 1);
                    foreach (var chunk in Enumerable.Reverse(built).Chunk(3))
                    {
                        block.Clear();
                        AddAll(block, chunk);
                        read.AddAll(block);
                    }

                    root = read.MovedInOrder([.. Enumerable.Range(0, built.Count).Reverse()], built.Count + room);
                }
                else
                {
                    root = ItemRecords.OverRecords([.. built, .. new OpenItem[room]], built.Count);
                }

                var made = new List<(ItemRecords Records, List<OpenItem> Items)> { (root, built) };
                var claimed = new HashSet<ItemRecords>(ReferenceEqualityComparer.Instance);
                var at = 1_000;
                for (var step = 0; step < 8; step++)
                {
                    var (parent, items) = made[random.Next(made.Count)];
                    var added = Enumerable.Range(0, random.Next(0, 5)).Select(_ => Added(random, at++)).ToList();
                    var inPlace = items.Count + added.Count <= parent.Capacity && claimed.Add(parent);
                    var child = parent.WithAdded(added, items.Count, inPlace ? parent.Capacity : items.Count + added.Count + random.Next(0, 6), copy: !inPlace);
                    made.Add((child, [.. items, .. added]));
                    if (!made.TrueForAll(m => m.Records.Count == m.Items.Count && ReadsBack(m.Records, m.Items, 0)))
                    {
                        return false.Label($"build {how} of {built.Count}, room {room}: step {step} left a generation reading another's items");
                    }
                }

                return true.Label($"build {how} of {built.Count}, room {room}");
            });

    /// <summary>An item a generation adds, of the customers, names and currencies the builds' items have.</summary>
    private static OpenItem Added(Random random, int at)
    {
        var customer = random.GetItems<string>(["C1", "C2", "C3", string.Empty], 1)[0];
        var name = random.GetItems<string>(["Acme", "ACME LTD", "Other"], 1)[0];
        return new OpenItem($"AR{at}", DocType.Invoice, customer, $"{name} {customer}", $"INV-{at}", random.Next(2) == 0 ? null : $"PO{at}",
            Currencies[random.Next(Currencies.Length)], random.Next(1, 1_000_000), DateOnly.FromDayNumber(739_000 + at), DateOnly.FromDayNumber(739_030 + at))
        {
            Terms = Terms[random.Next(Terms.Length)],
        };
    }

    private static int Pairs(IEnumerable<OpenItem> items) => items.Select(i => (i.CustomerId, i.CustomerName)).Distinct().Count();

    [Property(MaxTest = 200, Replay = "(19,23)")]
    public Property MovedInOrder_IsTheRecordsInThatOrder_AndLeavesTheReadersEmpty() =>
        Prop.ForAll(
            Items(0, 25).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            Gen.Choose(0, 40).ToArbitrary(),
            (items, seed, room) =>
            {
                var records = ItemRecords.ForReading(items.Count + 1, 4);
                AddAll(records, items);
                var order = Enumerable.Range(0, items.Count).ToArray();
                new Random(seed).Shuffle(order);
                var expected = order.Select(i => items[i]).ToList();

                var moved = records.MovedInOrder([.. order], items.Count + room);
                return (moved.Capacity >= items.Count + room && moved.Count == items.Count && ReadsBack(moved, expected, 0) && records.Count == 0)
                    .Label($"{items.Count} items, room {room}, order [{string.Join(',', order)}]");
            });

    [Fact]
    public void MovedInOrder_ColumnsGrownFarPastTheCapacity_AreCutToIt()
    {
        // A reader that sized its columns for far more items than came (its first block's rows longer than the rest).
        var items = Enumerable.Range(0, 20).Select(i => new OpenItem($"AR{i}", DocType.Invoice, "C1", "Acme", $"INV-{i}", i % 2 == 0 ? null : $"PO{i}",
            Currencies[i % Currencies.Length], i + 1, default, default)).ToList();
        var records = ItemRecords.ForReading(10_000, 1_000_000);
        AddAll(records, items);

        var moved = records.MovedInOrder([.. Enumerable.Range(0, 20).Reverse()], 30);

        Assert.Equal(30, moved.Capacity);
        Assert.True(ReadsBack(moved, [.. Enumerable.Reverse(items)], 0));

        // A little room past it is kept as it is: cutting would copy every column.
        var near = ItemRecords.ForReading(31, 1_000);
        AddAll(near, items);
        Assert.Equal(31, near.MovedInOrder([.. Enumerable.Range(0, 20)], 30).Capacity);
    }

    [Fact]
    public void MovedInOrder_OfTheIdOrder_IsTheSortOfTheRecords()
    {
        // A file's two runs (AR999999 sorts after AR1000000) and ids in no order, with the ties a sort must keep stable.
        // Ids past ASCII too: Latin-1 ones kept a byte a character, others in UTF-16, which must sort among each other
        // as their characters do ('z' < 'é' < 'ÿ' < 'Ā' < 'Ł').
        var ids = Enumerable.Range(999_990, 20).Select(n => $"AR{n}").Concat(["B", "A", "AR1000001", "A", "Ł", "\u00FF", "é", "\u0100", "z", "éa", "Āa"]).ToList();
        var items = ids.Select((id, i) => new OpenItem(id, DocType.Invoice, "C1", "Acme", $"INV-{i}", null, Currencies[0], i + 1, default, default)).ToList();
        var records = ItemRecords.ForReading(4, 4);
        AddAll(records, items);

        var sorted = records.MovedInOrder(OrdinalOrder.Order(records.Ids, items.Count), items.Count);

        Assert.Equal(OrdinalOrder.Sort(items, i => i.ItemId), sorted.ToList());
    }

    /// <summary>Adds <paramref name="items"/> to <paramref name="records"/> as a reader adds them, field by field.</summary>
    internal static void AddAll(ItemRecords records, IEnumerable<OpenItem> items)
    {
        foreach (var item in items)
        {
            records.Add(item.ItemId, item.DocType, item.CustomerId, item.CustomerName, item.InvoiceNumber, item.PoNumber is not null, item.PoNumber,
                item.Currency, item.OpenMinor, item.DocDate, item.DueDate, item.Terms);
        }
    }

    [Fact]
    public void TermsColumn_MadeOnlyOnceAnItemHasTerms()
    {
        // A ledger without terms keeps no column of them, however its items came: given, read, moved into id order, or
        // added by a generation without terms.
        var without = Enumerable.Range(0, 10).Select(i => new OpenItem($"AR{i}", DocType.Invoice, "C1", "Acme", $"INV-{i}", null,
            Currencies[i % Currencies.Length], i + 1, default, default)).ToList();
        var built = ItemRecords.Of([.. without], without.Count, 20);
        var read = ItemRecords.ForReading(4, 16);
        AddAll(read, without);
        var moved = read.MovedInOrder([.. Enumerable.Range(0, 10).Reverse()], 20);
        var addedWithout = built.WithAdded([without[0] with { ItemId = "AR90" }], 10, 20, copy: true);
        Assert.False(built.HasTermsColumn || moved.HasTermsColumn || addedWithout.HasTermsColumn);

        // A generation that adds an item with terms makes the column, in the room it claimed or in copies, and the build
        // it came from still reads no terms.
        List<OpenItem> withTerms = [without[1] with { ItemId = "AR91", Terms = Terms[1] }, without[2] with { ItemId = "AR92" }];
        var copied = built.WithAdded(withTerms, 10, 30, copy: true);
        var inRoom = built.WithAdded(withTerms, 10, 20, copy: false);
        Assert.True(copied.HasTermsColumn && inRoom.HasTermsColumn);
        Assert.False(built.HasTermsColumn);
        Assert.True(ReadsBack(copied, [.. without, .. withTerms], 0));
        Assert.True(ReadsBack(inRoom, [.. without, .. withTerms], 0));
        Assert.True(ReadsBack(built, without, 0));
        Assert.True(ReadsBack(moved, [.. Enumerable.Reverse(without)], 0));
    }

    [Fact]
    public void AddAll_TermsFirstInALaterBlock_LandWhereTheirItemsAre()
    {
        // A read's blocks as the reader adds them, one block's columns used again for the next: the first without terms,
        // the second with some, the third without again (in the columns the second's terms were in).
        var items = Enumerable.Range(0, 12).Select(i => new OpenItem($"AR{i}", DocType.Invoice, "C1", "Acme", $"INV-{i}", null,
            Currencies[0], i + 1, default, default) { Terms = i is >= 5 and < 8 ? Terms[1 + (i % 3)] : null }).ToList();
        var read = ItemRecords.ForReading(2, 16);
        var block = ItemRecords.ForReading(4, 16);
        foreach (var chunk in items.Chunk(4))
        {
            block.Clear();
            AddAll(block, chunk);
            read.AddAll(block);
        }

        Assert.Equal(items, read.ToList());
    }

    [Fact]
    public void WithAdded_IntoTheColumnsNotTheirOwn_IsRefused()
    {
        var records = ItemRecords.Of([], 0, 8);

        Assert.Throws<ArgumentOutOfRangeException>(() => records.WithAdded([], 0, 9, copy: false));
    }

    /// <summary>Whether items <paramref name="from"/> on read back as <paramref name="items"/>, every field, every way.</summary>
    private static bool ReadsBack(ItemRecords records, List<OpenItem> items, int from)
    {
        for (var n = 0; n < items.Count; n++)
        {
            var (item, at) = (items[n], from + n);
            var po = records.HasPoNumber(at, out var poNumber) ? poNumber.ToString() : null;
            var view = records[at];
            if (records.Record(at) != item || !records.IdOf(at).SequenceEqual(item.ItemId) || records.ItemId(at) != item.ItemId
                || !records.InvoiceNumberOf(at).SequenceEqual(item.InvoiceNumber) || po != item.PoNumber
                || view.InvoiceNumber != item.InvoiceNumber || view.OpenMinor != item.OpenMinor || view.Currency != item.Currency
                || view.CustomerId != item.CustomerId || view.CustomerName != item.CustomerName || view.DocDate != item.DocDate
                || view.DueDate != item.DueDate || view.Terms != item.Terms || view.ItemId != item.ItemId)
            {
                return false;
            }
        }

        return true;
    }
}
