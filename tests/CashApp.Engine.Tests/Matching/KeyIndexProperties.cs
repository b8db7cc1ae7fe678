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
    public Property FirstAndNext_WalkExactlyTheItemsAddedUnderTheKey() =>
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
                    for (var entry = index.First(key); entry >= 0; entry = index.Next(entry))
                    {
                        walked.Add(index.ItemOf(entry));
                    }

                    var want = expected.GetValueOrDefault(key) ?? [];
                    if (!walked.Order().SequenceEqual(want.Order()))
                    {
                        return false.Label($"key '{key}': [{string.Join(',', walked)}] vs [{string.Join(',', want)}]");
                    }
                }

                return (index.Count == expected.Count).Label($"count {index.Count} vs {expected.Count}");
            });
}
