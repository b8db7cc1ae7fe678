using System.Numerics;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

public sealed partial class CashMatcher
{
    private const int MaxTier = 8;

    /// <summary>
    /// Decides a payment with no usable reference: find the payer by known account or by name, then a
    /// single open item of exactly the amount, or else a unique combination of the customer's items (the
    /// family's when the payer is a parent). Several answers make an ambiguous exception.
    /// </summary>
    private Decision DecideByPayer(Analysis analysis)
    {
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency;
        var payers = Payers(analysis);
        var identified = payers.Where(p => p.Score >= Policy.MinNameScore).ToList();
        if (identified.Count == 0)
        {
            var maybe = payers.Where(p => p.Score >= 70).Take(MaxTier).ToList();
            var hints = maybe.SelectMany(p => ItemsOf(p.Customer, amount, currency.Code).Take(2).Select(i => Suggest([i], 0.3 * p.Score / 100.0, p.How))).ToList();
            var detail = string.IsNullOrWhiteSpace(payment.PayerName) && payment.PayerAccount is null
                ? "no reference, no payer name and no known account"
                : $"no reference, and payer '{payment.PayerName}'{(payment.PayerAccount is null ? string.Empty : $" ({payment.PayerAccount})")} is no known customer";
            return Refer(analysis, ExceptionReason.UnknownPayer, detail, hints);
        }

        // The tier: the best candidate and any within the policy's lead of it (similar names).
        var bestScore = identified[0].Score;
        var tier = identified.Where(p => p.Score > bestScore - Policy.MinNameLead).Take(MaxTier).ToList();
        var who = string.Join(" or ", tier.Select(p => _customers.Id(p.Customer)));
        var method = tier[0].Score >= 97 && tier[0].How.StartsWith("known account", StringComparison.Ordinal) ? MatchMethod.AccountAmount : MatchMethod.NameAmount;
        var how = tier[0].How;

        // One open item of exactly the amount, the payer's own first, then its family's.
        foreach (var familyWide in new[] { false, true })
        {
            var singles = tier.SelectMany(p => familyWide ? FamilyItems(p.Customer, amount, currency.Code) : ItemsOf(p.Customer, amount, currency.Code)).Distinct().ToList();
            if (singles.Count == 1)
            {
                var item = singles[0];
                return new Decision([(item, amount)], method, method == MatchMethod.AccountAmount ? 0.95 : 0.9,
                    $"{how}; {(familyWide ? "family's" : "its")} only open item of {Amount(amount, currency)}: {Describe(item)}", ExceptionReason.NoMatch, []);
            }

            if (singles.Count > 1)
            {
                return Refer(analysis, ExceptionReason.Ambiguous, $"{who}: {singles.Count} open items of {Amount(amount, currency)}",
                    [.. singles.Take(Policy.MaxSuggestions).Select(i => Suggest([i], 0.5, "open item of the amount"))]);
            }
        }

        // A unique combination of open items (credit memos included) that sums to the amount.
        foreach (var familyWide in new[] { false, true })
        {
            var solutions = new List<int[]>();
            var exhausted = false;
            foreach (var payer in tier)
            {
                var pool = familyWide
                    ? [.. _customers.Family(_customers.Root(payer.Customer)).SelectMany(c => _itemsOfCustomer[c])]
                    : _itemsOfCustomer[payer.Customer];
                // Every candidate payer searched is another chance of an accidental answer: they share the budget.
                solutions.AddRange(Combinations(pool, amount, currency.Code, tier.Count, out var ran));
                exhausted |= ran;
            }

            var distinct = solutions.DistinctBy(s => string.Join(',', s)).ToList();
            if (distinct.Count == 1 && !exhausted)
            {
                var set = distinct[0];
                return new Decision([.. set.Select(i => (i, _remaining[i]))], MatchMethod.Combination, 0.9,
                    $"{how}; the only combination of {set.Length} open items of {(familyWide ? "the family" : "the customer")} summing to {Amount(amount, currency)}: {string.Join(" + ", set.Select(Describe))}",
                    ExceptionReason.NoMatch, []);
            }

            if (distinct.Count > 1 || exhausted)
            {
                return Refer(analysis, ExceptionReason.Ambiguous,
                    exhausted ? $"{who}: the combination search ran out of budget" : $"{who}: {distinct.Count}+ combinations of open items sum to {Amount(amount, currency)}",
                    [.. distinct.Take(Policy.MaxSuggestions).Select(s => Suggest(s, 0.4, $"{s.Length} items summing to the amount"))]);
            }
        }

        return Refer(analysis, ExceptionReason.NoMatch, $"{who} identified ({how}), but no open item or combination is {Amount(amount, currency)}",
            [.. tier.SelectMany(p => Closest(p.Customer, amount, currency.Code)).Take(Policy.MaxSuggestions)]);
    }

    private IEnumerable<int> ItemsOf(int customer, long amount, string currency) =>
        _itemsOfCustomer[customer].Where(i => _remaining[i] == amount && IsOpenIn(i, currency));

    private IEnumerable<int> FamilyItems(int customer, long amount, string currency) =>
        _customers.Family(_customers.Root(customer)).Where(c => c != customer).SelectMany(c => ItemsOf(c, amount, currency));

    /// <summary>Subsets of 2..max open items of <paramref name="pool"/>, at most two, summing to the amount.</summary>
    private List<int[]> Combinations(IReadOnlyList<int> pool, long amount, string currency, int searches, out bool exhausted)
    {
        // The oldest items first: a payer clearing a batch usually clears what is due.
        var open = pool.Where(i => IsOpenIn(i, currency))
            .OrderBy(i => _items[i].DueDate)
            .ThenBy(i => i)
            .Take(Math.Min(Policy.MaxCombinationCandidates, SubsetSum.MaxItems))
            .ToArray();
        var amounts = open.Select(i => _remaining[i]).ToArray();
        var maxSize = CredibleCombinationSize(open.Length, amount, searches);
        var masks = SubsetSum.Find(amounts, amount, maxSize, limit: 3, Policy.CombinationBudget, out exhausted);
        var sets = new List<int[]>();
        foreach (var mask in masks)
        {
            if (BitOperations.PopCount(mask) < 2)
            {
                continue;
            }

            var set = new List<int>();
            for (var bit = 0; bit < open.Length; bit++)
            {
                if ((mask & (1UL << bit)) != 0)
                {
                    set.Add(open[bit]);
                }
            }

            set.Sort();
            sets.Add([.. set]);
        }

        return sets;
    }

    /// <summary>
    /// The largest combination size whose subsets are few enough, against the amount, that one of them
    /// summing to it is unlikely to be chance: sum of C(n, k) over sizes, divided by the amount.
    /// </summary>
    private int CredibleCombinationSize(int n, long amount, int searches)
    {
        double subsets = 0;
        double choose = 1;
        var size = 1;
        for (var k = 1; k <= Policy.MaxCombinationSize && k <= n; k++)
        {
            choose = choose * (n - k + 1) / k;
            subsets += choose;
            if (subsets * searches / Math.Max(1, amount) > Policy.MaxChanceCombinations)
            {
                break;
            }

            size = k;
        }

        return size;
    }

    private IEnumerable<Suggestion> Closest(int customer, long amount, string currency) =>
        _itemsOfCustomer[customer]
            .Where(i => IsOpenIn(i, currency) && _remaining[i] > 0)
            .OrderBy(i => Math.Abs(_remaining[i] - amount))
            .ThenBy(i => i)
            .Take(3)
            .Select(i => Suggest([i], Math.Max(0.05, 0.5 - (Math.Abs((double)(_remaining[i] - amount)) / Math.Max(1, amount))), $"closest open amount {Amount(_remaining[i], _items[i].Currency)}"));
}
