using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>
/// How likely an open item is to carry an amount by chance, as read from one ledger's open amounts (positive ones, per
/// currency; see <see cref="CashMatcher"/>'s amount prior): what one run holds fixed from its start. A file matched in
/// batches takes it from the ledger as the file's first batch found it and hands it to every batch
/// (<see cref="CashMatcher.Match(IReadOnlyList{Payment}, MatchStage, AmountChances?)"/>), so that each batch judges an
/// amount's chance as one run over the file does, not from the open amounts earlier batches left.
/// </summary>
public sealed class AmountChances
{
    private readonly Dictionary<string, long[]> _sorted;

    private AmountChances(Dictionary<string, long[]> sorted) => _sorted = sorted;

    /// <summary>The chances of <paramref name="openItems"/>' open amounts.</summary>
    public static AmountChances Of(IEnumerable<OpenItem> openItems)
    {
        ArgumentNullException.ThrowIfNull(openItems);
        var amounts = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var item in openItems)
        {
            if (item.OpenMinor > 0)
            {
                if (!amounts.TryGetValue(item.Currency.Code, out var list))
                {
                    amounts[item.Currency.Code] = list = [];
                }

                list.Add(item.OpenMinor);
            }
        }

        var sorted = new Dictionary<string, long[]>(amounts.Count, StringComparer.Ordinal);
        foreach (var (currency, list) in amounts)
        {
            var array = list.ToArray();
            Array.Sort(array);
            sorted[currency] = array;
        }

        return new AmountChances(sorted);
    }

    /// <summary>The prior over these amounts, for a matcher whose currencies are numbered as in <paramref name="currencyCodes"/>.</summary>
    internal AmountPrior For(IReadOnlyList<string> currencyCodes)
    {
        var sorted = new long[currencyCodes.Count][];
        for (var c = 0; c < sorted.Length; c++)
        {
            sorted[c] = _sorted.TryGetValue(currencyCodes[c], out var amounts) ? amounts : [];
        }

        return AmountPrior.FromSorted(sorted);
    }
}
