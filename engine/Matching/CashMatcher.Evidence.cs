using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

public sealed partial class CashMatcher
{
    /// <summary>How a quoted reference led to an item.</summary>
    private enum Via
    {
        Invoice,
        PurchaseOrder,
        Ocr,
        Fuzzy,
    }

    /// <summary>An item a quote may mean; <paramref name="Stripped"/> when its number meets the quote's only without its letter prefix.</summary>
    private readonly record struct Option(int Item, Via Via, int Edits, bool Stripped = false);

    /// <summary>One reference the payer quoted, with the items it may mean.</summary>
    private sealed class Quote(string text, long? lineMinor, RemittanceKind kind, bool structured)
    {
        public string Text { get; } = text;

        public long? LineMinor { get; } = lineMinor;

        public RemittanceKind Kind { get; } = kind;

        /// <summary>From a remittance line (EDI, camt structured, lockbox invoice line), not free text.</summary>
        public bool Structured { get; } = structured;

        public List<Option> Exact { get; } = [];

        public List<Option>? Fuzzy { get; set; }

        public List<string> Keys { get; } = [];

        /// <summary>A number the free text gave before: the same quote again, or the one before it retyped.</summary>
        public bool Repeat { get; set; }

        /// <summary>Items of two numbering series the quote meets only without their prefixes (A-4521 and B-4521 for 4521).</summary>
        public bool AcrossSeries { get; set; }

        /// <summary>A quote of <see cref="AcrossSeries"/> that the known payer's family narrowed to its one item of those digits.</summary>
        public bool NarrowedByPayer { get; set; }
    }

    /// <summary>What the engine knows of a payment before deciding.</summary>
    private sealed class Analysis(Payment payment)
    {
        public Payment Payment { get; } = payment;

        public List<Quote> Quotes { get; } = [];

        /// <summary>True when a quoted reference matched an open item exactly.</summary>
        public bool ReferencesResolved { get; set; }

        public List<PayerCandidate>? Payers { get; set; }

        /// <summary>Where another thread may have found the payers meanwhile.</summary>
        public (PayerPrefetch Prefetch, int At)? Prefetch { get; set; }
    }

    /// <summary>What to do with a payment: the applications, or the exception and its suggestions.</summary>
    private sealed record Decision(
        IReadOnlyList<(int Item, long Amount)> Lines,
        MatchMethod Method,
        double Confidence,
        string Explanation,
        ExceptionReason Reason,
        IReadOnlyList<Suggestion> Suggestions)
    {
        /// <summary>What each line closes of its item beyond the amount paid (a discount taken within terms), by item; null for none.</summary>
        public IReadOnlyDictionary<int, long>? Deductions { get; init; }

        /// <summary>Why the deductions close their items.</summary>
        public string? DeductionReason { get; init; }
    }

    private static Decision Refer(Analysis analysis, ExceptionReason reason, string detail, IReadOnlyList<Suggestion>? suggestions = null) =>
        new([], MatchMethod.Manual, 0, detail, reason, suggestions ?? []);

    private Analysis Analyse(Payment payment)
    {
        var analysis = new Analysis(payment);
        var seen = new Dictionary<string, QuotedBy>(StringComparer.Ordinal);
        foreach (var line in payment.Remittance)
        {
            AddQuote(analysis, line.Reference, line.AmountMinor, line.Kind, structured: true, seen);
        }

        foreach (var token in ReferenceText.Tokens(payment.FreeText))
        {
            AddQuote(analysis, token, null, RemittanceKind.Unspecified, structured: false, seen);
        }

        return analysis;
    }

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
            bool QuotedAs(QuotedBy by) => quote.Keys.Exists(k => seen.TryGetValue(k, out var first) && first == by);
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

        var currency = analysis.Payment.Amount.Currency.Code;
        var found = new List<int>();
        foreach (var key in quote.Keys)
        {
            _invoiceKeys.Find(key, found);
        }

        foreach (var item in found)
        {
            if (IsOpenIn(item, currency) && !quote.Exact.Exists(o => o.Item == item))
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
            if (IsOpenIn(item, currency) && !quote.Exact.Any(o => o.Item == item))
            {
                quote.Exact.Add(new Option(item, Via.PurchaseOrder, 0));
            }
        }

        // The bank may say what the number is (EDI RMR*IV or RMR*PO, camt CINV or PUOR): a hit of the other
        // kind is then no reading of it, unless none of the stated kind exists (payers do mislabel).
        var stated = kind switch
        {
            RemittanceKind.Invoice => Via.Invoice,
            RemittanceKind.PurchaseOrder => Via.PurchaseOrder,
            _ => (Via?)null,
        };
        if (stated is { } via && quote.Exact.Exists(o => o.Via == via))
        {
            quote.Exact.RemoveAll(o => o.Via != via);
        }

        if (quote.Exact.Count == 0 && !structured && !LooksLikeDocumentNumber(quote))
        {
            // A free-text number that matches nothing and is too short to be a mistyped document number.
            return;
        }

        analysis.ReferencesResolved |= quote.Exact.Count > 0;
        analysis.Quotes.Add(quote);
    }

    /// <summary>
    /// Keeps of a quote's invoice hits those its number may prove (see <see cref="KeyStrength"/>): the hits of
    /// the number as AR prints it when there are any; otherwise the hits without the prefix, marked so, and
    /// the quote marked when they span two series.
    /// </summary>
    private void KeepAsQuoted(Quote quote)
    {
        if (quote.Exact.Count == 0)
        {
            return;
        }

        // The series as the letters glued to the number read it (INV of "INV 1004567"), then as the number's own
        // letters after lead words (CM of "INV CM-293", none of "INV 1004567"): the first reading that names an
        // item as AR prints it decides, and a number with letters of its own is judged by them.
        var series = SeriesOf(quote.Keys[0]).ToString();
        if (quote.Exact.Exists(o => StrengthOf(series, o.Item) == KeyStrength.Full))
        {
            quote.Exact.RemoveAll(o => StrengthOf(series, o.Item) != KeyStrength.Full);
            return;
        }

        if (ReferenceText.LeadEnd(quote.Text) > 0)
        {
            var own = OwnSeries(quote.Text, new char[quote.Text.Length]).ToString();
            if (quote.Exact.Exists(o => StrengthOf(own, o.Item) == KeyStrength.Full))
            {
                quote.Exact.RemoveAll(o => StrengthOf(own, o.Item) != KeyStrength.Full);
                return;
            }

            if (own.Length > 0)
            {
                series = own;
            }
        }

        quote.Exact.RemoveAll(o => StrengthOf(series, o.Item) == KeyStrength.OtherSeries);
        for (var o = 0; o < quote.Exact.Count; o++)
        {
            quote.Exact[o] = quote.Exact[o] with { Stripped = true };
        }

        quote.AcrossSeries = quote.Exact.Select(o => _seriesOfItem[o.Item]).Distinct().Count() > 1;
    }

    private static bool LooksLikeDocumentNumber(Quote quote) =>
        quote.Keys.Any(k => k.Length >= 5 && CountDigits(k) >= 4);

    private bool IsOpenIn(int item, string currency) => IsOpenIn(item, CurrencyIndex(currency));

    /// <summary>Whether the item is still open and in the currency of index <paramref name="currency"/> (see <see cref="CurrencyIndex"/>).</summary>
    private bool IsOpenIn(int item, int currency) => _currencyOf[item] == currency && _remaining[item] != 0;

    /// <summary>The index of a currency among the items' currencies, or -1 when no item is in it.</summary>
    private int CurrencyIndex(string code) => _currencyCodes.IndexOf(code);

    // How many near items ahead FuzzyOptions asks for the open amount of.
    private const int FetchAhead = 8;

    /// <summary>Items within a small edit distance of the quote (OCR look-alikes first), found on demand.</summary>
    private List<Option> FuzzyOptions(Quote quote, string currency)
    {
        if (quote.Fuzzy is { } known)
        {
            return known;
        }

        var options = new List<Option>();
        var exact = quote.Exact.Select(o => o.Item).ToHashSet();
        var keys = quote.Keys.Where(k => k.Length >= ReferenceText.MinCoreLength).ToList();
        foreach (var key in keys.ToList())
        {
            foreach (var ocr in ReferenceText.OcrReadings(key))
            {
                var found = new List<int>();
                _invoiceKeys.Find(ocr, found);
                keys.Add(ocr);
                foreach (var item in found)
                {
                    if (IsOpenIn(item, currency) && exact.Add(item))
                    {
                        options.Add(new Option(item, Via.Ocr, 1));
                    }
                }
            }
        }

        var candidates = new List<Neighbour>();
        var currencyIndex = CurrencyIndex(currency);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (key.Length < 5)
            {
                continue;
            }

            candidates.Clear();
            _fuzzy.Candidates(key, candidates);
            var maxEdits = key.Length >= 7 ? Policy.MaxReferenceEdits : 1;
            for (var c = 0; c < candidates.Count; c++)
            {
                // Dense numbering puts hundreds of items near a number: their open amounts are fetched a few ahead.
                if (c + FetchAhead < candidates.Count)
                {
                    var ahead = candidates[c + FetchAhead].Item;
                    Prefetch.Line(ref _currencyOf[ahead]);
                    Prefetch.Line(ref _remaining[ahead]);
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

        quote.Fuzzy = options;
        return options;
    }

    /// <summary>Who the payer may be: known accounts first, then names, scored 0-100.</summary>
    private List<PayerCandidate> Payers(Analysis analysis) =>
        analysis.Payers ??= (analysis.Prefetch is var (prefetch, at) ? prefetch.Found(at) : null) ?? PayersOf(analysis.Payment);

    /// <summary>Who the payer may be, from what the bank said alone: safe to compute on any thread.</summary>
    private List<PayerCandidate> PayersOf(Payment payment)
    {
        var payers = _customers.ByAccount(payment.PayerAccount);
        if (payers.Count == 0 && LearnedPayer(payment) is { } learned)
        {
            // No account on file, but a specialist's resolution taught who this payer is.
            payers.Add(learned);
        }

        // A payment factory or payment service paying on a customer's behalf names the customer as the
        // ultimate debtor: that name, when it identifies a customer, says who pays, not the factory's.
        var byName = PayersNamed(payment.UltimatePayerName);
        if (!byName.Exists(p => p.Score >= Policy.MinNameScore))
        {
            byName = PayersNamed(payment.PayerName);
        }

        if (payers.Count == 0)
        {
            return byName;
        }

        // A name may list hundreds of customers alike: skip the few known by account without a search each.
        var byAccount = payers.Select(p => p.Customer).ToHashSet();
        payers.AddRange(byName.Where(candidate => !byAccount.Contains(candidate.Customer)));
        return payers;
    }

    /// <summary>The customers a name may be. The same name always finds the same payers: the list is shared, and never changed after.</summary>
    private List<PayerCandidate> PayersNamed(string? name) =>
        name is not null && _payersByName is { } remembered
            ? remembered.GetOrAdd(name, static (n, directory) => directory.ByName(n), _customers)
            : _customers.ByName(name);

    /// <summary>True when the payer is, by account or by a close name, in the family of <paramref name="customer"/>.</summary>
    private bool PayerAgrees(Analysis analysis, int customer) =>
        Payers(analysis).Any(p => p.Score >= Policy.MinCorroborationScore && _customers.SameFamily(p.Customer, customer));

    /// <summary>True when the payer is identified (by account or a close name) and none of the candidates is in the family of <paramref name="customer"/>.</summary>
    private bool PayerDisagrees(Analysis analysis, int customer)
    {
        var identified = Payers(analysis).Where(p => p.Score >= Policy.MinNameScore).ToList();
        return identified.Count > 0 && !identified.Any(p => _customers.SameFamily(p.Customer, customer));
    }

    private string Describe(int item)
    {
        var open = _items[item];
        return open.InvoiceNumber.Length > 0 ? open.InvoiceNumber : open.ItemId;
    }

    private static string Amount(long minor, CurrencyCode currency) => MinorUnits.Format(minor, currency.MinorDigits);
}
