using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The run-merging sort puts elements exactly where a stable ordinal OrderBy puts them, ties included.</summary>
public sealed class OrdinalOrderProperties
{
    // Keys from a small alphabet, so that ties, prefixes ("AR1" before "AR10") and runs of every length come up.
    private static readonly Gen<string> Key = Gen.Elements("A", "AR", "AR1", "AR10", "AR2", "AR9", "AR999", "B", "a", string.Empty);

    [Property(MaxTest = 500, Replay = "(11,29)")]
    public Property Sort_IsAStableOrdinalOrderBy() =>
        Prop.ForAll(
            Gen.ListOf(Key).ToArbitrary(),
            keys =>
            {
                // Each element carries its position, so that the order of equal keys is seen.
                var elements = keys.Select((k, i) => (Key: k, At: i)).ToList();
                var expected = elements.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
                var actual = OrdinalOrder.Sort(elements, e => e.Key);

                // In two parts on two cores from any size: every pass halved, every merge of two runs split in two.
                var inParts = OrdinalOrder.Sort(elements, e => e.Key, elements.Count, inPartsFrom: 2);
                // The order alone, for keys compared where they are: the same places, in one part and in two.
                var inPlace = new TextKeys([.. elements.Select(e => e.Key)]);
                var order = OrdinalOrder.Order(inPlace, elements.Count).Select(i => elements[i]);
                var orderInParts = OrdinalOrder.Order(inPlace, elements.Count, inPartsFrom: 2).Select(i => elements[i]);
                return (actual.SequenceEqual(expected) && inParts.SequenceEqual(expected) && order.SequenceEqual(expected) && orderInParts.SequenceEqual(expected))
                    .Label($"[{string.Join(',', actual)}] / [{string.Join(',', inParts)}] vs [{string.Join(',', expected)}]");
            });

    [Property(MaxTest = 200, Replay = "(3,5)")]
    public Property Sort_OfNumberedIdsInNumberOrder_IsTheirOrdinalOrder() =>
        Prop.ForAll(
            Gen.Choose(0, 3000).ToArbitrary(),
            Gen.Choose(1, 20000).ToArbitrary(),
            (from, count) =>
            {
                // An AR file's numbering: ascending numbers whose text order breaks where a digit is added.
                var ids = Enumerable.Range(from, count).Select(n => $"AR{n}").ToList();
                var expected = ids.Order(StringComparer.Ordinal).ToList();
                return OrdinalOrder.Sort(ids, id => id).SequenceEqual(expected)
                    && OrdinalOrder.Sort(ids, id => id, ids.Count, inPartsFrom: 1_000).SequenceEqual(expected);
            });

    private readonly struct TextKeys(string[] keys) : OrdinalOrder.IOrdinalKeys
    {
        public int Compare(int a, int b) => keys[a].AsSpan().SequenceCompareTo(keys[b]);
    }
}
