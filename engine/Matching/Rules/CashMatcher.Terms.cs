using System.Runtime.InteropServices;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// Two readings of a payment that rest on what AR knows of its items rather than on what the payer wrote:
// an early-payment discount the item's terms grant (2/10 NET 30), and a purchase order shared by several
// invoices (a blanket PO). Each proves an application only as exactly as any other rule: the discount only
// of its size and within its days, the PO only for the one set of its invoices that makes the amount.
public sealed partial class CashMatcher
{
    /// <summary>The deduction reason of a discount taken within terms (applications.csv <c>deduction_reason</c>).</summary>
    public const string DiscountTaken = "discount taken";

    /// <summary>
    /// Decides a payment short of its quoted <paramref name="items"/> when any of them grants an early-payment
    /// discount; null when none does (then nothing changes). Each discount is the terms' percentage of the item's
    /// open amount, rounded half away from zero in minor units (<see cref="PaymentTerms.DiscountMinor"/>); the
    /// payer's own rounding is accepted to one minor unit per discounted item. Taken on every item whose discount
    /// days (from its document date) include the day paid (<see cref="Payment.PaidOn"/>), and on no other, the
    /// discount closes the items in full, each with the discount as a deduction "discount taken". Taken late, or on a
    /// payment without a date, it is an exception whose first suggestion is the items; so is a payment short by
    /// another amount within the discount days (a discount of the wrong size). Short by another amount outside every
    /// discount's days, it is no discount: null, and the other rules decide as without terms.
    /// </summary>
    private Decision? DecideByTerms(Analysis analysis, List<(Quote Quote, Option Option)> chosen, int family, string names, List<string> unresolved, List<Quote> quotes, bool payerAgrees)
    {
        var items = chosen.Select(c => c.Option.Item).ToList();
        var byPo = chosen.Any(c => c.Option.Via == Via.PurchaseOrder);
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency;
        var discounted = items.Where(i => _remaining[i] > 0 && _items[i].Terms is { HasDiscount: true }).ToList();
        if (discounted.Count == 0)
        {
            return null;
        }

        var sum = items.Sum(i => _remaining[i]);
        var discounts = discounted.ToDictionary(i => i, i => _items[i].Terms!.DiscountMinor(_remaining[i]));
        var paidOn = payment.PaidOn;
        var inTime = paidOn is { } day ? discounted.Where(i => day <= _items[i].Terms!.DiscountUntil(_items[i].DocDate)).ToList() : [];
        var within = checked(sum - inTime.Sum(i => discounts[i]));
        var all = checked(sum - discounts.Values.Sum());
        var first = Suggest(items, 0.6, $"the quoted items less their early-payment discount ({Amount(sum - all, currency)})");
        if (chosen.All(c => c.Quote.LineMinor is not null) && chosen.Sum(c => Math.Abs(c.Quote.LineMinor!.Value) * Math.Sign(_remaining[c.Option.Item])) == amount)
        {
            // Every line states what it pays, and the lines make the payment: each line is read by itself.
            return DecideLinesByTerms(chosen, discounts, inTime, names, unresolved, quotes, payerAgrees, byPo, first, paidOn, currency);
        }

        if (inTime.Count > 0 && Math.Abs(amount - within) <= inTime.Count)
        {
            if (unresolved.Count > 0)
            {
                return Doubt(items, $"{names} quoted, paid less their early-payment discount, and {Unresolved(unresolved)}", quotes, currency.Code);
            }

            // The payer's rounding: one minor unit per discounted item at most, given to the items in order.
            var difference = amount - within;
            var deductions = new Dictionary<int, long>();
            var lines = new List<(int Item, long Amount)>(items.Count);
            foreach (var item in items)
            {
                var deduction = inTime.Contains(item) ? discounts[item] : 0;
                if (deduction != 0 && difference != 0)
                {
                    var step = Math.Sign(difference);
                    deduction -= step;
                    difference -= step;
                }

                if (deduction != 0)
                {
                    deductions[item] = deduction;
                }

                lines.Add((item, _remaining[item] - deduction));
            }

            var what = string.Join(", ", inTime.Select(i => $"{Describe(i)} '{_items[i].Terms}' until {_items[i].Terms!.DiscountUntil(_items[i].DocDate):yyyy-MM-dd} ({Amount(deductions.GetValueOrDefault(i), currency)})"));
            return new Decision(lines, byPo ? MatchMethod.PurchaseOrder : MatchMethod.ExactReference, 0.95,
                $"{names} by reference, paid {paidOn:yyyy-MM-dd} with the early-payment discount of its terms: {what}",
                ExceptionReason.NoMatch, [])
            {
                Deductions = deductions,
                DeductionReason = DiscountTaken,
            };
        }

        if (Math.Abs(amount - all) <= discounted.Count)
        {
            var late = discounted.Where(i => !inTime.Contains(i)).ToList();
            var why = paidOn is null
                ? "the bank file gives no date to hold against the discount days"
                : $"paid {paidOn:yyyy-MM-dd}, after the discount days of {string.Join(", ", late.Take(5).Select(i => $"{Describe(i)} (until {_items[i].Terms!.DiscountUntil(_items[i].DocDate):yyyy-MM-dd})"))}";
            return DiscountDoubt($"{names} quoted, paid less the early-payment discount of their terms ({Amount(sum - amount, currency)}), but {why}", quotes, currency.Code, first);
        }

        // Short of the items by something their terms do not explain. Paid outside every discount's days, that is no
        // discount, and the other rules read it as without terms. A shortfall that open credit memos may make is left
        // to the rule for netted memos, which applies the one set or doubts. Within the days, the payer took a
        // discount, and not the one the terms grant.
        if (inTime.Count == 0 || (amount < sum && (NettedMemos(family, items, amount - sum, currency, out var unsure).Count > 0 || unsure)))
        {
            return null;
        }

        return DiscountDoubt(
            $"{names} quoted, paid {Amount(sum - amount, currency)} short of them, which is not the early-payment discount of their terms ({Amount(sum - within, currency)} within {(paidOn is null ? "an unknown date" : $"the days on {paidOn:yyyy-MM-dd}")}, {Amount(sum - all, currency)} in all)",
            quotes, currency.Code, first);
    }

    /// <summary>
    /// The terms read line by line, for a remittance whose lines state what each pays and add up to the payment: a
    /// line short of its item by the item's discount (to a minor unit) takes the discount, which holds only within the
    /// discount days; a line short by anything else is an ordinary per-line deduction, for the other rules to read.
    /// </summary>
    private Decision? DecideLinesByTerms(List<(Quote Quote, Option Option)> chosen, Dictionary<int, long> discounts, List<int> inTime, string names, List<string> unresolved, List<Quote> quotes, bool payerAgrees, bool byPo, Suggestion first, DateOnly? paidOn, CurrencyCode currency)
    {
        var taken = new Dictionary<int, long>();
        var lines = new List<(int Item, long Amount)>(chosen.Count);
        foreach (var (quote, option) in chosen)
        {
            var item = option.Item;
            var open = _remaining[item];
            var line = open < 0 ? -Math.Abs(quote.LineMinor!.Value) : Math.Abs(quote.LineMinor!.Value);
            if (open > 0 && line < open && discounts.TryGetValue(item, out var discount) && Math.Abs(open - discount - line) > 1 && inTime.Contains(item))
            {
                // Short within the discount days, by other than the discount: a discount of the wrong size.
                return DiscountDoubt(
                    $"{names} quoted; the line of {Describe(item)} pays {Amount(open - line, currency)} less, which is not the early-payment discount of its terms '{_items[item].Terms}' ({Amount(discount, currency)})",
                    quotes, currency.Code, first);
            }

            if (open > 0 && line < open && discounts.TryGetValue(item, out discount) && Math.Abs(open - discount - line) <= 1)
            {
                if (!inTime.Contains(item))
                {
                    return DiscountDoubt(
                        $"{names} quoted; the line of {Describe(item)} takes its early-payment discount ({Amount(open - line, currency)}) {(paidOn is null ? "on a payment without a date" : $"on {paidOn:yyyy-MM-dd}, after its discount days (until {_items[item].Terms!.DiscountUntil(_items[item].DocDate):yyyy-MM-dd})")}",
                        quotes, currency.Code, first);
                }

                taken[item] = open - line;
            }

            lines.Add((item, line));
        }

        if (taken.Count == 0)
        {
            return null;
        }

        if (unresolved.Count > 0)
        {
            return Doubt([.. lines.Select(l => l.Item)], $"{names} quoted, lines less their early-payment discount, and {Unresolved(unresolved)}", quotes, currency.Code);
        }

        var fitsOpen = lines.All(l => l.Amount != 0 && (_remaining[l.Item] > 0 ? l.Amount + taken.GetValueOrDefault(l.Item) <= _remaining[l.Item] : l.Amount >= _remaining[l.Item]));
        if (!fitsOpen || !(payerAgrees || chosen.All(c => c.Option.Via == Via.Invoice)))
        {
            return null;
        }

        var what = string.Join(", ", taken.Keys.Select(i => $"{Describe(i)} '{_items[i].Terms}' until {_items[i].Terms!.DiscountUntil(_items[i].DocDate):yyyy-MM-dd} ({Amount(taken[i], currency)})"));
        return new Decision(lines, byPo ? MatchMethod.PurchaseOrder : MatchMethod.ExactReference, 0.95,
            $"{names} by reference, amounts as remitted per line, paid {paidOn:yyyy-MM-dd} with the early-payment discount of the terms of {what}",
            ExceptionReason.NoMatch, [])
        {
            Deductions = taken,
            DeductionReason = DiscountTaken,
        };
    }

    /// <summary>
    /// Decides a payment that quotes a purchase order shared by several open invoices (a blanket PO): the invoices
    /// of that PO whose sum is the payment (less the items the other quotes name), when they are the only such set,
    /// single items included, and a set of that size among the PO's invoices is unlikely to be chance (the test
    /// <see cref="Combinations"/> gives any combination). Null when no quote is a blanket PO, or the rule does not
    /// read the remittance; an exception when more than one set fits.
    /// </summary>
    private Decision? DecideBlanketPo(Analysis analysis, List<Quote> quotes)
    {
        // Most payments quote no shared PO: looked for in a loop, before the search's lists and lambdas are made.
        foreach (var quote in quotes)
        {
            if (IsBlanketPo(quote))
            {
                return DecideBlanketPo(analysis, quotes, [.. quotes.Where(IsBlanketPo)]);
            }
        }

        return null;
    }

    /// <summary>A quote whose every item (two or more) it names by purchase order, as AR prints it.</summary>
    private static bool IsBlanketPo(Quote quote) =>
        quote.Exact.Count > 1 && quote.Exact.TrueForAll(o => o.Via == Via.PurchaseOrder && !o.Stripped);

    /// <summary>The rule of <see cref="DecideBlanketPo(Analysis, List{Quote})"/> for the quotes of <paramref name="blanket"/>, the blanket POs among them.</summary>
    private Decision? DecideBlanketPo(Analysis analysis, List<Quote> quotes, List<Quote> blanket)
    {
        var payment = analysis.Payment;
        var currency = payment.Amount.Currency;
        var fixedItems = new List<int>();
        foreach (var quote in quotes.Except(blanket))
        {
            switch (quote.Exact.Count)
            {
                case 0 when !quote.Structured:
                    continue;
                case 1 when !quote.Exact[0].Stripped && quote.Exact[0].Via != Via.Fuzzy:
                    fixedItems.Add(quote.Exact[0].Item);
                    continue;
                default:
                    // A number that names nothing, or more than one item: the other rules read it.
                    return null;
            }
        }

        var pool = blanket.SelectMany(q => q.Exact.Select(o => o.Item))
            .Where(i => _remaining[i] > 0 && IsOpenIn(i, currency.Code) && !fixedItems.Contains(i))
            .Distinct()
            .Order(ItemComparer)
            .ToList();
        var fixedItemsAll = fixedItems.Distinct().ToList();
        if (pool.Count < 2 || !OneFamily([.. pool, .. fixedItemsAll]))
        {
            return null;
        }

        var target = checked(payment.Amount.Minor - fixedItemsAll.Sum(i => _remaining[i]));
        if (target <= 0)
        {
            return null;
        }

        var sets = pool.Where(i => _remaining[i] == target).Select(i => new[] { i }).ToList();
        var exhausted = false;
        if (pool.Sum(i => _remaining[i]) == target)
        {
            // Every invoice of the PO: no other set of positive amounts makes the same sum.
            sets.Add([.. pool]);
        }
        else
        {
            sets.AddRange(Combinations(CollectionsMarshal.AsSpan(pool), target, currency, searches: 1, out exhausted, out _));
        }

        var distinct = sets.Select(s => InIdOrder(s).ToArray()).DistinctBy(s => string.Join(',', s)).ToList();
        var pos = string.Join(", ", blanket.Select(q => $"PO {q.Text}"));
        if (distinct.Count == 1 && !exhausted)
        {
            var set = InIdOrder(distinct[0].Concat(fixedItemsAll)).ToList();
            if (KnownPayerElsewhere(analysis, _customerOf[set[0]]) is { } payer)
            {
                return PayerConflict(payer, set, payment);
            }

            var rest = fixedItemsAll.Count > 0 ? $" and {string.Join(" + ", fixedItemsAll.Select(Describe))} by reference" : string.Empty;
            return new Decision([.. set.Select(i => (i, _remaining[i]))], MatchMethod.PurchaseOrder, 0.95,
                $"{pos} shared by {pool.Count} open invoices: the only set of them summing to {Amount(target, currency)} is {string.Join(" + ", distinct[0].Select(Describe))}{rest}, amount equal",
                ExceptionReason.NoMatch, []);
        }

        if (distinct.Count > 1 || exhausted)
        {
            return Refer(analysis, ExceptionReason.Ambiguous,
                exhausted
                    ? $"{pos} shared by {pool.Count} open invoices: the search for the set that makes {Amount(target, currency)} ran out of budget"
                    : $"{pos} shared by {pool.Count} open invoices: {distinct.Count} sets of them sum to {Amount(target, currency)}",
                [.. distinct.Take(Policy.MaxSuggestions).Select(s => Suggest([.. s, .. fixedItemsAll], 0.5, $"{s.Length} invoice{(s.Length == 1 ? string.Empty : "s")} of {pos}"))]);
        }

        return null;
    }

    /// <summary>An exception for a discount the terms do not allow: the items with the discount first, then what each quote may mean.</summary>
    private Decision DiscountDoubt(string detail, List<Quote> quotes, string currency, Suggestion first)
    {
        var key = string.Join('+', first.ItemIds);
        var more = ReferenceSuggestions(quotes, currency).Where(s => string.Join('+', s.ItemIds) != key).Take(Policy.MaxSuggestions - 1);
        return new Decision([], MatchMethod.Manual, 0, detail, ExceptionReason.NoMatch, [first, .. more]);
    }
}
