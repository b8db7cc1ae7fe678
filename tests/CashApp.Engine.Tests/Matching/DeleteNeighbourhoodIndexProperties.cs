using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The fuzzy reference index against brute force: its distance is the textbook optimal string alignment
/// distance, and a lookup finds every stored key within one edit (plus the two-edit keys it is built to
/// meet), each item once, in ascending order, with the distance the oracle gives.
/// </summary>
public sealed class DeleteNeighbourhoodIndexProperties
{
    // A small alphabet, so that random keys are often near each other, as sequential invoice numbers are.
    private static readonly Gen<string> Keys =
        Gen.Choose(3, 9).SelectMany(length => Gen.ArrayOf(Gen.Elements('1', '2', '3', 'A'), length)).Select(chars => new string(chars));

    [Property(MaxTest = 500, Replay = "(3,5)")]
    public Property Distance_IsTheOptimalStringAlignmentDistance() =>
        Prop.ForAll(Keys.ToArbitrary(), Keys.ToArbitrary(), Gen.Choose(0, 3).ToArbitrary(), (a, b, max) =>
        {
            var expected = Math.Min(Oracle(a, b), max + 1);
            return (DeleteNeighbourhoodIndex.Distance(a, b, max) == expected).Label($"{a} {b} max {max}: expected {expected}");
        });

    [Property(MaxTest = 500, Replay = "(5,11)")]
    public Property HashesOf_AreTheHashesOfTheKeyAndOfEachDeletionWrittenOut() =>
        Prop.ForAll(Gen.Choose(0, DeleteNeighbourhoodIndex.MaxKeyLength).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, char.MaxValue).Select(c => (char)c), length)).ToArbitrary(), chars =>
        {
            // Any characters, not only a reference's: the hash of a deletion goes on from the characters before it.
            var key = new string(chars);
            var hashes = new ulong[key.Length + 1];
            DeleteNeighbourhoodIndex.HashesOf(key, hashes);
            return (hashes[0] == DeleteNeighbourhoodIndex.Hash(key)
                && Enumerable.Range(0, key.Length).All(i => hashes[i + 1] == DeleteNeighbourhoodIndex.Hash(key.Remove(i, 1)))).Label(key);
        });

    [Property(MaxTest = 300, Replay = "(9,7)")]
    public Property Candidates_FindEveryKeyWithinOneEdit_EachOnceInOrder_WithItsDistance() =>
        Prop.ForAll(Gen.ListOf(Keys, 40).ToArbitrary(), Keys.ToArbitrary(), (stored, query) =>
        {
            var entries = stored.Select((key, item) => (key, item)).ToList();
            var index = DeleteNeighbourhoodIndex.Build(entries);
            var found = new List<Neighbour> { new(-1, 0) };
            index.Candidates(query, found);
            var tail = found.Skip(1).ToList();
            var items = tail.Select(n => n.Item).ToList();
            var within = entries.Where(e => Oracle(query, e.key) <= 1).Select(e => e.item);

            // The distance given is the true one, though no key was read to give it.
            var distances = tail.All(n => Oracle(query, stored[n.Item]) == n.Edits);
            return (found[0].Item == -1
                && within.All(items.Contains)
                && items.SequenceEqual(items.Distinct().Order())
                && distances).Label($"{query}: [{string.Join(',', tail)}]");
        });

    [Property(MaxTest = 300, Replay = "(13,17)")]
    public Property Keys_FromOneReusedBuffer_HoldEachKeyAndItem_AndIndexAsBruteForce() =>
        Prop.ForAll(Gen.ListOf(Keys, 40).ToArbitrary(), Keys.ToArbitrary(), Gen.Choose(0, 8).ToArbitrary(), (stored, query, room) =>
        {
            // Keys handed as spans over one buffer overwritten at once, into room for a few (so the arrays grow): the
            // keys keep their own copies, in the order added, and the index built from them finds what brute force does.
            var keys = new DeleteNeighbourhoodIndex.Keys(room, room);
            var buffer = new char[DeleteNeighbourhoodIndex.MaxKeyLength];
            for (var item = 0; item < stored.Count; item++)
            {
                stored[item].CopyTo(buffer);
                keys.Add(buffer.AsSpan(0, stored[item].Length), item);
                buffer.AsSpan().Fill('#');
            }

            var held = keys.Count == stored.Count
                && Enumerable.Range(0, stored.Count).All(e => keys.KeyAt(e).SequenceEqual(stored[e]) && keys.ItemAt(e) == e);
            var found = new List<Neighbour>();
            DeleteNeighbourhoodIndex.Build(keys).Candidates(query, found);
            var items = found.Select(n => n.Item).ToList();
            var within = Enumerable.Range(0, stored.Count).Where(e => Oracle(query, stored[e]) <= 1);
            return (held
                && within.SequenceEqual(found.Where(n => n.Edits <= 1).Select(n => n.Item))
                && items.SequenceEqual(items.Distinct().Order())
                && found.All(n => Oracle(query, stored[n.Item]) == n.Edits)).Label($"{query}: [{string.Join(',', found)}]");
        });

    [Property(MaxTest = 24, Replay = "(21,5)")]
    public Property SortByHashThenItem_GivesTheOrderOfAPlainSort_ForShortAndLongRuns() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(1, 300).Zip(Gen.Choose(1, 4000)).ToArbitrary(), Gen.Choose(1, 200_000).ToArbitrary(),
            (seed, shape, count) =>
            {
                var (topBytes, distinct) = shape;
                // Hashes of few top bytes make runs long enough to be dealt a second time, and few distinct hashes make
                // many entries of one hash, sorted by item; small counts take the one-thread path.
                var random = new Random(seed);
                var tops = Enumerable.Range(0, topBytes).Select(_ => (ulong)random.Next(256) << 56).ToArray();
                var pool = Enumerable.Range(0, distinct).Select(_ => tops[random.Next(tops.Length)] | ((ulong)random.NextInt64() & 0x00FF_FFFF_FFFF_FFFF)).ToArray();
                var hashes = new ulong[count];
                var (items, chars) = DistinctItems(random, count);
                for (var e = 0; e < count; e++)
                {
                    hashes[e] = pool[random.Next(pool.Length)];
                }

                var expected = Expected(hashes, items, chars);
                DeleteNeighbourhoodIndex.SortByHashThenItem(hashes, items, chars);
                return (hashes.SequenceEqual(expected.Select(p => p.Hash)) && items.SequenceEqual(expected.Select(p => p.Item))
                    && chars.SequenceEqual(expected.Select(p => p.Char)))
                    .Label($"seed {seed}, {topBytes} top bytes, {distinct} hashes, {count} entries");
            });

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public void SortByHashThenItem_HashesSharingTheirTopBytes_DealtDownToTheLastByte_GivesTheOrderOfAPlainSort(int sharedBytes)
    {
        // 150,000 entries whose hashes share their top bytes (a few prefixes) are dealt again at every byte below them,
        // down to parts of a few entries sorted by insertion: what hashes drawn at random (the property above) reach
        // only through runs of one hash. A tenth repeat a hash, so equal hashes are ordered by item at the last level.
        var random = new Random(sharedBytes);
        var lowBits = 64 - (8 * sharedBytes);
        var prefixes = Enumerable.Range(0, 3).Select(_ => (ulong)random.NextInt64() & ~((1UL << lowBits) - 1)).ToArray();
        var hashes = new ulong[150_000];
        var (items, chars) = DistinctItems(random, hashes.Length);
        for (var e = 0; e < hashes.Length; e++)
        {
            hashes[e] = e % 10 == 0 && e > 0 ? hashes[e - 1] : prefixes[random.Next(prefixes.Length)] | ((ulong)random.NextInt64() & ((1UL << lowBits) - 1));
        }

        SortsAsAPlainSort(hashes, items, chars);
    }

    [Fact]
    public void SortByHashThenItem_ThousandsOfOneHash_AreSortedByItem_TheirCharactersWithThem()
    {
        // Dense numbering gives thousands of keys one deletion: a run dealt down to its last byte that is still long.
        var random = new Random(41);
        var hashes = new ulong[5_000];
        var (items, chars) = DistinctItems(random, hashes.Length);
        for (var e = 0; e < hashes.Length; e++)
        {
            hashes[e] = e % 3 == 0 ? 0x0123_4567_89AB_CDEFUL : 0x0123_4567_89AB_CDF0UL;
        }

        SortsAsAPlainSort(hashes, items, chars);
    }

    [Theory]
    [InlineData("INV12345")]
    [InlineData("4000123")]
    public void Candidates_AnEntryWhoseHashDiffersFromTheQuerysInOneBit_IsNotMet(string query)
    {
        // An entry's word keeps its hash's low 48 bits; the top 16 (or more) are its bucket's. For every bit, an index of
        // two entries, the query's own hash and that hash with the bit flipped: only the first is met, whichever of the
        // two sorts first and whether the bit is the word's or the bucket's.
        var whole = DeleteNeighbourhoodIndex.Hash(query);
        for (var bit = 0; bit < 64; bit++)
        {
            // Item words: item << 6 | 63, the key whole (no character deleted).
            var index = DeleteNeighbourhoodIndex.OfEntries([whole ^ (1UL << bit), whole], [(1 << 6) | 63, (2 << 6) | 63], new ushort[2], hugePages: false);
            var found = new List<Neighbour>();
            index.Candidates(query, found);

            Assert.True(found.SequenceEqual([new Neighbour(2, 0)]), $"bit {bit}: [{string.Join(',', found)}]");
        }
    }

    [Theory]
    [InlineData("ZŁB9", 1)]
    [InlineData("ZAB9", 2)]
    [InlineData("ZB9", 1)]
    public void Candidates_DeletedCharactersPastAscii_AreComparedWhole(string query, int edits)
    {
        // The key and the query meet by deleting side by side; they are a transposition apart only when the two deleted
        // characters are one: 'Ł' (U+0141) and 'A' (U+0041) share their low byte, and are not.
        var index = DeleteNeighbourhoodIndex.Build([("ZBŁ9", 7)]);
        var found = new List<Neighbour>();
        index.Candidates(query, found);

        Assert.Equal([new Neighbour(7, edits)], found);
        Assert.Equal(edits, DeleteNeighbourhoodIndex.Distance(query, "ZBŁ9", 2));
    }

    [Fact]
    public void Build_TheLastItemAnEntryCanHold_IsFound_AndTheNextIsRefused()
    {
        // An entry packs its item above the deleted position in 32 bits: the last item that fits comes back as itself,
        // and one past it is refused, not wrapped into another item's number.
        var last = DeleteNeighbourhoodIndex.MaxItems - 1;
        var index = DeleteNeighbourhoodIndex.Build([("INV4000123", last), ("INV4000124", 0)]);
        var found = new List<Neighbour>();
        index.Candidates("INV4000123", found);

        Assert.Equal([new Neighbour(0, 1), new Neighbour(last, 0)], found);
        Assert.Throws<LedgerCapacityException>(() => DeleteNeighbourhoodIndex.Build([("INV4000123", DeleteNeighbourhoodIndex.MaxItems)]));
        Assert.Throws<OverflowException>(() => DeleteNeighbourhoodIndex.WriteEntries("INV1", DeleteNeighbourhoodIndex.MaxItems, new ulong[5], new uint[5], new ushort[5], 0));
    }

    /// <summary>Item words unique to each entry, as the index's are (an item and a deleted position), and a character for each.</summary>
    private static (uint[] Items, ushort[] Chars) DistinctItems(Random random, int count)
    {
        var items = Enumerable.Range(0, count).Select(e => (uint)e * 7919u).ToArray();
        random.Shuffle(items);
        var chars = items.Select(_ => (ushort)random.Next(ushort.MaxValue + 1)).ToArray();
        return (items, chars);
    }

    /// <summary>Sorts the entries, and asserts the order a plain sort by hash, then item, gives, each character with its entry.</summary>
    private static void SortsAsAPlainSort(ulong[] hashes, uint[] items, ushort[] chars)
    {
        var expected = Expected(hashes, items, chars);
        DeleteNeighbourhoodIndex.SortByHashThenItem(hashes, items, chars);

        Assert.Equal(expected.Select(p => p.Hash), hashes);
        Assert.Equal(expected.Select(p => p.Item), items);
        Assert.Equal(expected.Select(p => p.Char), chars);
    }

    /// <summary>The entries in the order a plain sort by hash, then item, gives, each character with its entry.</summary>
    private static (ulong Hash, uint Item, ushort Char)[] Expected(ulong[] hashes, uint[] items, ushort[] chars) =>
        Enumerable.Range(0, hashes.Length).Select(e => (hashes[e], items[e], chars[e])).OrderBy(p => p.Item1).ThenBy(p => p.Item2).ToArray();

    [Fact]
    public void Candidates_OfAnIndexBuiltOnEveryCore_AreThoseOfBruteForce()
    {
        // Dense numbering, as AR has it: 30,000 numbers of one series, in a shuffled order, are over 250,000 entries,
        // enough that the index is hashed in parts and sorted in runs on every core.
        var random = new Random(20);
        var stored = Enumerable.Range(0, 30_000).Select(n => "INV" + (4_000_000 + (n * 7)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        random.Shuffle(stored);
        var entries = stored.Select((key, item) => (key, item)).ToList();
        var index = DeleteNeighbourhoodIndex.Build(entries);
        for (var q = 0; q < 40; q++)
        {
            var chars = stored[random.Next(stored.Length)].ToCharArray();
            chars[3 + random.Next(chars.Length - 3)] = (char)('0' + random.Next(10));
            var query = new string(chars);
            var found = new List<Neighbour>();
            index.Candidates(query, found);
            var items = found.Select(n => n.Item).ToList();
            Assert.Equal(items.Distinct().Order(), items);
            Assert.All(found, n => Assert.Equal(Oracle(query, stored[n.Item]), n.Edits));
            var within = entries.Where(e => Oracle(query, e.key) <= 1).Select(e => e.item).Order();
            Assert.Equal(within, found.Where(n => n.Edits <= 1).Select(n => n.Item));
        }
    }

    private static int Oracle(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
