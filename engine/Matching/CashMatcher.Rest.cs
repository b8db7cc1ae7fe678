using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// The rule for what a payment's quotes leave unexplained. A payer who pays more than the items it quoted
// has far more often paid further invoices it did not quote (or quoted in a way not read) than paid in
// advance. Booking that rest on account would leave those invoices open and the customer dunned for them.
// So the rest goes on account only when it is proven to be nobody's invoice; when it is exactly an open
// item, or the one combination of open items, of the family, and that is unlikely to be chance, it pays
// them; anything else is a specialist's call.
public sealed partial class CashMatcher
{
    /// <summary>
    /// Decides the <paramref name="rest"/> of a payment beyond its quoted <paramref name="items"/> (all of one
    /// family, fully paid): on account, applied to the unquoted items it is, or an exception.
    /// </summary>
    private Decision ExplainRest(List<int> items, int family, long rest, CurrencyCode currency, string names, List<string> unresolved, List<Quote> quotes)
    {
        if (unresolved.Count > 0)
        {
            return Doubt(items, $"{names} by reference, the payment {Amount(rest, currency)} more than them, and {Unresolved(unresolved)}", quotes, currency.Code);
        }

        var quoted = items.ToHashSet();
        var pool = new List<int>();
        foreach (var member in _customers.Family(_customers.Root(family)))
        {
            pool.AddRange(_itemsOfCustomer[member].Where(i => !quoted.Contains(i) && IsOpenIn(i, currency.Code)));
        }

        pool.Sort();
        var invoices = pool.Count(i => _remaining[i] > 0);

        // The rest is exactly one unquoted open item: proof that it pays it, if one of that amount among the
        // family's open items is unlikely to be chance (the test a name-and-amount match passes).
        var singles = pool.Where(i => _remaining[i] == rest).ToList();
        if (singles.Count == 1)
        {
            var item = singles[0];
            var chance = invoices * ChanceOf(rest, currency.Code, roundAmounts: true);
            if (chance > Policy.MaxChanceSingle)
            {
                return Doubt(items,
                    $"{names} by reference, and the rest {Amount(rest, currency)} is the amount of {Describe(item)}, unquoted; but among the family's {invoices} open items one of that amount turns up by chance {chance.ToString("P1", CultureInfo.InvariantCulture)} of the time",
                    quotes, currency.Code, [Suggest([.. items, item], 0.5, "the quoted items and the unquoted item of the rest")]);
            }

            return new Decision([.. items.Append(item).Order().Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.9,
                $"{names} by reference, and the rest {Amount(rest, currency)} is {Describe(item)}, the family's only open item of that amount (unquoted)",
                ExceptionReason.NoMatch, []);
        }

        if (singles.Count > 1)
        {
            return Doubt(items, $"{names} by reference, and the rest {Amount(rest, currency)} is the amount of {singles.Count} unquoted open items",
                quotes, currency.Code, singles.Take(Policy.MaxSuggestions).Select(i => Suggest([.. items, i], 0.4, "the quoted items and an unquoted item of the rest")));
        }

        // The rest is a combination of unquoted open items: the unique one, searched only as far as a unique
        // answer is unlikely to be chance, pays them.
        var combinations = Combinations(pool, rest, currency, searches: 1, out var exhausted, out var tooLikely);
        var distinct = combinations.DistinctBy(s => string.Join(',', s)).ToList();
        if (distinct.Count == 1 && !exhausted)
        {
            var set = distinct[0];
            return new Decision([.. items.Concat(set).Order().Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.9,
                $"{names} by reference, and the rest {Amount(rest, currency)} is the only combination of the family's unquoted open items of that sum: {string.Join(" + ", set.Select(Describe))}",
                ExceptionReason.NoMatch, []);
        }

        if (distinct.Count > 1 || exhausted)
        {
            return Doubt(items, $"{names} by reference, and the rest {Amount(rest, currency)} is {(exhausted ? "possibly" : $"{distinct.Count}+")} combinations of unquoted open items",
                quotes, currency.Code, distinct.Take(Policy.MaxSuggestions).Select(s => Suggest([.. items, .. s], 0.4, "the quoted items and unquoted items of the rest")));
        }

        // Too many items for a combination to prove anything, or more than the search looks at: a pair of them
        // making the rest exactly cannot be told from chance, and cannot be ruled out either.
        if ((tooLikely || pool.Count > Math.Min(Policy.MaxCombinationCandidates, SubsetSum.MaxItems)) && PairOf(pool, rest) is var (a, b))
        {
            return Doubt(items, $"{names} by reference, and the rest {Amount(rest, currency)} is the sum of unquoted open items such as {Describe(a)} + {Describe(b)}: too many to tell whether it pays them",
                quotes, currency.Code, [Suggest([.. items, a, b], 0.3, "the quoted items and a pair of unquoted items of the rest")]);
        }

        return new Decision([.. items.Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.92,
            $"{names} by reference, paid over by {Amount(rest, currency)}, which no open item or combination of the family makes", ExceptionReason.Overpayment, []);
    }

    /// <summary>Two items of <paramref name="pool"/> (in its order) whose open amounts add up to <paramref name="sum"/>, if any.</summary>
    private (int A, int B)? PairOf(List<int> pool, long sum)
    {
        var seen = new Dictionary<long, int>();
        foreach (var item in pool)
        {
            if (seen.TryGetValue(checked(sum - _remaining[item]), out var other))
            {
                return (other, item);
            }

            seen.TryAdd(_remaining[item], item);
        }

        return null;
    }

    /// <summary>
    /// An exception for a payment its quotes explain only in part: the items they found are the first
    /// suggestion, then <paramref name="also"/>, then what each quote may mean.
    /// </summary>
    private Decision Doubt(List<int> found, string detail, List<Quote> quotes, string currency, IEnumerable<Suggestion>? also = null)
    {
        var first = Suggest(found, 0.6, "the quoted items found");
        var key = string.Join('+', first.ItemIds);
        var more = (also ?? []).Concat(ReferenceSuggestions(quotes, currency))
            .Where(s => string.Join('+', s.ItemIds) != key)
            .DistinctBy(s => string.Join('+', s.ItemIds))
            .Take(Policy.MaxSuggestions - 1);
        return new Decision([], MatchMethod.Manual, 0, detail, ExceptionReason.NoMatch, [first, .. more]);
    }

    /// <summary>The quotes that named no open item, as an exception's detail says it.</summary>
    private static string Unresolved(List<string> texts) =>
        texts.Count == 1
            ? $"'{texts[0]}' looks like a document number but names no open item"
            : $"{string.Join(", ", texts.Take(3).Select(t => $"'{t}'"))}{(texts.Count > 3 ? $" and {texts.Count - 3} more" : string.Empty)} look like document numbers but name no open item";
}
