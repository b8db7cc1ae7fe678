using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Engine.Matching;

// Gathering the evidence of a payment (the types are in Rules/CashMatcher.Quotes.cs): its quoted references
// looked up in the invoice and PO indexes, the near numbers on demand, and the payers the bank's words may
// name, found in the customer directory (once per name per run, and on another core when PayerPrefetch runs).
public sealed partial class CashMatcher
{
    private Analysis Analyse(Payment payment)
    {
        var analysis = new Analysis(payment);
        // What quoted each key, in this thread's map: Analyse runs to its end on the thread that called it.
        var seen = _seenBuffer ??= new Dictionary<string, QuotedBy>(StringComparer.Ordinal);
        seen.Clear();
        foreach (var line in payment.Remittance)
        {
            AddQuote(analysis, line.Reference, line.AmountMinor, line.Kind, structured: true, seen);
        }

        var text = payment.FreeText;
        var position = 0;
        while (ReferenceText.NextToken(text, ref position, out var token))
        {
            AddQuote(analysis, text![token], null, RemittanceKind.Unspecified, structured: false, seen);
        }

        return analysis;
    }

    [ThreadStatic]
    private static Dictionary<string, QuotedBy>? _seenBuffer;

    [ThreadStatic]
    private static List<int>? _quotedBuffer;

    /// <summary>What quoted a key: a structured line, the free text, or the free text a second time.</summary>
    private enum QuotedBy
    {
        Line,
        Text,
        TextAgain,
    }

    private void AddQuote(Analysis analysis, string text, long? lineMinor, RemittanceKind kind, bool structured, Dictionary<string, QuotedBy> seen)
    {
        var quote = new Quote(text, lineMinor, kind, structured);
        foreach (var key in ReferenceText.LookupKeys(text))
        {
            quote.Keys.Add(key);
        }

        // Free text often repeats a structured reference ("RMR*IV*1004567" and "INV 1004567"): one quote
        // each. Structured lines are all kept, even when two look alike: a mistyped line can spell another
        // quoted number, and dropping it would hide that something is missing. So is a number the free
        // text itself gives twice ("INVOICES 1365442 & 1365442"), once: the second may be the first
        // retyped in place of its neighbour. As a quote of free text it is dropped at almost no cost
        // when the first alone fits the amount.
        if (quote.Keys.Count == 0)
        {
            return;
        }

        if (!structured)
        {
            if (QuotedAs(QuotedBy.Line) || QuotedAs(QuotedBy.TextAgain))
            {
                return;
            }

            quote.Repeat = QuotedAs(QuotedBy.Text);
        }

        var quotedBy = structured ? QuotedBy.Line : quote.Repeat ? QuotedBy.TextAgain : QuotedBy.Text;
        foreach (var key in quote.Keys)
        {
            seen[key] = quotedBy;
        }

        // The hits in this thread's list, and the quote's options searched in loops: lambdas over an item or the stated
        // kind were a closure and a delegate per hit.
        var currency = analysis.Payment.Amount.Currency.Code;
        var found = _quotedBuffer ??= [];
        found.Clear();
        foreach (var key in quote.Keys)
        {
            _invoiceKeys.Find(key, found);
        }

        foreach (var item in found)
        {
            if (IsOpenIn(item, currency) && !HasItem(quote.Exact, item))
            {
                quote.Exact.Add(new Option(item, Via.Invoice, 0));
            }
        }

        KeepAsQuoted(quote);

        found.Clear();
        foreach (var key in quote.Keys)
        {
            _poKeys.Find(key, found);
        }

        foreach (var item in found)
        {
            if (IsOpenIn(item, currency) && !HasItem(quote.Exact, item))
            {
                quote.Exact.Add(new Option(item, Via.PurchaseOrder, 0));
            }
        }

        found.Clear();

        // The bank may say what the number is (EDI RMR*IV or RMR*PO, camt CINV or PUOR): a hit of the other
        // kind is then no reading of it, unless none of the stated kind exists (payers do mislabel).
        var stated = kind switch
        {
            RemittanceKind.Invoice => Via.Invoice,
            RemittanceKind.PurchaseOrder => Via.PurchaseOrder,
            _ => (Via?)null,
        };
        if (stated is { } via)
        {
            KeepOfVia(quote.Exact, via);
        }

        if (quote.Exact.Count == 0 && !structured && !LooksLikeDocumentNumber(quote))
        {
            // A free-text number that matches nothing and is too short to be a mistyped document number.
            return;
        }

        analysis.ReferencesResolved |= quote.Exact.Count > 0;
        analysis.Quotes.Add(quote);

        bool QuotedAs(QuotedBy by)
        {
            foreach (var key in quote.Keys)
            {
                if (seen.TryGetValue(key, out var first) && first == by)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether <paramref name="options"/> hold <paramref name="item"/>.</summary>
    private static bool HasItem(List<Option> options, int item)
    {
        foreach (var option in options)
        {
            if (option.Item == item)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Keeps, in order, the options found <paramref name="via"/> the kind the bank stated, when there are any.</summary>
    private static void KeepOfVia(List<Option> options, Via via)
    {
        var kept = 0;
        for (var o = 0; o < options.Count; o++)
        {
            if (options[o].Via == via)
            {
                options[kept++] = options[o];
            }
        }

        if (kept > 0)
        {
            options.RemoveRange(kept, options.Count - kept);
        }
    }

    private static bool LooksLikeDocumentNumber(Quote quote) =>
        quote.Keys.Any(k => k.Length >= 5 && CountDigits(k) >= 4);

    private bool IsOpenIn(int item, string currency) => IsOpenIn(item, CurrencyIndex(currency));

    /// <summary>Whether the item is still open and in the currency of index <paramref name="currency"/> (see <see cref="CurrencyIndex"/>).</summary>
    private bool IsOpenIn(int item, int currency) => _currencyOf[item] == currency && _remaining[item] != 0;

    /// <summary>The index of a currency among the items' currencies, or -1 when no item is in it.</summary>
    private int CurrencyIndex(string code) => _currencyCodes.IndexOf(code);

    // Each thread's list of the candidates near one key, for FuzzyOptions (a lookup allocates nothing once it has grown).
    [ThreadStatic]
    private static List<Neighbour>? _nearBuffer;

    // Each thread's set of the items FuzzyOptions has taken, and its options as found: dense numbering brings thousands
    // near a number, and a set and a growing list of them per quote were a third of what matching allocated.
    [ThreadStatic]
    private static HashSet<int>? _takenBuffer;

    [ThreadStatic]
    private static List<Option>? _optionsBuffer;

    [ThreadStatic]
    private static List<int>? _foundBuffer;

    [ThreadStatic]
    private static List<string>? _fuzzyKeysBuffer;

    /// <summary>Where <paramref name="key"/> first occurs in <paramref name="keys"/> (ordinal).</summary>
    private static int FirstAt(List<string> keys, string key)
    {
        for (var k = 0; ; k++)
        {
            if (string.Equals(keys[k], key, StringComparison.Ordinal))
            {
                return k;
            }
        }
    }

    // How many near items ahead FuzzyOptions asks for the open amount of.
    private const int FetchAhead = 8;

    /// <summary>
    /// What is known of the quote's near numbers before the fuzzy index is probed: the items its OCR readings name (open
    /// in the currency, not quoted exactly), and the keys to probe. Made once, when a rule first asks.
    /// </summary>
    private NearQuote NearOf(Quote quote, string currency)
    {
        if (quote.Near is { } known)
        {
            return known;
        }

        var near = new NearQuote(CurrencyIndex(currency));
        var exact = _takenBuffer ??= [];
        exact.Clear();
        foreach (var option in quote.Exact)
        {
            exact.Add(option.Item);
        }

        var found = _foundBuffer ??= [];

        // The quote's keys long enough to be a core, then their OCR readings, in this thread's list (not a list and a
        // copy of it per quote).
        var keys = _fuzzyKeysBuffer ??= [];
        keys.Clear();
        foreach (var key in quote.Keys)
        {
            if (key.Length >= ReferenceText.MinCoreLength)
            {
                keys.Add(key);
            }
        }

        for (int k = 0, quoted = keys.Count; k < quoted; k++)
        {
            foreach (var ocr in ReferenceText.OcrReadings(keys[k]))
            {
                found.Clear();
                _invoiceKeys.Find(ocr, found);
                keys.Add(ocr);
                foreach (var item in found)
                {
                    if (IsOpenIn(item, currency) && exact.Add(item))
                    {
                        near.Ocr.Add(new Option(item, Via.Ocr, 1));
                    }
                }
            }
        }

        // Each key once, at its first place (as Distinct gave them): a quote has a few keys, so a scan of those before.
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k];
            if (key.Length >= 5 && FirstAt(keys, key) == k)
            {
                near.Probes.Add(key);
            }
        }

        keys.Clear();
        found.Clear();
        quote.Near = near;
        return near;
    }

    /// <summary>Items within a small edit distance of the quote (OCR look-alikes first), found on demand.</summary>
    private List<Option> FuzzyOptions(Quote quote, string currency)
    {
        var near = NearOf(quote, currency);
        if (near.All is { } known)
        {
            return known;
        }

        var options = _optionsBuffer ??= [];
        options.Clear();
        var exact = _takenBuffer ??= [];
        exact.Clear();
        foreach (var option in quote.Exact)
        {
            exact.Add(option.Item);
        }

        foreach (var option in near.Ocr)
        {
            exact.Add(option.Item);
            options.Add(option);
        }

        // Dense numbering puts thousands of items near a number: the candidates' list is this thread's, grown once.
        var candidates = _nearBuffer ??= new List<Neighbour>();
        var currencyIndex = near.Currency;
        foreach (var key in near.Probes)
        {
            candidates.Clear();
            _fuzzy.Candidates(key, candidates);

            // The items a generation added come after the build's; where their numbers do not give the id order, the
            // candidates are put in id order (the build's and the added are distinct items).
            var fromBuild = candidates.Count;
            _fuzzyAdded?.Candidates(key, candidates);
            if (_order is { } order && candidates.Count > fromBuild)
            {
                candidates.Sort((a, b) => order.Compare(a.Item, b.Item));
            }

            var maxEdits = key.Length >= 7 ? Policy.MaxReferenceEdits : 1;
            exact.EnsureCapacity(exact.Count + candidates.Count);
            for (var c = 0; c < candidates.Count; c++)
            {
                // Dense numbering puts hundreds of items near a number: their open amounts are fetched a few ahead.
                if (c + FetchAhead < candidates.Count)
                {
                    var ahead = candidates[c + FetchAhead].Item;
                    Prefetch.Line(ref _currencyOf[ahead]);
                    Prefetch.Line(ref _remaining.Slot(ahead));
                }

                var (item, edits) = candidates[c];
                if (edits > maxEdits || !IsOpenIn(item, currencyIndex) || exact.Contains(item))
                {
                    continue;
                }

                exact.Add(item);
                options.Add(new Option(item, Via.Fuzzy, edits));
            }
        }

        candidates.Clear();

        // The quote keeps its options (exactly as many as found); the buffers stay this thread's for the next quote.
        var kept = new List<Option>(options);
        near.All = kept;
        return kept;
    }

    /// <summary>Who the payer may be: known accounts first, then names, scored 0-100.</summary>
    private List<PayerCandidate> Payers(Analysis analysis) =>
        analysis.Payers ??= (analysis.Prefetch is var (prefetch, at) ? prefetch.TakeOrClaim(at) : null) ?? PayersOf(analysis.Payment);

    /// <summary>Who the payer may be, from what the bank said alone: safe to compute on any thread.</summary>
    private List<PayerCandidate> PayersOf(Payment payment)
    {
        FindingPayers?.Invoke(payment);
        var payers = _customers.ByAccount(payment.PayerAccount);
        if (payers.Count == 0 && LearnedPayer(payment) is { } learned)
        {
            // No account on file, but a specialist's resolution taught who this payer is.
            payers.Add(learned);
        }

        // A payment factory or payment service paying on a customer's behalf names the customer as the
        // ultimate debtor: that name, when it identifies a customer, says who pays, not the factory's.
        var byName = PayersNamed(payment.UltimatePayerName);
        if (FirstIdentified(byName) < 0)
        {
            byName = PayersNamed(payment.PayerName);
        }

        if (payers.Count == 0)
        {
            return byName;
        }

        // A name may list hundreds of customers alike: skip the few known by account without a search each (a set
        // only when they are many; an account names one customer or a few).
        var known = payers.Count;
        HashSet<int>? byAccount = null;
        if (known > 8)
        {
            byAccount = new HashSet<int>(known);
            for (var k = 0; k < known; k++)
            {
                byAccount.Add(payers[k].Customer);
            }
        }

        payers.EnsureCapacity(known + byName.Count);
        foreach (var candidate in byName)
        {
            if (byAccount is not null ? !byAccount.Contains(candidate.Customer) : !KnownAmong(payers, known, candidate.Customer))
            {
                payers.Add(candidate);
            }
        }

        return payers;

        static bool KnownAmong(List<PayerCandidate> payers, int known, int customer)
        {
            for (var k = 0; k < known; k++)
            {
                if (payers[k].Customer == customer)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Where the first payer the bank's words identify (a score of the policy's <see cref="MatchPolicy.MinNameScore"/>)
    /// stands among <paramref name="payers"/>, or -1: a loop, since a lambda over the policy was a delegate per call.
    /// </summary>
    private int FirstIdentified(List<PayerCandidate> payers)
    {
        for (var p = 0; p < payers.Count; p++)
        {
            if (payers[p].Score >= Policy.MinNameScore)
            {
                return p;
            }
        }

        return -1;
    }

    /// <summary>
    /// The customers a name may be, of those scoring at least <see cref="PayerScoreFloor"/>. The same name always finds
    /// the same payers: the list is shared when the run gives the name more than once, and never changed after.
    /// </summary>
    private List<PayerCandidate> PayersNamed(string? name) =>
        name is not null && _payersByName is { } remembered && _repeatedNames!.Repeated(name)
            ? remembered.GetOrAdd(name, static (n, matcher) => matcher._customers.ByName(n, matcher.PayerScoreFloor), this)
            : _customers.ByName(name, PayerScoreFloor);

    /// <summary>
    /// The lowest score any rule reads a payer by (a bar of the policy, or <see cref="MaybePayerScore"/> for the
    /// suggestions of an unknown payer): the payers a name finds below it are never looked at, and dropping them at the
    /// lookup saves keeping dozens of far-off names per payer name, and walking them for every near item of the amount.
    /// </summary>
    private int PayerScoreFloor => KeepEveryPayerScored ? 0 : Math.Min(MaybePayerScore, Math.Min(Policy.MinCorroborationScore, Policy.MinNameScore));

    /// <summary>
    /// Keeps every payer a name lookup scores, not only those from <see cref="PayerScoreFloor"/>: for tests, which hold
    /// the cut lookup to the whole one under any policy (the floor must stay at or below every bar a rule reads).
    /// </summary>
    internal bool KeepEveryPayerScored { get; init; }
}
