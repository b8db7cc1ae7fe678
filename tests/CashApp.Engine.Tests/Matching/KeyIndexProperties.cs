using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The compact key index finds exactly what a dictionary of lists would, however it grew.</summary>
public sealed class KeyIndexProperties
{
    // ASCII keys are kept as bytes and any others as characters: 'Α' (Greek) and 'É' make keys that differ from an ASCII
    // one only there, and '\u00FF' and '\u0100' lie just past ASCII's and a byte's reach.
    private static readonly Gen<string> Keys =
        Gen.Choose(0, 12).SelectMany(length => Gen.ArrayOf(
            Gen.Frequency((6, Gen.Elements('1', '2', '3', 'A', 'B')), (1, Gen.Elements('Α', 'É', '\u00FF', '\u0100', '\u007F'))), length)
            .Select(chars => new string(chars)));

    [Property(MaxTest = 300, Replay = "(31,37)")]
    public Property Items_WalksExactlyTheItemsAddedUnderTheKey() =>
        Prop.ForAll(
            Gen.ListOf(Keys.Zip(Gen.Choose(0, 1_000_000))).ToArbitrary(),
            Gen.ListOf(Keys).ToArbitrary(),
            Gen.Choose(0, 64).ToArbitrary(),
            (added, probes, sizeHint) =>
            {
                // A small size hint makes the table grow (and rehash) while items are added.
                var index = new KeyIndex(sizeHint, sizeHint);
                var expected = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                foreach (var (key, item) in added)
                {
                    index.Add(key, item);
                    (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add(item);
                }

                var anyItem = added.Select(a => a.Item2).ToHashSet();
                foreach (var key in expected.Keys.Concat(probes))
                {
                    // The prefetch's hint reads the slot's text from the array its key is kept in: an item, or none.
                    var hint = index.PrefetchKey(KeyIndex.HashOf(key));
                    if (hint != -1 && !anyItem.Contains(hint))
                    {
                        return false.Label($"key '{key}': prefetch hint {hint}, an item never added");
                    }

                    var walked = new List<int>();
                    foreach (var item in index.Items(key))
                    {
                        walked.Add(item);
                    }

                    // Newest first, as a dictionary of lists read backwards.
                    var want = Enumerable.Reverse(expected.GetValueOrDefault(key) ?? []).ToList();
                    if (!walked.SequenceEqual(want))
                    {
                        return false.Label($"key '{key}': [{string.Join(',', walked)}] vs [{string.Join(',', want)}]");
                    }
                }

                return (index.Count == expected.Count).Label($"count {index.Count} vs {expected.Count}");
            });

    [Property(MaxTest = 300, Replay = "(41,43)")]
    public Property Items_OfKeysAddedFromOneReusedBuffer_AreThoseOfADictionary() =>
        Prop.ForAll(
            Gen.ListOf(Keys.Zip(Gen.Choose(0, 1_000_000))).ToArbitrary(),
            Gen.ListOf(Keys).ToArbitrary(),
            Gen.Choose(1, 40).ToArbitrary(),
            (added, probes, readEvery) =>
            {
                // The builder hands each key as a span over one buffer it overwrites at once; the index, sized as the build
                // sizes it (every key and character counted first), must keep its own copy. Reads in between store what
                // waits part way through, and the adds after them reuse the waiting keys' buffers.
                var index = new KeyIndex(added.Count, added.Sum(a => a.Item1.Length));
                var expected = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                var buffer = new char[12];
                for (var n = 0; n < added.Count; n++)
                {
                    var (key, item) = added[n];
                    key.CopyTo(buffer);
                    index.Add(buffer.AsSpan(0, key.Length), item);
                    buffer.AsSpan().Fill('#');
                    (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add(item);
                    if (n % readEvery == 0 && !Walked(index, key).SequenceEqual(Enumerable.Reverse(expected[key])))
                    {
                        return false.Label($"after add {n}, key '{key}'");
                    }
                }

                foreach (var key in expected.Keys.Concat(probes))
                {
                    // Newest first, as a dictionary of lists read backwards.
                    var want = expected.TryGetValue(key, out var list) ? Enumerable.Reverse(list) : [];
                    if (!Walked(index, key).SequenceEqual(want))
                    {
                        return false.Label($"key '{key}': [{string.Join(',', Walked(index, key))}] vs [{string.Join(',', want)}]");
                    }
                }

                return (index.Count == expected.Count).Label($"count {index.Count} vs {expected.Count}");
            });

    private static List<int> Walked(KeyIndex index, string key) => ToList(index.Items(key));

    [Property(MaxTest = 200, Replay = "(47,53)")]
    public Property Over_WalksItsOwnItemsThenThoseBelow_OrAllByDescendingRank() =>
        Prop.ForAll(Gen.ListOf(Keys).ToArbitrary(), Gen.ListOf(Keys).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (builtKeys, addedKeys, seed) =>
        {
            // A build's index of items 0..built-1 (ranked by number), and over it the items a generation adds, numbered
            // after them: each of the added takes a rank among the build's (distinct, and never a built item's), and they
            // are added in ascending rank, as a generation adds them. Without an order a key's items are the added ones,
            // newest first, then the build's; with one, all of them by descending rank.
            var below = new KeyIndex(0, 0);
            for (var i = 0; i < builtKeys.Count; i++)
            {
                below.Add(builtKeys[i], i);
            }

            var built = builtKeys.Count;
            var random = new Random(seed);
            var addedRank = Enumerable.Range(0, addedKeys.Count)
                .Select(n => ((long)random.Next(built + 1) << ItemOrder.Shift) + 1 + (random.Next(1 << 20) * 1024L) + n).ToArray();
            var order = new ItemOrder(built, addedRank);
            var byRank = Enumerable.Range(0, addedKeys.Count).OrderBy(n => addedRank[n]).ToList();
            var plain = KeyIndex.Over(below, addedKeys.Count);
            var ordered = KeyIndex.Over(below, addedKeys.Count, order);
            foreach (var n in byRank)
            {
                plain.Add(addedKeys[n], built + n);
                ordered.Add(addedKeys[n], built + n);
            }

            foreach (var key in builtKeys.Concat(addedKeys).Distinct())
            {
                var own = Enumerable.Reverse(byRank.Where(n => addedKeys[n] == key).Select(n => built + n).ToList());
                var theirs = Enumerable.Range(0, built).Where(i => builtKeys[i] == key).Reverse();
                var wantPlain = own.Concat(theirs).ToList();
                var wantOrdered = wantPlain.OrderByDescending(order.Rank).ToList();
                if (!Walked(plain, key).SequenceEqual(wantPlain) || !Walked(ordered, key).SequenceEqual(wantOrdered))
                {
                    return false.Label($"key '{key}': [{string.Join(',', Walked(plain, key))}] vs [{string.Join(',', wantPlain)}]; "
                        + $"by rank [{string.Join(',', Walked(ordered, key))}] vs [{string.Join(',', wantOrdered)}]");
                }
            }

            return true.ToProperty();
        });

    [Fact]
    public void Add_ANegativeItem_IsRefused()
    {
        // A slot's item below zero names the chain's entry of a key several items share.
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyIndex().Add("INV1", -1));
    }

    [Fact]
    public void Items_KeyLongerThanACharacterCanCount_FoundByItsWholeText()
    {
        // A key's length is kept in two characters; a key of 65,536 + 3 characters must not be taken for one of 3.
        var longKey = new string('7', 65_536 + 3);
        var index = new KeyIndex();
        index.Add(longKey, 1);
        index.Add("777", 2);
        index.Add(longKey, 3);

        Assert.Equal([3, 1], ToList(index.Items(longKey)));
        Assert.Equal([2], ToList(index.Items("777")));
        Assert.Empty(ToList(index.Items(longKey.AsSpan(0, longKey.Length - 1))));
    }

    [Fact]
    public void Items_KeysAroundTheLongLengthMark_AsBytesAndAsCharacters_EachFoundByItsWholeText()
    {
        // An ASCII key's length is one byte up to 254 characters and five bytes from 255 on; a key of other characters
        // keeps its length in two characters. Keys one character apart on either side of each mark are told apart, and
        // a table grown from its smallest size (32 slots, grown at 24 keys) finds them again after its rehashes, which
        // read each long ASCII key back as characters.
        var keys = new List<string> { string.Empty };
        foreach (var length in new[] { 1, 253, 254, 255, 256, 65_535, 65_536, 65_537 })
        {
            keys.Add(new string('7', length));
            keys.Add(new string('7', length - 1) + "Ω");
        }

        keys.AddRange(Enumerable.Range(0, 60).Select(i => $"F{i}"));

        var index = new KeyIndex(0, 0);
        for (var i = 0; i < keys.Count; i++)
        {
            index.Add(keys[i], i);
        }

        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal([i], ToList(index.Items(keys[i])));
        }

        Assert.Empty(ToList(index.Items(new string('7', 257))));
        Assert.Empty(ToList(index.Items(new string('7', 254) + "Α")));
        Assert.Equal(keys.Count, index.Count);
    }

    [Fact]
    public void Items_UnderAStoredKeysHash_NeverFindsItForANearMiss()
    {
        // A probe compares texts only where the check bits agree, so each near miss is asked under the stored key's own
        // hash: its text alone must tell them apart. The misses change one character to one whose low byte is the same
        // ASCII letter ('A' + 0x100, '\uFF41'), or to another ASCII one, or add or drop one at the end.
        string[] stored = ["INV1004567", "A", "PO-77\u00C9", new string('K', 300)];
        var index = new KeyIndex();
        for (var i = 0; i < stored.Length; i++)
        {
            index.Add(stored[i], i);
        }

        for (var i = 0; i < stored.Length; i++)
        {
            var key = stored[i];
            var hash = KeyIndex.HashOf(key);
            Assert.Equal([i], ToList(index.Items(key, hash)));
            var misses = new List<string> { key + "1", key[..^1] };
            for (var at = 0; at < key.Length; at++)
            {
                foreach (var other in new[] { (char)(key[at] + 0x100), '\uFF41', key[at] == 'Z' ? 'Y' : 'Z' })
                {
                    misses.Add(string.Concat(key.AsSpan(0, at), other.ToString(), key.AsSpan(at + 1)));
                }
            }

            foreach (var miss in misses.Where(m => m != key))
            {
                Assert.True(ToList(index.Items(miss, hash)).Count == 0, $"'{miss}' found under the hash of '{key}'");
            }
        }
    }

    private static List<int> ToList(KeyIndex.Cursor cursor)
    {
        var items = new List<int>();
        foreach (var item in cursor)
        {
            items.Add(item);
        }

        return items;
    }
}
