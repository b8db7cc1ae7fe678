using System.Globalization;
using System.Runtime.InteropServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// The rule for a payment whose references prove nothing: who pays (a known account, a learnt payer rule, or a
// name like a customer's), then one open item of exactly the amount, or else the one combination of open items
// that makes it, the payer's own first and then its family's. Each is proof only when it is unlikely to be
// chance (CashMatcher.Chance.cs); two answers, or none, make an exception with suggestions.
public sealed partial class CashMatcher
{
    private const int MaxTier = 8;

    /// <summary>The score from which a payer the name does not identify is still named in an unknown payer's suggestions.</summary>
    private const int MaybePayerScore = 70;

    /// <summary>
    /// Decides a payment with no usable reference: find the payer by known account or by name, then a
    /// single open item of exactly the amount, or else a unique combination of the customer's items (the
    /// family's when the payer is a parent). Several answers make an ambiguous exception. With <c>guessing</c>, those are the
    /// payers, and the analysis is only read (a decision guessed on another core: CashMatcher.ByPayerGuess.cs).
    /// </summary>
    private Decision DecideByPayer(Analysis analysis, List<PayerCandidate>? guessing = null)
    {
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency;
        var payers = guessing ?? Payers(analysis);
        var first = FirstIdentified(payers);
        if (first < 0)
        {
            return UnknownPayer(analysis, payers);
        }

        // The tier: the best candidate and every one within the policy's lead of it (similar names, or a
        // name the bank cut short that starts many customers' names). All are searched alike.
        var bestScore = payers[first].Score;
        // A known account identifies; a name only resembles. When the account names the payer, customers
        // whose names merely look like the one the bank printed do not make it doubtful.
        var byAccount = payers[first].NameOnFile is null;
        // Loops, not a chain of iterators and lambdas over the scores: this runs for every payment decided by its payer.
        // Counted first, so that the list is made at its size (the tier is often one payer among many found).
        var inTier = 0;
        for (var p = first; p < payers.Count; p++)
        {
            inTier += InTier(payers[p]) ? 1 : 0;
        }

        var tier = new List<PayerCandidate>(inTier);
        for (var p = first; p < payers.Count; p++)
        {
            if (InTier(payers[p]))
            {
                tier.Add(payers[p]);
            }
        }

        // A learnt name identifies as a name does: only an account (on file or learnt) makes it an account match.
        var method = byAccount && !ByLearnedName(tier[0]) ? MatchMethod.AccountAmount : MatchMethod.NameAmount;

        // One open item of exactly the amount, the payer's own first, then its family's. It proves the
        // match only if an item of that amount among all those searched is unlikely to be chance. The lists are the
        // call's: the family's search starts only when the payer's own found nothing, so with both empty.
        var currencyIndex = CurrencyIndex(currency.Code);
        var singles = new List<int>();
        var seen = new HashSet<int>();
        foreach (var familyWide in (ReadOnlySpan<bool>)[false, true])
        {
            AddOpenItemsOfAmount(tier, familyWide, amount, currencyIndex, singles, seen);
            if (singles.Count == 1 && !familyWide)
            {
                // A parent that has an item of the amount may be paying its subsidiary's of the same amount.
                AddOpenItemsOfAmount(tier, familyWide: true, amount, currencyIndex, singles, seen);
            }

            if (singles.Count == 1)
            {
                var item = singles[0];
                var (searched, chance) = ChanceOfAmount(tier, familyWide, item, amount, currency.Code);
                if (chance > Policy.MaxChanceSingle)
                {
                    return Refer(analysis, ExceptionReason.Ambiguous,
                        $"{Who(tier)}: one open item of {Amount(amount, currency)}, {Describe(item)}, but among the {searched} open items searched one of that amount turns up by chance {chance.ToString("P1", CultureInfo.InvariantCulture)} of the time",
                        [Suggest([item], 0.5, $"{(familyWide ? "family's" : "payer's")} only open item of the amount")]);
                }

                return new Decision([(item, amount)], method, method == MatchMethod.AccountAmount && tier[0].Score > CustomerDirectory.BareAccountScore ? 0.95 : 0.9,
                    $"{HowFound(tier, PayerOf(tier, item, familyWide))}; {(familyWide ? "family's" : "its")} only open item of {Amount(amount, currency)}: {Describe(item)}", ExceptionReason.NoMatch, []);
            }

            if (singles.Count > 1)
            {
                return Refer(analysis, ExceptionReason.Ambiguous, $"{Who(tier)}: {singles.Count} open items of {Amount(amount, currency)}",
                    [.. singles.Take(Policy.MaxSuggestions).Select(i => Suggest([i], 0.5, "open item of the amount"))]);
            }
        }

        // A unique combination of open items (credit memos included) that sums to the amount.
        var ruledOut = false;
        foreach (var familyWide in (ReadOnlySpan<bool>)[false, true])
        {
            var solutions = new List<int[]>();
            var exhausted = false;
            PayerCandidate? solver = null;
            foreach (var payer in tier)
            {
                ReadOnlySpan<int> pool = familyWide ? CollectionsMarshal.AsSpan(ItemsOfFamily(_customers.Root(payer.Customer))) : ItemsOfCustomer(payer.Customer);
                // Every candidate payer searched is another chance of an accidental answer: they share the budget.
                var found = Combinations(pool, amount, currency, tier.Count, out var ran, out var tooLikely);
                solver ??= found.Count > 0 ? payer : null;
                solutions.AddRange(found);
                exhausted |= ran;
                ruledOut |= tooLikely;
            }

            var distinct = solutions.DistinctBy(s => string.Join(',', s)).ToList();
            if (distinct.Count == 1 && !exhausted)
            {
                var set = distinct[0];
                return new Decision([.. set.Select(i => (i, _remaining[i]))], MatchMethod.Combination, 0.9,
                    $"{HowFound(tier, solver ?? tier[0])}; the only combination of {set.Length} open items of {(familyWide ? "the family" : "the customer")} summing to {Amount(amount, currency)}: {string.Join(" + ", set.Select(Describe))}",
                    ExceptionReason.NoMatch, []);
            }

            if (distinct.Count > 1 || exhausted)
            {
                return Refer(analysis, ExceptionReason.Ambiguous,
                    exhausted ? $"{Who(tier)}: the combination search ran out of budget" : $"{Who(tier)}: {distinct.Count}+ combinations of open items sum to {Amount(amount, currency)}",
                    [.. distinct.Take(Policy.MaxSuggestions).Select(s => Suggest(s, 0.4, $"{s.Length} items summing to the amount"))]);
            }
        }

        return NoneOfAmount(analysis, tier, ruledOut);

        bool InTier(PayerCandidate payer) =>
            payer.Score >= Policy.MinNameScore && payer.Score > bestScore - Policy.MinNameLead && (!byAccount || payer.NameOnFile is null);
    }

    /// <summary>The exception for a payment whose bank words identify no customer, with the items of those they may mean.</summary>
    private Decision UnknownPayer(Analysis analysis, List<PayerCandidate> payers)
    {
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency.Code;
        var maybe = payers.Where(p => p.Score >= MaybePayerScore).Take(MaxTier).ToList();
        var hints = maybe.SelectMany(p => ItemsOf(p.Customer, amount, currency).Take(2).Select(i => Suggest([i], 0.3 * p.Score / 100.0, p.How))).ToList();
        var detail = string.IsNullOrWhiteSpace(payment.PayerName) && payment.PayerAccount is null
            ? "no reference, no payer name and no known account"
            : $"no reference, and payer '{payment.PayerName}'{(payment.PayerAccount is null ? string.Empty : $" ({payment.PayerAccount})")} is no known customer";
        return Refer(analysis, ExceptionReason.UnknownPayer, detail, hints);
    }

    /// <summary>The exception for an identified payer none of whose open items, alone or together, make the amount.</summary>
    private Decision NoneOfAmount(Analysis analysis, List<PayerCandidate> tier, bool ruledOut)
    {
        var amount = analysis.Payment.Amount.Minor;
        var currency = analysis.Payment.Amount.Currency;
        var who = Who(tier);
        var how = HowFound(tier, tier[0]);
        return Refer(analysis, ExceptionReason.NoMatch,
            ruledOut
                ? $"{who} identified ({how}), but no open item is {Amount(amount, currency)}, and among so many open items a combination of that sum would prove nothing (not searched)"
                : $"{who} identified ({how}), but no open item or combination is {Amount(amount, currency)}",
            [.. tier.SelectMany(p => Closest(p.Customer, amount, currency.Code)).Take(Policy.MaxSuggestions)]);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the open items of exactly <paramref name="amount"/> in currency index
    /// <paramref name="currency"/> of each payer of the tier (or, <paramref name="familyWide"/>, of the other members of
    /// its family), in that order, each once (<paramref name="seen"/> holds those already in). A loop rather than a
    /// chain of iterators: it runs for every payment decided by its payer.
    /// </summary>
    private void AddOpenItemsOfAmount(List<PayerCandidate> tier, bool familyWide, long amount, int currency, List<int> into, HashSet<int> seen)
    {
        foreach (var payer in tier)
        {
            if (!familyWide)
            {
                AddOfAmount(payer.Customer);
                continue;
            }

            foreach (var member in _customers.Family(_customers.Root(payer.Customer)))
            {
                if (member != payer.Customer)
                {
                    AddOfAmount(member);
                }
            }
        }

        void AddOfAmount(int customer)
        {
            foreach (var item in ItemsOfCustomer(customer))
            {
                if (IsOpenOfAmount(item, amount, currency) && seen.Add(item))
                {
                    into.Add(item);
                }
            }
        }
    }

    /// <summary>The items of every member of the family rooted at <paramref name="root"/>, member by member, in one new list.</summary>
    private List<int> ItemsOfFamily(int root)
    {
        var items = new List<int>();
        foreach (var member in _customers.Family(root))
        {
            items.AddRange(ItemsOfCustomer(member));
        }

        return items;
    }

    /// <summary>
    /// How the payer was found, in words: how <paramref name="payer"/>, the one of the tier whose items are applied,
    /// was found, and how many the tier held alike (the evidence named is that of the customer paid, not of the
    /// first of the tier in id order).
    /// </summary>
    private static string HowFound(List<PayerCandidate> tier, PayerCandidate payer) =>
        tier.Count == 1 ? payer.How : $"{payer.How}, one of {tier.Count} alike";

    /// <summary>The payer of the tier whose items (or, <paramref name="familyWide"/>, whose family's) hold <paramref name="item"/>.</summary>
    private PayerCandidate PayerOf(List<PayerCandidate> tier, int item, bool familyWide)
    {
        var owner = _customerOf[item];
        foreach (var payer in tier)
        {
            if (payer.Customer == owner)
            {
                return payer;
            }
        }

        var kin = familyWide ? tier.FindIndex(p => _customers.SameFamily(p.Customer, owner)) : -1;
        return tier[Math.Max(0, kin)];
    }

    /// <summary>The customers of a tier, as an exception's detail names them: the first few, then how many more.</summary>
    private string Who(List<PayerCandidate> tier) =>
        tier.Count <= MaxTier
            ? string.Join(" or ", tier.Select(p => _customers.Id(p.Customer)))
            : $"{string.Join(", ", tier.Take(MaxTier).Select(p => _customers.Id(p.Customer)))} or {tier.Count - MaxTier} more alike";

    private IEnumerable<Suggestion> Closest(int customer, long amount, string currency) =>
        ItemsOfCustomer(customer)
            .Where(i => IsOpenIn(i, currency) && _remaining[i] > 0)
            .OrderBy(i => Math.Abs(_remaining[i] - amount))
            .ThenBy(i => i, ItemComparer)
            .Take(3)
            .Select(i => Suggest([i], Math.Max(0.05, 0.5 - (Math.Abs((double)(_remaining[i] - amount)) / Math.Max(1, amount))), $"closest open amount {Amount(_remaining[i], _items[i].Currency)}"));
}
