using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Engine.Matching;

// The evidence a payment's words give, as the rules read it: each reference the payer quoted (a Quote) and the
// open items it may mean (its Options), and what the engine knows of the payment before deciding (an Analysis).
// What a hit proves depends on how it was found (Via): an invoice number as AR prints it is the strongest proof,
// a purchase order a little less (several invoices may share one), and a near number (an OCR look-alike or a
// mistyped one) the least, believed only when the amount confirms it and the payer does not deny it. A number
// that meets an item's only without its letter prefix is weaker still (KeyStrength, CashMatcher.Agreement.cs).
// No hit proves anything alone: the amount must agree, or a rule read the difference (CashMatcher.References.cs,
// CashMatcher.Deviation.cs).
// The lookups that fill these types (Analyse, FuzzyOptions, PayersOf) are in ../CashMatcher.Evidence.cs.
public sealed partial class CashMatcher
{
    /// <summary>How a quoted reference led to an item, strongest first.</summary>
    private enum Via : byte
    {
        /// <summary>The item's invoice number (its full key or its digits).</summary>
        Invoice,

        /// <summary>The item's purchase order number, which other invoices may share.</summary>
        PurchaseOrder,

        /// <summary>The number read with OCR look-alikes swapped (O for 0, I for 1): one slip.</summary>
        Ocr,

        /// <summary>A number within the policy's edit distance of the quote: a mistyped number.</summary>
        Fuzzy,
    }

    /// <summary>An item a quote may mean; <see cref="Stripped"/> when its number meets the quote's only without its letter prefix.</summary>
    /// <remarks>
    /// Eight bytes, not sixteen: the edits (at most the policy's two) are kept in a byte beside <see cref="Via"/>.
    /// Dense numbering puts thousands of items near a number, and the near options each quote keeps were an eighth of
    /// what the match stage allocated.
    /// </remarks>
    private readonly record struct Option
    {
        public Option(int item, Via via, int edits, bool stripped = false)
        {
            Item = item;
            Via = via;
            _edits = checked((byte)edits);
            Stripped = stripped;
        }

        public int Item { get; }

        public Via Via { get; }

        // After Via, so that the four fields pack into eight bytes.
        private readonly byte _edits;

        /// <summary>How many edits from the quote: 0 for an exact hit, 1 for an OCR look-alike.</summary>
        public int Edits => _edits;

        public bool Stripped { get; init; }
    }

    /// <summary>One reference the payer quoted, with the items it may mean.</summary>
    private sealed class Quote(string text, long? lineMinor, RemittanceKind kind, bool structured)
    {
        public string Text { get; } = text;

        public long? LineMinor { get; } = lineMinor;

        public RemittanceKind Kind { get; } = kind;

        /// <summary>From a remittance line (EDI, camt structured, lockbox invoice line), not free text.</summary>
        public bool Structured { get; } = structured;

        public List<Option> Exact { get; } = [];

        /// <summary>The near numbers' evidence, once asked for (see <see cref="NearQuote"/>); null while never asked.</summary>
        public NearQuote? Near { get; set; }

        public List<string> Keys { get; } = [];

        /// <summary>A number the free text gave before: the same quote again, or the one before it retyped.</summary>
        public bool Repeat { get; set; }

        /// <summary>Items of two numbering series the quote meets only without their prefixes (A-4521 and B-4521 for 4521).</summary>
        public bool AcrossSeries { get; set; }

        /// <summary>A quote of <see cref="AcrossSeries"/> that the known payer's family narrowed to its one item of those digits.</summary>
        public bool NarrowedByPayer { get; set; }
    }

    /// <summary>
    /// What a quote's near numbers are, as far as asked: the OCR readings' items and the keys the fuzzy index is probed
    /// with, made when first asked for; <see cref="All"/>, every near option (<see cref="FuzzyOptions"/>), only when a rule
    /// reads them all. The exact-fit search reads only those of one amount, found without listing the rest
    /// (CashMatcher.NearByAmount.cs). Whether it was made is evidence too (<see cref="Quoted"/>): a rule that asked for a
    /// quote's near numbers counts them as quoted.
    /// </summary>
    private sealed class NearQuote(int currency)
    {
        /// <summary>The index of the payment's currency (see <see cref="CurrencyIndex"/>).</summary>
        public int Currency { get; } = currency;

        /// <summary>The open items the quote's OCR readings name, in the order found.</summary>
        public List<Option> Ocr { get; } = [];

        /// <summary>The keys the fuzzy index is probed with, each once, in order: the quote's keys, then their OCR readings.</summary>
        public List<string> Probes { get; } = [];

        /// <summary>Every near option, once listed.</summary>
        public List<Option>? All { get; set; }
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
}
