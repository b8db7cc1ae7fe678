using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Where a payer's compact name sorts among the directory's name forms is searched by the forms' heads (their first
/// four characters as a number) before their text: the place found is the one a binary search of the text alone finds,
/// for names shorter than a head, names that share a head or a whole text, and characters above ASCII or below a letter.
/// </summary>
public sealed class SortedPlaceProperties
{
    // Few letters, so that names share heads and starts; '\0' and a character above a byte, where a head's padding and
    // its sixteen bits could go wrong.
    private static readonly Gen<string> Text =
        Gen.Choose(0, 9).SelectMany(n => Gen.ArrayOf(Gen.Elements('A', 'B', 'C', '0', '9', '\0', 'É', '\uFFFF'), n)).Select(chars => new string(chars));

    [Property(MaxTest = 500)]
    public Property HeadOf_TwoNamesInOrdinalOrder_HasTheirHeadsInTheSameOrderOrEqual() =>
        Prop.ForAll(Text.ToArbitrary(), Text.ToArbitrary(), (a, b) =>
        {
            var (low, high) = string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
            return (CustomerDirectory.HeadOf(low) <= CustomerDirectory.HeadOf(high))
                .Label($"'{Escaped(low)}' sorts before '{Escaped(high)}', heads {CustomerDirectory.HeadOf(low):x16} and {CustomerDirectory.HeadOf(high):x16}");
        });

    [Property(MaxTest = 300)]
    public Property SortedPlace_FindsWhatABinarySearchOfTheWholeTextFinds() =>
        Prop.ForAll(
            Gen.Choose(0, 60).SelectMany(n => Gen.ArrayOf(Text, n)).ToArbitrary(),
            Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(Text, n)).ToArbitrary(),
            (names, probes) =>
            {
                var sorted = names.ToArray();
                Array.Sort(sorted, StringComparer.Ordinal);
                var heads = CustomerDirectory.HeadsOf(sorted);

                // The names themselves too: found ones, and among equal names any one of them.
                foreach (var probe in probes.Concat(names))
                {
                    var expected = Array.BinarySearch(sorted, probe, StringComparer.Ordinal);
                    var found = CustomerDirectory.SortedPlace(sorted, heads, probe);
                    var same = expected >= 0 ? found >= 0 && sorted[found] == probe : found == expected;
                    if (!same)
                    {
                        return false.Label($"'{Escaped(probe)}' among [{string.Join(", ", sorted.Select(Escaped))}]: {found}, a search of the text {expected}");
                    }
                }

                return true.Label("same");
            });

    private static string Escaped(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
