using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

public sealed partial class CashMatcher
{
    private string Describe(int item)
    {
        var open = _items[item];
        return open.InvoiceNumber.Length > 0 ? open.InvoiceNumber : open.ItemId;
    }

    private static string Amount(long minor, CurrencyCode currency) => MinorUnits.Format(minor, currency.MinorDigits);

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

    private Suggestion Suggest(IEnumerable<int> items, double score, string why) =>
        new([.. items.Select(i => _items[i].ItemId)], new MatchScore(score), why);
}
