using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A full build's indexes, made the quick way, are the ones the plain way makes: the fuzzy index written part by part
/// straight from the items is the index of a list of their fuzzy keys, entry for entry, and the items sorted into an
/// array with room after them are the items sorted.
/// </summary>
public sealed class IndexBuildProperties
{
    // Invoice numbers of every shape a fuzzy key comes from or not: a series and a core, a bare core, separators, too
    // short a core (no fuzzy key), too long a key (no entries), and letters only.
    private static readonly Gen<string> InvoiceNumber = Gen.OneOf(
        Gen.Choose(0, 99_999).Select(n => $"INV-{n}"),
        Gen.Choose(0, 99_999).Select(n => $"{n}"),
        Gen.Choose(0, 999).Select(n => $"AR {n:000}"),
        Gen.Choose(0, 9).Select(n => $"CM{n}"),
        Gen.Choose(60, 70).Select(length => "X" + new string('7', length)),
        Gen.Elements("ABCDEF", "INV", string.Empty, "inv/2026/0042"));

    private static Gen<List<OpenItem>> Items(int most) =>
        Gen.Choose(0, most).SelectMany(count => Gen.ArrayOf(InvoiceNumber, count)).Select(numbers =>
            numbers.Select((number, n) => new OpenItem(
                $"IT{(n * 7919) % Math.Max(1, numbers.Length)}-{n}", DocType.Invoice, $"C{n % 13}", $"Customer {n % 13}", number,
                n % 3 == 0 ? $"PO{n}" : null, new CurrencyCode("USD"), 100 + n, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1))).ToList());

    [Property(MaxTest = 60, Replay = "(17,23)")]
    public Property FuzzyIndex_IsTheIndexOfTheItemsFuzzyKeysListed() =>
        Prop.ForAll(Items(2 * CashMatcher.FuzzyPartsFrom).ToArbitrary(), items =>
        {
            var matcher = new CashMatcher(items, [], MatchPolicy.Default);
            var listed = DeleteNeighbourhoodIndex.Build(FuzzyKeysListed(items));
            var query = new List<Neighbour>();
            var expected = new List<Neighbour>();
            var probe = items.Count > 0 ? ReferenceText.FullKey(items[^1].InvoiceNumber) : "1234";
            matcher.FuzzyIndex.Candidates(probe, query);
            listed.Candidates(probe, expected);
            return (matcher.FuzzyIndex.SameEntries(listed) && query.SequenceEqual(expected)).Label($"{items.Count} items");
        });

    [Property(MaxTest = 300, Replay = "(5,13)")]
    public Property SortedIntoALongerArray_AreTheItemsSorted_ThenRoom() =>
        Prop.ForAll(Gen.ListOf(Gen.Elements("A", "AR1", "AR10", "AR2", "B", string.Empty)).ToArbitrary(), Gen.Choose(0, 5).ToArbitrary(), (keys, room) =>
        {
            var elements = keys.Select((k, i) => (Key: k, At: i)).ToList();
            var sorted = OrdinalOrder.Sort(elements, e => e.Key, elements.Count + room);
            return (sorted.Length == elements.Count + room
                && sorted.Take(elements.Count).SequenceEqual(OrdinalOrder.Sort(elements, e => e.Key))
                && sorted.Skip(elements.Count).All(e => e == default)).Label($"{keys.Count} + {room}");
        });

    /// <summary>The fuzzy keys of the items as a matcher indexes them, listed: in item id order, each its core, else its whole number.</summary>
    private static List<(string Key, int Item)> FuzzyKeysListed(List<OpenItem> items)
    {
        var keys = new List<(string, int)>();
        var sorted = items.OrderBy(i => i.ItemId, StringComparer.Ordinal).ToList();
        for (var item = 0; item < sorted.Count; item++)
        {
            var full = ReferenceText.FullKey(sorted[item].InvoiceNumber);
            var core = ReferenceText.CoreStart(full);
            var key = core >= 0 ? full[core..] : full;
            if (key.Length >= ReferenceText.MinCoreLength)
            {
                keys.Add((key, item));
            }
        }

        return keys;
    }
}
