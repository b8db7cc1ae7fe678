using System.Globalization;
using System.Runtime.InteropServices;
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
    /// How often, at most, a combination of a rest's (or shortfall's) amount may turn up among a family's open
    /// items by accident for finding one to be reason to doubt: one time in ten. An application needs far
    /// more (<see cref="MatchPolicy.MaxChanceCombinations"/>); a doubt only needs the payer's unquoted
    /// invoices to be a likelier reading than an accident.
    /// </summary>
    private const double MaxChanceToDoubt = 0.1;

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
            pool.AddRange(ItemsOfCustomer(member).Where(i => !quoted.Contains(i) && IsOpenIn(i, currency.Code)));
        }

        SortItems(pool);
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

            return new Decision([.. InIdOrder(items.Append(item)).Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.9,
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
        var combinations = Combinations(CollectionsMarshal.AsSpan(pool), rest, currency, searches: 1, out var exhausted, out _);
        var distinct = combinations.DistinctBy(s => string.Join(',', s)).ToList();
        if (distinct.Count == 1 && !exhausted)
        {
            var set = distinct[0];
            return new Decision([.. InIdOrder(items.Concat(set)).Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.9,
                $"{names} by reference, and the rest {Amount(rest, currency)} is the only combination of the family's unquoted open items of that sum: {string.Join(" + ", set.Select(Describe))}",
                ExceptionReason.NoMatch, []);
        }

        if (distinct.Count > 1 || exhausted)
        {
            return Doubt(items, $"{names} by reference, and the rest {Amount(rest, currency)} is {(exhausted ? "possibly" : $"{distinct.Count}+")} combinations of unquoted open items",
                quotes, currency.Code, distinct.Take(Policy.MaxSuggestions).Select(s => Suggest([.. items, .. s], 0.4, "the quoted items and unquoted items of the rest")));
        }

        // No combination small enough to prove anything pays the rest. It is an overpayment only when no
        // combination of any size makes it either, proven by an exact search; when one does (a cut
        // remittance's unread invoices, too many to tell from chance), or when there are too many open items
        // to tell within the budget, the rest is a specialist's call.
        var reach = AnyCombinationMakes(pool, rest, currency);
        if (reach != Reach.No)
        {
            var pair = PairOf(pool, rest);
            var also = pair is var (a, b) ? [Suggest([.. items, a, b], 0.3, "the quoted items and a pair of unquoted items of the rest")] : Array.Empty<Suggestion>();
            return Doubt(items,
                reach == Reach.Yes
                    ? $"{names} by reference, and the rest {Amount(rest, currency)} is the sum of some of the family's {pool.Count} unquoted open items: too many to tell which, or whether it pays them"
                    : $"{names} by reference, and the rest {Amount(rest, currency)} may be the sum of some of the family's {pool.Count} unquoted open items: too many to rule it out",
                quotes, currency.Code, also);
        }

        return new Decision([.. items.Select(i => (i, _remaining[i]))], MatchMethod.ExactReference, 0.92,
            $"{names} by reference, paid over by {Amount(rest, currency)}, which no open item or combination of the family makes", ExceptionReason.Overpayment, []);
    }

    /// <summary>
    /// Whether some of the open items of <paramref name="pool"/> make <paramref name="sum"/> together: Yes,
    /// No, or Unknown when there are too many to tell within the policy's budget. Every item is looked at.
    /// Items of the sum's own sign (invoices for a rest, credit memos for a shortfall) in any number: a bank
    /// that cuts a remittance drops any number of its lines. Invoices and memos mixed, only up to the size at
    /// which a combination of that sum would still turn up by accident less often than
    /// <see cref="MaxChanceToDoubt"/> (pairs always): two omissions at once, and beyond that size some mix
    /// makes almost any sum, so finding one would say nothing of what the payer meant. Without
    /// <paramref name="anyNumber"/>, only those telling combinations are looked for, of either sign.
    /// </summary>
    private Reach AnyCombinationMakes(List<int> pool, long sum, CurrencyCode currency, bool anyNumber = true)
    {
        var alike = pool.Select(i => _remaining[i]).Where(a => Math.Sign(a) == Math.Sign(sum)).ToArray();
        var answer = alike.Length == 0 || !anyNumber ? Reach.No : SubsetSum.Reaches(alike, sum, alike.Length, Policy.CombinationBudget);
        if (answer == Reach.Yes || (anyNumber && alike.Length == pool.Count))
        {
            return answer;
        }

        var amounts = pool.Select(i => _remaining[i]).ToArray();
        var size = CredibleSize(amounts, sum, currency, MaxChanceToDoubt);
        size = anyNumber ? Math.Max(2, size) : size;
        var mixed = SubsetSum.Reaches(amounts, sum, size, Policy.CombinationBudget);
        return mixed == Reach.No ? answer : mixed;
    }

    /// <summary>
    /// Sets of unquoted open credit memos of the family whose amounts make up the shortfall
    /// <paramref name="delta"/> (negative): at most two sets, of up to the size at which one set of that sum
    /// is unlikely to be chance (pairs at least: a payer nets one or two memos most often). A payer may net
    /// three memos as readily as two; a search that stopped at pairs would call the third a deduction.
    /// <paramref name="unsure"/> when the search could not finish, or the one set is a single memo of an amount that
    /// open items carry too often for it to be more than chance, so a single set found is no proof.
    /// </summary>
    private List<int[]> NettedMemos(int customer, List<int> quoted, long delta, CurrencyCode currency, out bool unsure)
    {
        var memos = new List<int>();
        foreach (var member in _customers.Family(_customers.Root(customer)))
        {
            memos.AddRange(ItemsOfCustomer(member).Where(i => _remaining[i] < 0 && !quoted.Contains(i) && IsOpenIn(i, currency.Code)));
        }

        unsure = false;
        if (memos.Count == 0)
        {
            return [];
        }

        var limit = Math.Min(Policy.MaxCombinationCandidates, SubsetSum.MaxItems);
        unsure = memos.Count > limit;
        var searched = memos.OrderBy(i => _items[i].DueDate).ThenBy(i => i, ItemComparer).Take(limit).ToArray();
        var amounts = searched.Select(i => _remaining[i]).ToArray();
        var size = Math.Max(2, CredibleSize(amounts, -delta, currency, Policy.MaxChanceCombinations));
        var masks = SubsetSum.Find(amounts, delta, size, limit: 2, Policy.CombinationBudget, out var exhausted);
        unsure |= exhausted;
        var sets = new List<int[]>();
        foreach (var mask in masks)
        {
            sets.Add([.. InIdOrder(searched.Where((_, bit) => (mask & (1UL << bit)) != 0))]);
        }

        // One memo of exactly the shortfall proves the netting only if a memo of that amount among those searched is
        // unlikely to be chance, as an unquoted item of a rest must be (ExplainRest): payers deduct round sums for
        // damages, pricing or allowances, and a memo of 100.00 is then no more than a coincidence.
        if (sets.Count == 1 && sets[0].Length == 1 && searched.Length * ChanceOf(-delta, currency.Code, roundAmounts: true) > Policy.MaxChanceSingle)
        {
            unsure = true;
        }

        return sets;
    }

    /// <summary>
    /// For a short payment about to be read as a deduction or bank fee: an exception when some of the
    /// family's unquoted open items (credit memos among them, in any number) make the shortfall
    /// <paramref name="delta"/> exactly, or may make it and the search cannot tell. The payer may have
    /// netted them; what the engine cannot rule out, it does not call a deduction.
    /// </summary>
    private Decision? ShortfallUnexplained(List<int> items, int family, long delta, CurrencyCode currency, string names, List<Quote> quotes)
    {
        var quoted = items.ToHashSet();
        var pool = new List<int>();
        foreach (var member in _customers.Family(_customers.Root(family)))
        {
            pool.AddRange(ItemsOfCustomer(member).Where(i => !quoted.Contains(i) && IsOpenIn(i, currency.Code)));
        }

        var reach = AnyCombinationMakes(pool, delta, currency);
        return reach == Reach.No
            ? null
            : Doubt(items,
                $"{names} quoted, payment {Amount(-delta, currency)} short of it, and that shortfall {(reach == Reach.Yes ? "is" : "may be")} what some of the family's unquoted open items and credit memos make together",
                quotes, currency.Code);
    }

    /// <summary>
    /// For a quoted number read as a slip for a near number because the near item's amount fits: why the
    /// number as quoted may be right after all, or null. It names an open item of its own
    /// (<paramref name="overruled"/>, with the other quoted items); when the difference between the payment
    /// and those is what some other open items of the family make, the payer may have paid the quoted item
    /// and those (a remittance cut short, unquoted invoices) rather than mistyped. Two readings: a specialist's call.
    /// </summary>
    private string? OverruledReadingMayHold(int[] overruled, long amount, CurrencyCode currency)
    {
        var list = overruled.ToList();
        if (!OneFamily(list))
        {
            return null;
        }

        var difference = checked(amount - list.Sum(i => _remaining[i]));
        if (difference == 0)
        {
            return null;
        }

        var quoted = list.ToHashSet();
        var pool = new List<int>();
        foreach (var member in _customers.Family(_customers.Root(_customerOf[list[0]])))
        {
            pool.AddRange(ItemsOfCustomer(member).Where(i => !quoted.Contains(i) && IsOpenIn(i, currency.Code)));
        }

        // The near item's amount is strong proof: only a combination as telling (one that would rarely turn up by
        // accident) stands against it, not one among the many that large numbers of items make of almost any sum.
        return AnyCombinationMakes(pool, difference, currency, anyNumber: false) == Reach.No
            ? null
            : $"the numbers as quoted name {string.Join(" + ", list.Select(Describe))}, and the difference {Amount(difference, currency)} {(difference > 0 ? "may be unquoted open items" : "may be unquoted credit memos")} of the family";
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
