using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// What a rule returns: a Decision. A rule reads the evidence (the payment's quotes and payers, the open
// amounts) and changes no open amount: Commit (CashMatcher.cs) applies a decision after the review bar
// (CashMatcher.Confidence.cs), and Apply alone consumes open amounts.
public sealed partial class CashMatcher
{
    /// <summary>
    /// What to do with a payment, as one of three outcomes. <b>Apply</b>: <paramref name="Lines"/> name the items
    /// and the amount paid to each, adding up to the payment. <b>On account</b>: the lines add up to less than the
    /// payment, and the rest is left unapplied with the reason <see cref="ExceptionReason.Overpayment"/>, proven
    /// to be nobody's open item (<see cref="ExplainRest"/>). <b>Exception</b>: no lines; <paramref name="Reason"/>
    /// and <paramref name="Explanation"/> say why, and <paramref name="Suggestions"/> what a specialist may apply.
    /// </summary>
    /// <param name="Lines">Each item and the amount of the payment applied to it; empty for an exception.</param>
    /// <param name="Method">The rule that decided (Manual for an exception).</param>
    /// <param name="Confidence">The rule's fixed confidence: it names the rule; the calibration makes it a probability.</param>
    /// <param name="Explanation">What the evidence proved, as the application or the exception carries it.</param>
    /// <param name="Reason">Why the payment is an exception; NoMatch when it is not one.</param>
    /// <param name="Suggestions">For an exception, the ranked sets of items a specialist may apply.</param>
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

    /// <summary>An exception for <paramref name="reason"/>: nothing applied, the detail and the suggestions for the specialist.</summary>
    private static Decision Refer(Analysis analysis, ExceptionReason reason, string detail, IReadOnlyList<Suggestion>? suggestions = null) =>
        new([], MatchMethod.Manual, 0, detail, reason, suggestions ?? []);

    /// <summary>A suggestion of <paramref name="items"/> (applied in full), scored 0-1, with why.</summary>
    private Suggestion Suggest(IEnumerable<int> items, double score, string why) =>
        new([.. items.Select(_items.ItemId)], new MatchScore(score), why);

    /// <summary>An item as explanations name it: its invoice number, or its id when it has none.</summary>
    private string Describe(int item)
    {
        return _items.InvoiceNumberOf(item).Length > 0 ? _items.InvoiceNumber(item) : _items.ItemId(item);
    }

    /// <summary>An amount as explanations write it (1234.50).</summary>
    private static string Amount(long minor, CurrencyCode currency) => MinorUnits.Format(minor, currency.MinorDigits);
}
