using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// The rules for a payment whose quotes each name one item but whose items were not fitted to the amount by the
// search (CashMatcher.References.cs, DecideDeviation): the quoted items are known, of one family, and the payer
// is not known to be another's. What remains is the difference between the payment and the items' open amounts,
// and each rule below is one reading of it. DecideDeviation asks them in order and the first that decides, decides:
//   1. a series the payer's ledger chose, which only an exact amount confirms (NarrowedUnconfirmed);
//   2. the early-payment discount of the items' terms (CashMatcher.Terms.cs);
//   3. the amounts as remitted per line (AsRemitted);
//   4. no difference at all (PaidInFull);
//   5. paid short: a netted credit memo, a deduction or bank fee within the policy, or an exception (PaidShort);
//   6. paid over: the rest on account, applied to what it is, or an exception (PaidOver, then CashMatcher.Rest.cs).
public sealed partial class CashMatcher
{
    /// <summary>
    /// What a payment's quotes found when each is read by itself: the evidence the deviation rules read. The
    /// <see cref="Items"/> are of one family (<see cref="Family"/>, the customer of the first), none is named twice,
    /// the payer is not known to be of another family, and any item found only by a stripped key is vouched for.
    /// </summary>
    /// <param name="Analysis">The payment and its quotes.</param>
    /// <param name="Chosen">Each quote that named an item, with the one item it names.</param>
    /// <param name="Items">The items of <see cref="Chosen"/>, in quote order.</param>
    /// <param name="ChosenItems">The same items, to ask whether one is quoted.</param>
    /// <param name="Family">The customer of the first item: whose family they all are.</param>
    /// <param name="PayerAgrees">The bank's words (account or close name) put the payer in that family.</param>
    /// <param name="Sum">The items' open amounts together.</param>
    /// <param name="Names">The items as an explanation names them.</param>
    /// <param name="Unresolved">Document numbers the payer wrote that name no open item: the payment may pay them
    /// too, so they leave any difference between the payment and the items unexplained.</param>
    private sealed record QuotedItems(
        Analysis Analysis,
        List<(Quote Quote, Option Option)> Chosen,
        List<int> Items,
        HashSet<int> ChosenItems,
        int Family,
        bool PayerAgrees,
        long Sum,
        string Names,
        List<string> Unresolved)
    {
        public Payment Payment => Analysis.Payment;

        public List<Quote> Quotes => Analysis.Quotes;

        /// <summary>The payment's amount, in minor units.</summary>
        public long Paid => Payment.Amount.Minor;

        public CurrencyCode Currency => Payment.Amount.Currency;

        /// <summary>The payment less the items' open amounts: zero when they add up, negative when paid short, positive when paid over.</summary>
        public long Delta => checked(Paid - Sum);
    }

    /// <summary>
    /// A quote of two series that the known payer's family narrowed to its one item (<see cref="NarrowToKnownPayer"/>):
    /// the payer's ledger chose the series, and only an amount that agrees exactly confirms the choice. An exception
    /// when the amount differs; else null.
    /// </summary>
    private Decision? NarrowedUnconfirmed(QuotedItems found)
    {
        if (found.Delta != 0 && found.Chosen.Find(c => c.Quote.NarrowedByPayer).Quote is { } narrowed)
        {
            return Doubt(found.Items, $"'{narrowed.Text}' meets items of two series only without their prefixes, the payer's family has one of them, but the payment is not the quoted items' open amount", found.Quotes, found.Currency.Code);
        }

        return null;
    }

    /// <summary>
    /// Amounts as remitted: every line states what it pays, each line fits its item's open amount, and the lines add
    /// up to the payment. A line that pays less than its item is proven by neither the amount nor, when the bank
    /// names another customer, the payer: then the payer must agree, or every line be an invoice number. Else null.
    /// </summary>
    private Decision? AsRemitted(QuotedItems found)
    {
        var (analysis, chosen, _, _, family, payerAgrees, sum, names, _) = found;
        var amount = found.Paid;
        var currency = found.Currency;
        if (chosen.All(c => c.Quote.LineMinor is not null))
        {
            var lines = chosen.Select(c => (c.Option.Item, Amount: _remaining[c.Option.Item] < 0 ? -Math.Abs(c.Quote.LineMinor!.Value) : Math.Abs(c.Quote.LineMinor!.Value))).ToList();
            var fitsOpen = lines.All(l => l.Amount != 0 && (_remaining[l.Item] > 0 ? l.Amount <= _remaining[l.Item] : l.Amount >= _remaining[l.Item]));
            // A line that pays less than its item's open amount is confirmed by neither the amount nor, when the
            // bank names another customer, the payer: the reference alone does not prove it.
            var deviates = lines.Exists(l => l.Amount != _remaining[l.Item]);
            if (fitsOpen && lines.Sum(l => l.Amount) == amount
                && (payerAgrees || (chosen.All(c => c.Option.Via == Via.Invoice) && !(deviates && PayerDisagrees(analysis, family)))))
            {
                var shortBy = sum - amount;
                return new Decision(lines, MatchMethod.ExactReference, 0.95,
                    shortBy == 0 ? $"{names} by reference, amounts as remitted per line, amount equal" : $"{names} by reference, amounts as remitted per line (short {Amount(shortBy, currency)} in all)",
                    ExceptionReason.NoMatch, []);
            }
        }

        return null;
    }

    /// <summary>
    /// Every quote names one item, and they add up to the payment: each item applied in full. What the search
    /// would decide, for a remittance too long to search.
    /// </summary>
    private Decision PaidInFull(QuotedItems found)
    {
        var byPo = found.Chosen.Any(c => c.Option.Via == Via.PurchaseOrder);
        return new Decision([.. found.Items.Select(i => (i, _remaining[i]))], byPo ? MatchMethod.PurchaseOrder : MatchMethod.ExactReference, byPo ? 0.97 : 0.99,
            $"{found.Names} by reference, amount equal", ExceptionReason.NoMatch, []);
    }

    /// <summary>
    /// Paid short of the quoted items. The one set of the family's unquoted credit memos that makes the shortfall
    /// was netted: applied with them. Else a single invoice paid short within the policy's deduction or bank-fee
    /// tolerance (<see cref="WithinDeductionTolerance"/>), by a payer who agrees (or who declared the amount on the
    /// line and is not known to be another), is a deduction: applied at the amount paid, the rest of the item left
    /// open. A deduction is a reading of the difference, as an overpayment is: it holds only when no document number
    /// the payer wrote, no unquoted open item of exactly the amount paid and no combination of the family's open
    /// items explains it. Anything else is an exception.
    /// </summary>
    private Decision PaidShort(QuotedItems found)
    {
        var (analysis, chosen, items, chosenItems, family, payerAgrees, _, names, unresolved) = found;
        var amount = found.Paid;
        var currency = found.Currency;
        var delta = found.Delta;
        var quotes = found.Quotes;

        // A credit memo the payer netted without quoting it.
        var memos = NettedMemos(family, items, delta, currency, out var memosUnsure);
        if (memos.Count == 1 && !memosUnsure)
        {
            var lines = items.Select(i => (i, _remaining[i])).Concat(memos[0].Select(m => (m, _remaining[m]))).ToList();
            return new Decision(lines, MatchMethod.ExactReference, 0.93,
                $"{names} by reference, less credit memo {string.Join(" + ", memos[0].Select(Describe))}, amount equal", ExceptionReason.NoMatch, []);
        }

        var single = items.Count == 1 && _remaining[items[0]] > 0;
        var shortfall = -delta;
        var declared = chosen.Count == 1 && chosen[0].Quote.LineMinor == amount;
        if (single && memos.Count == 0 && !memosUnsure && (payerAgrees || (declared && !PayerDisagrees(analysis, family))) && chosen[0].Option.Via != Via.Fuzzy
            && WithinDeductionTolerance(shortfall, _remaining[items[0]]))
        {
            // A short payment or bank fee is a reading of the difference, as an overpayment is: it holds only
            // when nothing else the payer wrote, and no other open item of exactly the amount paid, explains it.
            if (unresolved.Count > 0)
            {
                return Doubt(items, $"{names} quoted, payment {Amount(shortfall, currency)} short of it, and {Unresolved(unresolved)}", quotes, currency.Code);
            }

            var alike = ItemsOfAmount(family, amount, currency.Code).Where(i => !chosenItems.Contains(i)).ToList();
            if (alike.Count > 0)
            {
                return Doubt(items, $"{names} quoted, payment {Amount(shortfall, currency)} short of it, and the amount paid is that of {string.Join(", ", alike.Take(3).Select(Describe))}, open and unquoted",
                    quotes, currency.Code, alike.Take(Policy.MaxSuggestions).Select(i => Suggest([i], 0.5, "unquoted open item of the amount paid")));
            }

            if (ShortfallUnexplained(items, family, delta, currency, names, quotes) is { } doubt)
            {
                return doubt;
            }

            var why = shortfall <= Policy.MaxBankFeeMinor
                ? $"{names} by reference, paid short {Amount(shortfall, currency)} (bank fee or small deduction)"
                : $"{names} by reference, paid short {Amount(shortfall, currency)} (deduction)";
            return new Decision([(items[0], amount)], MatchMethod.ExactReference, 0.9, why, ExceptionReason.NoMatch, []);
        }

        return memos.Count > 0 || memosUnsure
            ? Doubt(items, $"{names} quoted, payment {Amount(shortfall, currency)} short of them, which {(memosUnsure ? "may be" : $"{memos.Count} sets of")} the family's open credit memos",
                quotes, currency.Code, memos.Select(m => Suggest([.. items, .. m], 0.4, "the quoted items less unquoted credit memos")))
            : Doubt(items, $"{names} quoted, payment {Amount(shortfall, currency)} short of them, and no deduction rule applies", quotes, currency.Code);
    }

    /// <summary>
    /// Whether a shortfall is small enough to be a deduction or a bank fee (the policy's
    /// <see cref="MatchPolicy.MaxShortPayShare"/> of the item's <paramref name="open"/> amount, or its
    /// <see cref="MatchPolicy.MaxBankFeeMinor"/>). Necessary, never enough: see <see cref="PaidShort"/>.
    /// </summary>
    private bool WithinDeductionTolerance(long shortfall, long open) =>
        shortfall <= (long)(Policy.MaxShortPayShare * open) || shortfall <= Policy.MaxBankFeeMinor;

    /// <summary>
    /// Paid more than the quoted items. When the payer agrees, or every line states its amount, and no line states
    /// another amount than its item's, the rest is read by <see cref="ExplainRest"/>: on account only when nothing the
    /// payer owes explains it. Otherwise the amount and the payer do not confirm the quotes: an exception.
    /// </summary>
    private Decision PaidOver(QuotedItems found)
    {
        var (analysis, chosen, items, _, family, payerAgrees, _, names, unresolved) = found;
        var quotes = found.Quotes;
        var currency = found.Currency;
        var linesAgree = chosen.All(c => c.Quote.LineMinor is null || Math.Abs(c.Quote.LineMinor.Value) == Math.Abs(_remaining[c.Option.Item]));
        if ((payerAgrees || chosen.All(c => c.Quote.LineMinor is not null)) && linesAgree)
        {
            return ExplainRest(items, family, found.Delta, currency, names, unresolved, quotes);
        }

        return Refer(analysis, ExceptionReason.Conflict, $"{names} quoted, but the amount and payer do not confirm them", ReferenceSuggestions(quotes, currency.Code));
    }
}
