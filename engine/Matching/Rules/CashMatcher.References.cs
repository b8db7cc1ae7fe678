using System.Runtime.InteropServices;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Engine.Matching;

public sealed partial class CashMatcher
{
    // The most quotes whose every choice of items is searched (ExactFits). A longer remittance is decided
    // line by line (DecideDeviation): each line names its item, and the lines, not a search, explain the amount.
    private const int MaxQuotes = 12;
    private const int MaxAssignments = 2048;
    private const double FuzzyCost = 2.0;

    /// <summary>
    /// One choice of quoted items whose open amounts add up to the payment exactly (<see cref="ExactFits"/>): the
    /// strongest evidence a reference gives. The cheapest fit, alone at its cost, is applied in full.
    /// </summary>
    /// <param name="Items">The items, sorted, all of one family.</param>
    /// <param name="Cost">How much reading the choice took: quotes left out, purchase orders, a number read as mistyped.</param>
    /// <param name="Fuzzy">1 when one quote was read as a mistyped number of a near item, else 0.</param>
    /// <param name="ByPo">How many quotes named their item by purchase order.</param>
    /// <param name="Why">The explanation an application carries.</param>
    /// <param name="Stripped">Some item met its quote only without a letter prefix (see <see cref="KeyStrength.Stripped"/>).</param>
    /// <param name="Overruled">The items the numbers as quoted name, when a near reading overruled them (see <see cref="OverruledReadingMayHold"/>).</param>
    private sealed record Fit(int[] Items, double Cost, int Fuzzy, int ByPo, string Why, bool Stripped, int[]? Overruled = null)
    {
        /// <summary>The rule that decides by this fit: a near number, a purchase order, or the invoice numbers as quoted.</summary>
        public MatchMethod Method => Fuzzy > 0 ? MatchMethod.FuzzyReference : ByPo > 0 ? MatchMethod.PurchaseOrder : MatchMethod.ExactReference;

        /// <summary>The rule's confidence (which rule decided; the calibration turns it into a probability).</summary>
        public double Confidence => Fuzzy > 0 ? 0.95 : ByPo > 0 ? 0.97 : 0.99;
    }

    /// <summary>
    /// Decides a payment that quotes references. First: a choice of one item per quote (or none, for a
    /// quote that is noise) whose open amounts add up to the payment exactly, allowing at most one quote
    /// to be a mistyped number. The cheapest such choice wins if it is the only one at its cost. Failing
    /// that, the well-defined deviations: amounts as remitted per line, a netted credit memo, a short
    /// payment, an overpayment.
    /// </summary>
    private Decision? DecideByReference(Analysis analysis)
    {
        var quotes = analysis.Quotes;
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency.Code;
        foreach (var quote in quotes)
        {
            if (quote.AcrossSeries)
            {
                NarrowToKnownPayer(analysis, quote);
            }
        }

        if (quotes.Find(q => q.AcrossSeries) is { } across)
        {
            // Which series the payer meant, the amount must not decide: that is how a number of one series pays another's.
            return Refer(analysis, ExceptionReason.Ambiguous,
                $"'{across.Text}' meets {string.Join(" and ", across.Exact.Select(o => Describe(o.Item)))} only without their prefixes: numbers of {across.Exact.Select(o => _seriesOfItem[o.Item]).Distinct().Count()} series",
                ReferenceSuggestions(quotes, currency));
        }

        if (quotes.Count > MaxQuotes)
        {
            // Too many quotes to search every choice: never the first few and the rest on account, but every
            // line decided by itself, with its own amount.
            return analysis.ReferencesResolved ? DecideDeviation(analysis, quotes) : null;
        }

        // A purchase order several open invoices share: the one set of them that makes the amount (CashMatcher.Terms).
        if (DecideBlanketPo(analysis, quotes) is { } blanket)
        {
            return blanket;
        }

        var fits = ExactFits(analysis, quotes, amount, currency, withFuzzy: false);
        if (fits.Count == 0 || fits.Min(f => f.Cost) >= FuzzyCost)
        {
            fits.AddRange(ExactFits(analysis, quotes, amount, currency, withFuzzy: true));
        }

        if (fits.Count > 0)
        {
            // Most searches find one fit: it is the top alone, without the sifting (a closure, two iterators, a set, a
            // string and a list for every payment decided by reference).
            var top = fits.Count == 1 ? fits : TopFits(fits);
            if (top.Count == 1)
            {
                var fit = top[0];
                if (KnownPayerElsewhere(analysis, _customerOf[fit.Items[0]]) is { } payer)
                {
                    return PayerConflict(payer, fit.Items, payment);
                }

                if (StrippedUnproven(analysis, fit.Stripped, _customerOf[fit.Items[0]], amount, currency) is { } unproven)
                {
                    return Refer(analysis, ExceptionReason.Ambiguous, $"{fit.Why}, amount equal; but {unproven}", [Suggest(fit.Items, 0.5, fit.Why)]);
                }

                if (fit.Overruled is { } overruled && OverruledReadingMayHold(overruled, amount, payment.Amount.Currency) is { } doubt)
                {
                    return Refer(analysis, ExceptionReason.Ambiguous, $"{fit.Why}, amount equal; but {doubt}",
                        [Suggest(fit.Items, 0.5, fit.Why), Suggest(overruled, 0.5, "the numbers as quoted")]);
                }

                return new Decision([.. fit.Items.Select(i => (i, _remaining[i]))], fit.Method, fit.Confidence, fit.Why + ", amount equal", ExceptionReason.NoMatch, []);
            }

            return Refer(analysis, ExceptionReason.Ambiguous, $"{top.Count} sets of quoted items fit the amount equally well",
                [.. top.Take(Policy.MaxSuggestions).Select(f => Suggest(f.Items, 0.5, f.Why))]);
        }

        // Nothing quoted matched an open item exactly: the payer and the amount may still tell.
        return analysis.ReferencesResolved ? DecideDeviation(analysis, quotes) : null;
    }

    /// <summary>The fits of the lowest cost, each set of items once, in the order found.</summary>
    private static List<Fit> TopFits(List<Fit> fits)
    {
        var best = fits.Min(f => f.Cost);
        return fits.Where(f => f.Cost <= best + 0.01)
            .DistinctBy(f => string.Join(',', f.Items))
            .ToList();
    }

    /// <summary>
    /// True when, among the items whose numbers are near the quote's, one of <paramref name="amount"/> is
    /// likelier than the policy allows to be chance.
    /// </summary>
    private bool NearByChance(Quote quote, string currency, long amount) =>
        FuzzyOptions(quote, currency).Count * ChanceOf(amount, currency, roundAmounts: true) > Policy.MaxChanceSingle;

    private List<Fit> ExactFits(Analysis analysis, List<Quote> quotes, long amount, string currency, bool withFuzzy)
    {
        var fits = new List<Fit>();
        var choice = new Option?[quotes.Count];
        var assignments = 0;

        // An evaluation's items, and its items but one quote's: lists of the search, refilled for each of up to
        // MaxAssignments choices (a fit keeps copies of its own).
        var chosen = new List<int>();
        var others = new List<int>();

        // The near options of each quote at each amount the others lack, as asked the first time: each choice of a
        // quote's own items, and its gap, leaves the other quotes' choices as they were, so a quote with exact options
        // asks for the same amount once per choice (min(8, its exact options) + 1 times for each choice of the others).
        // A quote with none (the usual mistyped number) asks once, and keeping its answer costs a little for nothing.
        // Nothing the search does moves an open amount, and the options asked by amount and listed are the same
        // (CashMatcher.NearByAmount.cs).
        var nearOfLack = withFuzzy && RememberNearOfLack ? _nearOfLack ??= [] : null;
        nearOfLack?.Clear();
        Walk(0, 0);
        nearOfLack?.Clear();
        return fits;

        void Walk(int index, double cost)
        {
            if (assignments >= MaxAssignments)
            {
                return;
            }

            if (index == quotes.Count)
            {
                assignments++;
                Evaluate(cost);
                return;
            }

            var quote = quotes[index];
            for (var o = 0; o < Math.Min(8, quote.Exact.Count); o++)
            {
                var option = quote.Exact[o];
                choice[index] = option;
                Walk(index + 1, cost + (option.Via == Via.PurchaseOrder ? 0.5 : 0));
            }

            // Leaving a quote out: nearly free for free-text noise, dear for a structured line.
            choice[index] = null;
            Walk(index + 1, cost + DropCost(quote));
        }

        void Evaluate(double cost)
        {
            chosen.Clear();
            long sum = 0;
            foreach (var option in choice)
            {
                if (option is { } o && !chosen.Contains(o.Item))
                {
                    chosen.Add(o.Item);
                    sum = checked(sum + _remaining[o.Item]);
                }
                else if (option is not null)
                {
                    // Two quotes naming one item: possible (a repeated line), but a sign that one is mistyped.
                    cost += 1.5;
                }
            }

            if (!withFuzzy)
            {
                if (chosen.Count > 0 && sum == amount)
                {
                    AddFit(chosen, cost, null);
                }

                return;
            }

            // One quote read as a mistyped number: replace its choice (or fill its gap) with a near item.
            for (var q = 0; q < quotes.Count; q++)
            {
                others.Clear();
                long without = 0;
                for (var other = 0; other < choice.Length; other++)
                {
                    if (other != q && choice[other] is { } o && !others.Contains(o.Item))
                    {
                        others.Add(o.Item);
                        without = checked(without + _remaining[o.Item]);
                    }
                }

                var replaced = choice[q];
                var refund = replaced is null ? DropCost(quotes[q]) : replaced.Value.Via == Via.PurchaseOrder ? 0.5 : 0;
                // Only the near options of the amount the others lack can make it (read without listing the rest), unless
                // a sum with one of them could overflow: then all are read, as the checked sum below always read them.
                var near = !SumsWithAnOpenAmountFit(amount, without, out var lack) ? CollectionsMarshal.AsSpan(FuzzyOptions(quotes[q], currency))
                    : nearOfLack is null ? CollectionsMarshal.AsSpan(FuzzyOptionsOfAmount(quotes[q], currency, lack)) : NearOfLack(q, lack);
                foreach (var fuzzy in near)
                {
                    if (others.Contains(fuzzy.Item) || checked(without + _remaining[fuzzy.Item]) != amount)
                    {
                        continue;
                    }

                    // A number that names a real item is overruled only by a one-slip reading of it, and a
                    // near item is believed only for a payer who is, as far as the bank file says, its customer.
                    if ((quotes[q].Exact.Count > 0 && fuzzy.Edits > 1) || PayerDisagrees(analysis, _customerOf[fuzzy.Item]))
                    {
                        continue;
                    }

                    // Without a payer to vouch for it, the amount alone must prove which near number was meant:
                    // among many near numbers, one whose item is of a round amount proves nothing.
                    if (!PayerAgrees(analysis, _customerOf[fuzzy.Item]) && NearByChance(quotes[q], currency, amount - without))
                    {
                        continue;
                    }

                    var withFix = new List<int>(others) { fuzzy.Item };
                    var fixCost = fuzzy.Via == Via.Ocr ? FuzzyCost - 0.5 : FuzzyCost + (0.25 * fuzzy.Edits);
                    // The reading the fix overrules: the number as quoted, naming an open item of its own.
                    var exact = replaced ?? (quotes[q].Exact.Count > 0 ? quotes[q].Exact[0] : null);
                    AddFit(withFix, cost - refund + fixCost, (quotes[q], fuzzy), exact is { } e && !others.Contains(e.Item) ? [.. others, e.Item] : null);
                }
            }
        }

        Option[] NearOfLack(int q, long lack)
        {
            if (!nearOfLack!.TryGetValue((q, lack), out var options))
            {
                var found = FuzzyOptionsOfAmount(quotes[q], currency, lack);
                nearOfLack[(q, lack)] = options = found.Count == 0 ? [] : [.. found];
            }

            return options;
        }

        void AddFit(List<int> items, double cost, (Quote Quote, Option Option)? fix, int[]? overruled = null)
        {
            if (!OneFamily(items))
            {
                return;
            }

            SortItems(items);
            var byPo = 0;
            var stripped = false;
            var parts = new List<string>();
            for (var q = 0; q < quotes.Count; q++)
            {
                var quote = quotes[q];
                byPo += choice[q] is { Via: Via.PurchaseOrder } ? 1 : 0;
                if (choice[q] is { } o && items.Contains(o.Item) && (fix is null || !ReferenceEquals(fix.Value.Quote, quote)))
                {
                    parts.Add(o.Via == Via.PurchaseOrder ? $"PO {quote.Text} -> {Describe(o.Item)}" : Describe(o.Item));
                    stripped |= o.Stripped;
                }
            }

            if (fix is { } f)
            {
                parts.Add(f.Option.Via == Via.Ocr
                    ? $"{Describe(f.Option.Item)} (read '{f.Quote.Text}' as OCR look-alike)"
                    : $"{Describe(f.Option.Item)} ('{f.Quote.Text}', {f.Option.Edits} edit{(f.Option.Edits == 1 ? string.Empty : "s")})");
            }

            fits.Add(new Fit([.. items], cost, fix is null ? 0 : 1, byPo, string.Join(" + ", parts) + " by reference", stripped, overruled));
        }
    }

    // This thread's near options of one exact-fit search, by quote and amount (see ExactFits); emptied for each search.
    [ThreadStatic]
    private static Dictionary<(int Quote, long Lack), Option[]>? _nearOfLack;

    /// <summary>When false, the exact-fit search asks for a quote's near options at an amount each time (for the tests that compare the two).</summary>
    internal bool RememberNearOfLack { get; init; } = true;

    // Leaving a quote out: free for a number the free text gave twice, nearly free for noise, dear for a structured line.
    private static double DropCost(Quote quote) => quote.Repeat ? 0 : quote.Structured ? 3 : quote.Exact.Count > 0 ? 1.5 : 0.1;

    private bool OneFamily(List<int> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (!_customers.SameFamily(_customerOf[items[0]], _customerOf[items[i]]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Each quote decided by itself, for quoted items that the search did not fit to the amount, and for a
    /// remittance too long to search: then the items add up, or the lines state their amounts, or the
    /// payer netted a credit memo, paid short, paid a bank fee, or paid more. Whatever the quotes do not
    /// explain is applied only when it is proven (<see cref="ExplainRest"/>); otherwise the payment is an exception.
    /// </summary>
    private Decision? DecideDeviation(Analysis analysis, List<Quote> quotes)
    {
        var payment = analysis.Payment;
        var amount = payment.Amount.Minor;
        var currency = payment.Amount.Currency;
        var chosen = new List<(Quote Quote, Option Option)>();
        var chosenItems = new HashSet<int>();
        foreach (var quote in quotes)
        {
            var options = quote.Exact;
            if (options.Count == 0)
            {
                if (quote.Structured)
                {
                    return Refer(analysis, ExceptionReason.Conflict, $"'{quote.Text}' matches no open item, and the rest does not add up to the payment", ReferenceSuggestions(quotes, currency.Code));
                }

                continue;
            }

            if (options.Count > 1)
            {
                options = [.. options.Where(o => PayerAgrees(analysis, _customerOf[o.Item]))];
            }

            if (options.Count > 1 && quote.LineMinor is { } line)
            {
                options = [.. options.Where(o => Math.Abs(_remaining[o.Item]) == Math.Abs(line))];
            }

            if (options.Count != 1)
            {
                return Refer(analysis, ExceptionReason.Ambiguous, $"'{quote.Text}' may mean {quote.Exact.Count} open items", ReferenceSuggestions(quotes, currency.Code));
            }

            if (!chosenItems.Add(options[0].Item))
            {
                if (quote.Structured)
                {
                    return Refer(analysis, ExceptionReason.Conflict, $"two remittance lines name {Describe(options[0].Item)}: one may be mistyped", ReferenceSuggestions(quotes, currency.Code));
                }

                continue;
            }

            chosen.Add((quote, options[0]));
        }

        var items = chosen.Select(c => c.Option.Item).ToList();
        if (items.Count == 0 || !OneFamily(items))
        {
            return Refer(analysis, ExceptionReason.Conflict, "the quoted items belong to unrelated customers", ReferenceSuggestions(quotes, currency.Code));
        }

        var family = _customerOf[items[0]];
        if (KnownPayerElsewhere(analysis, family) is { } payer)
        {
            return PayerConflict(payer, items, payment);
        }

        var payerAgrees = PayerAgrees(analysis, family);
        if (StrippedUnproven(analysis, chosen.Exists(c => c.Option.Stripped), family, amount, currency.Code) is { } unproven)
        {
            return Doubt(items, $"{string.Join(" + ", items.Take(20).Select(Describe))} quoted; but {unproven}", quotes, currency.Code);
        }

        // The items are known; what is left is the difference between them and the payment, which the rules of
        // CashMatcher.Deviation.cs read in order: the first that decides, decides.
        var found = new QuotedItems(analysis, chosen, items, chosenItems, family, payerAgrees,
            Sum: items.Sum(i => _remaining[i]),
            Names: string.Join(" + ", items.Select(Describe)),
            Unresolved: quotes.Where(q => q.Exact.Count == 0).Select(q => q.Text).Distinct(StringComparer.Ordinal).ToList());
        if (NarrowedUnconfirmed(found) is { } narrowed)
        {
            return narrowed;
        }

        // Paid short of items whose terms grant an early-payment discount: the terms decide (CashMatcher.Terms).
        if (found.Delta < 0 && DecideByTerms(analysis, chosen, family, found.Names, found.Unresolved, quotes, payerAgrees) is { } byTerms)
        {
            return byTerms;
        }

        return AsRemitted(found) ?? (found.Delta == 0 ? PaidInFull(found) : found.Delta < 0 ? PaidShort(found) : PaidOver(found));
    }

    private IEnumerable<int> ItemsOfAmount(int customer, long amount, string currency)
    {
        // By index: an iterator keeps no span across its yields.
        var root = _customers.Root(customer);
        for (var m = 0; m < _customers.Family(root).Length; m++)
        {
            foreach (var item in ItemsOfCustomer(_customers.Family(root)[m]))
            {
                if (_remaining[item] == amount && IsOpenIn(item, currency))
                {
                    yield return item;
                }
            }
        }
    }

    private List<Suggestion> ReferenceSuggestions(List<Quote> quotes, string currency)
    {
        var suggestions = new List<Suggestion>();
        foreach (var quote in quotes)
        {
            foreach (var option in quote.Exact.Take(3))
            {
                suggestions.Add(Suggest([option.Item], option.Via == Via.PurchaseOrder ? 0.6 : 0.7, $"'{quote.Text}' quoted, {Amount(_remaining[option.Item], _items[option.Item].Currency)} open"));
            }

            if (quote.Exact.Count == 0)
            {
                foreach (var option in FuzzyOptions(quote, currency).OrderBy(o => o.Edits).Take(2))
                {
                    suggestions.Add(Suggest([option.Item], 0.4, $"near '{quote.Text}' ({option.Edits} edit{(option.Edits == 1 ? string.Empty : "s")})"));
                }
            }
        }

        return [.. suggestions.DistinctBy(s => string.Join('+', s.ItemIds)).OrderByDescending(s => s.Score.Value).Take(Policy.MaxSuggestions)];
    }
}
