using System.Globalization;
using System.Text.RegularExpressions;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

/// <summary>What a suggestion's explanation says its evidence was, strongest first.</summary>
public enum SuggestionEvidence
{
    /// <summary>A quoted reference names the item exactly.</summary>
    ExactReference,

    /// <summary>The quoted items and unquoted items that make up the rest.</summary>
    QuotedAndRest,

    /// <summary>A quoted reference is a few edits away from the item's.</summary>
    NearReference,

    /// <summary>No reference: the item or items add up to the amount paid.</summary>
    AmountOnly,

    /// <summary>No reference and no amount that fits: the payer's open amount closest to the payment.</summary>
    ClosestAmount,

    /// <summary>An explanation none of the above describes.</summary>
    Other,
}

/// <summary>Whose items a suggestion takes, against the payer the store knows for the payment.</summary>
public enum SuggestionPayer
{
    /// <summary>Every item belongs to the payer's customer family.</summary>
    PayersFamily,

    /// <summary>At least one item belongs to another family than the payer's.</summary>
    OtherFamily,

    /// <summary>The payer is not known, so only families between suggestions compare.</summary>
    Unknown,
}

/// <summary>
/// What the store knows of one suggestion when a specialist looks at it: the items' open amounts now, their
/// customer families, the evidence its explanation names, and the confidence matching gave it.
/// </summary>
/// <param name="ItemIds">The items, as matching suggested them.</param>
/// <param name="Confidence">The matcher's score, 0..1.</param>
/// <param name="Why">The matcher's explanation.</param>
/// <param name="CoveredMinor">What the items still open in the payment's currency add up to (credit memos negative).</param>
/// <param name="NotOpen">The items no longer open (applied, closed, gone, or in another currency).</param>
/// <param name="Families">The customer family (top parent) of each open item, as "id (name)"; distinct, in item order.</param>
/// <param name="Payer">Whose items these are against the payer.</param>
public sealed record SuggestionFacts(
    IReadOnlyList<string> ItemIds,
    double Confidence,
    string Why,
    long CoveredMinor,
    IReadOnlyList<string> NotOpen,
    IReadOnlyList<string> Families,
    SuggestionPayer Payer)
{
    /// <summary>The evidence the explanation names.</summary>
    public SuggestionEvidence Evidence => SuggestionRanking.EvidenceOf(Why).Evidence;

    /// <summary>For a near reference, how many edits away; otherwise null.</summary>
    public int? Edits => SuggestionRanking.EvidenceOf(Why).Edits;
}

/// <summary>
/// Why each suggestion below the first ranks lower than the one above it, in words a specialist can check:
/// what it covers of the amount to apply, whose items they are, how strong its reference is, and its
/// confidence. Pure: the same facts give the same words.
/// </summary>
public static partial class SuggestionRanking
{
    /// <summary>
    /// One entry per suggestion, in order: null for the first, and for each one after it why it ranks below
    /// the one just above, against the amount still to apply (<paramref name="unapplied"/>).
    /// </summary>
    public static IReadOnlyList<string?> WhyLower(IReadOnlyList<SuggestionFacts> ranked, Money unapplied)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var reasons = new string?[ranked.Count];
        for (var i = 1; i < ranked.Count; i++)
        {
            reasons[i] = WhyLower(ranked[i - 1], ranked[i], unapplied);
        }

        return reasons;
    }

    /// <summary>Why <paramref name="below"/> ranks under <paramref name="above"/>, against the amount still to apply.</summary>
    public static string WhyLower(SuggestionFacts above, SuggestionFacts below, Money unapplied)
    {
        ArgumentNullException.ThrowIfNull(above);
        ArgumentNullException.ThrowIfNull(below);
        var reasons = new List<string>();
        if (below.NotOpen.Count > above.NotOpen.Count && below.NotOpen.Count > 0)
        {
            reasons.Add($"{string.Join(", ", below.NotOpen)} {(below.NotOpen.Count == 1 ? "is" : "are")} no longer open");
        }

        var target = unapplied.Minor;
        var belowGap = below.CoveredMinor - target;
        var aboveGap = above.CoveredMinor - target;
        if (belowGap != 0 && Math.Abs(belowGap) > Math.Abs(aboveGap))
        {
            var gap = Money(Math.Abs(belowGap), unapplied.Currency);
            reasons.Add($"covers {Money(below.CoveredMinor, unapplied.Currency)} of {Money(target, unapplied.Currency)}, {gap} {(belowGap < 0 ? "short" : "over")}");
        }
        else if (belowGap == 0 && aboveGap == 0 && below.ItemIds.Count > above.ItemIds.Count)
        {
            reasons.Add($"covers the amount too, but with {below.ItemIds.Count} items instead of {above.ItemIds.Count}");
        }

        if (below.Payer == SuggestionPayer.OtherFamily && above.Payer == SuggestionPayer.PayersFamily)
        {
            reasons.Add($"{(belowGap == 0 ? "amount matches but " : "")}the items belong to another family ({string.Join(", ", below.Families.Except(above.Families, StringComparer.Ordinal).DefaultIfEmpty(string.Join(", ", below.Families)))}) than the payer's");
        }
        else if (below.Payer == SuggestionPayer.Unknown && above.Payer == SuggestionPayer.Unknown
            && below.Families.Count > 0 && above.Families.Count > 0 && !below.Families.Intersect(above.Families, StringComparer.Ordinal).Any())
        {
            reasons.Add($"another family ({string.Join(", ", below.Families)}) than the suggestion above ({string.Join(", ", above.Families)}), and the payer is not known");
        }

        var evidence = Evidence(above, below);
        if (evidence is not null)
        {
            reasons.Add(evidence);
        }

        var confidence = string.Create(CultureInfo.InvariantCulture, $"{below.Confidence * 100:0}%");
        var aboveConfidence = string.Create(CultureInfo.InvariantCulture, $"{above.Confidence * 100:0}%");
        if (reasons.Count == 0)
        {
            return below.Confidence < above.Confidence
                ? $"lower confidence ({confidence} against {aboveConfidence}) on the same kind of evidence"
                : $"ties with the suggestion above ({confidence}); matching listed it first";
        }

        return string.Join("; ", reasons) + (below.Confidence < above.Confidence ? $" (confidence {confidence} against {aboveConfidence})" : string.Empty);
    }

    /// <summary>Reads the evidence from a matcher's explanation; unknown wording is <see cref="SuggestionEvidence.Other"/>.</summary>
    public static (SuggestionEvidence Evidence, int? Edits) EvidenceOf(string why)
    {
        ArgumentNullException.ThrowIfNull(why);
        if (Near().Match(why) is { Success: true } near)
        {
            return (SuggestionEvidence.NearReference, int.Parse(near.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        // A set of quoted items that fits the amount: "F-1 + F-2 by reference", a mistyped one with its edits,
        // one read as an OCR look-alike.
        if (why.EndsWith(" by reference", StringComparison.Ordinal))
        {
            return FitEdits().Match(why) is { Success: true } fix
                ? (SuggestionEvidence.NearReference, int.Parse(fix.Groups[1].Value, CultureInfo.InvariantCulture))
                : why.Contains("as OCR look-alike", StringComparison.Ordinal)
                    ? (SuggestionEvidence.NearReference, 1)
                    : (SuggestionEvidence.ExactReference, null);
        }

        if (why.StartsWith("the quoted items and", StringComparison.Ordinal))
        {
            return (SuggestionEvidence.QuotedAndRest, null);
        }

        if (Quoted().IsMatch(why) || why.StartsWith("quoted, of customer", StringComparison.Ordinal) || why == "the quoted items found")
        {
            return (SuggestionEvidence.ExactReference, null);
        }

        if (why.StartsWith("closest open amount", StringComparison.Ordinal))
        {
            return (SuggestionEvidence.ClosestAmount, null);
        }

        if (why.Contains("of the amount", StringComparison.Ordinal) || why.Contains("summing to the amount", StringComparison.Ordinal))
        {
            return (SuggestionEvidence.AmountOnly, null);
        }

        return (SuggestionEvidence.Other, null);
    }

    private static string? Evidence(SuggestionFacts above, SuggestionFacts below)
    {
        var (upper, upperEdits) = EvidenceOf(above.Why);
        var (lower, lowerEdits) = EvidenceOf(below.Why);
        if (lower == SuggestionEvidence.Other || upper == SuggestionEvidence.Other)
        {
            return null;
        }

        if (lower == upper)
        {
            return lower == SuggestionEvidence.NearReference && lowerEdits > upperEdits
                ? $"reference {Edits(lowerEdits)} away instead of {Edits(upperEdits)}"
                : null;
        }

        if (lower < upper)
        {
            return null;
        }

        return lower switch
        {
            SuggestionEvidence.QuotedAndRest => "takes unquoted items besides the quoted ones",
            SuggestionEvidence.NearReference => upper == SuggestionEvidence.ExactReference
                ? $"reference near match ({Edits(lowerEdits)}) instead of exact"
                : $"reference near match ({Edits(lowerEdits)})",
            SuggestionEvidence.AmountOnly => "no reference names it: amount only",
            _ => "no reference names it and no amount fits: only the closest open amount",
        };
    }

    private static string Edits(int? edits) => edits == 1 ? "1 edit" : string.Create(CultureInfo.InvariantCulture, $"{edits} edits");

    private static string Money(long minor, CurrencyCode currency) =>
        Grouped(MinorUnits.Format(minor, currency.MinorDigits));

    // 9800.00 -> 9,800.00: the way a person reads an amount.
    private static string Grouped(string plain)
    {
        var sign = plain.StartsWith('-') ? "-" : string.Empty;
        var digits = plain.TrimStart('-');
        var point = digits.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? string.Empty : digits[point..];
        var grouped = whole.Length <= 3 ? whole : string.Join(",", Enumerable.Range(0, (whole.Length + 2) / 3).Select(g => whole.Substring(Math.Max(0, whole.Length - ((g + 1) * 3)), Math.Min(3, whole.Length - (g * 3)))).Reverse());
        return sign + grouped + fraction;
    }

    [GeneratedRegex(@"^near '.*' \((\d+) edits?\)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Near();

    [GeneratedRegex(@"\('[^']*', (\d+) edits?\)", RegexOptions.CultureInvariant)]
    private static partial Regex FitEdits();

    [GeneratedRegex(@"^'.*' quoted", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Quoted();
}
