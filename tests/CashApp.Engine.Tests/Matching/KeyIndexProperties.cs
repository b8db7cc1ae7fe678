using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The compact key index finds exactly what a dictionary of lists would, however it grew.</summary>
public sealed class KeyIndexProperties
{
    private static readonly Gen<string> Keys =
        Gen.Choose(0, 12).SelectMany(length => Gen.ArrayOf(Gen.Elements('1', '2', '3', 'A', 'B'), length).Select(chars => new string(chars)));

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

                foreach (var key in expected.Keys.Concat(probes))
                {
                    var walked = new List<int>();
                    foreach (var item in index.Items(key))
                    {
                        walked.Add(item);
                    }

                    var want = expected.GetValueOrDefault(key) ?? [];
                    if (!walked.Order().SequenceEqual(want.Order()))
                    {
                        return false.Label($"key '{key}': [{string.Join(',', walked)}] vs [{string.Join(',', want)}]");
                    }
                }

                return (index.Count == expected.Count).Label($"count {index.Count} vs {expected.Count}");
            });

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
