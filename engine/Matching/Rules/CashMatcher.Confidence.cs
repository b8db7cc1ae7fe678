using System.Globalization;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// Where a decision's confidence becomes the probability that its application is right. The rules state a
// fixed confidence per rule (0.99 for quoted invoices that add up, 0.9 for a payer's only item of the
// amount...); that number ranks the rules and names which one decided, nothing more. Here the decision's
// evidence class (the rule, where the evidence came from, how many items, its shape) is looked up in the
// calibration table learnt on generated days, and the table's probability is what the application carries
// and what the policy's MinAutoConfidence is held against. Both paths (at once and general) come here.
public sealed partial class CashMatcher
{
    private ConfidenceCalibration _calibration = ConfidenceCalibration.Default;

    // The at-once path's probabilities, looked up once per table: by quoting source (lines, text) and size class.
    private double[]? _atOnceProbabilities;

    /// <summary>The table that turns evidence into a probability (the engine's committed one unless a test sets another).</summary>
    internal ConfidenceCalibration Calibration
    {
        get => _calibration;
        set
        {
            _calibration = value ?? throw new ArgumentNullException(nameof(value));
            _atOnceProbabilities = null;
        }
    }

    /// <summary>Told of every payment applied, with its evidence (for the calibration tool).</summary>
    internal Action<Payment, Evidence>? Decided { get; set; }

    /// <summary>
    /// The review bar, which every decision of the general path passes last (the at-once path holds its own to the
    /// same bar): a decision that applies is held against the policy's <see cref="MatchPolicy.MinAutoConfidence"/>
    /// with the calibrated probability of its evidence. Below the bar the payment is an exception, and what the rule
    /// would have applied is its first suggestion. Returns the decision to commit, and in <paramref name="probability"/>
    /// what its applications carry.
    /// </summary>
    private Decision Reviewed(Payment payment, Decision decision, Analysis? analysis, out double probability)
    {
        var evidence = decision.Lines.Count > 0 ? EvidenceOf(payment, decision, analysis) : default;
        probability = decision.Lines.Count > 0 ? Calibrated(evidence) : 0;
        if (decision.Lines.Count > 0 && !AppliesWithoutReview(probability))
        {
            // Below the policy's bar for applying by itself: the specialist gets it as the first suggestion.
            return new Decision([], MatchMethod.Manual, 0,
                $"{decision.Explanation} (confidence {probability.ToString("0.000", CultureInfo.InvariantCulture)}, below the {Policy.MinAutoConfidence.ToString("0.00#", CultureInfo.InvariantCulture)} applied without review)",
                ExceptionReason.NoMatch,
                [Suggest([.. decision.Lines.Select(l => l.Item)], probability, decision.Explanation), .. decision.Suggestions]);
        }

        if (decision.Lines.Count > 0)
        {
            Decided?.Invoke(payment, evidence);
        }

        return decision;
    }

    /// <summary>Whether a decision this sure is applied without a specialist's review (the policy's <see cref="MatchPolicy.MinAutoConfidence"/>).</summary>
    private bool AppliesWithoutReview(double confidence) => confidence >= Policy.MinAutoConfidence;

    /// <summary>The evidence of a decision that applies lines, read before anything is applied.</summary>
    private Evidence EvidenceOf(Payment payment, Decision decision, Analysis? analysis)
    {
        var source = decision.Method is MatchMethod.AccountAmount or MatchMethod.NameAmount or MatchMethod.Combination
            ? PayerSource(analysis)
            : payment.Remittance.Count > 0 ? EvidenceSource.Lines : EvidenceSource.Text;

        long applied = 0;
        var partial = false;
        var unquoted = false;
        foreach (var (item, amount) in decision.Lines)
        {
            applied = checked(applied + amount);
            partial |= amount != _remaining[item];
            unquoted |= analysis is not null && source is EvidenceSource.Lines or EvidenceSource.Text && !Quoted(analysis, item);
        }

        var shape = applied != payment.Amount.Minor ? EvidenceShape.Rest
            : unquoted ? EvidenceShape.Unquoted
            : partial ? EvidenceShape.Partial
            : EvidenceShape.Full;
        return Evidence.Of(decision.Method, decision.Confidence, source, decision.Lines.Count, shape);
    }

    /// <summary>The evidence of an at-once decision: quoted invoices, each applied in full, adding up to the payment.</summary>
    private static Evidence AtOnceEvidence(Payment payment, int items) =>
        Evidence.Of(MatchMethod.ExactReference, AtOnceConfidence, payment.Remittance.Count > 0 ? EvidenceSource.Lines : EvidenceSource.Text, items, EvidenceShape.Full);

    /// <summary>A size of each size class (1, 2-3, 4-9, 10+).</summary>
    private static readonly int[] AtOnceSizes = [1, 2, 4, 10];

    /// <summary>The probability of an at-once decision of <paramref name="items"/> quoted invoices: an array look-up on the hot path.</summary>
    private double AtOnceProbability(Payment payment, int items)
    {
        var table = _atOnceProbabilities ??= [.. from text in (bool[])[false, true]
                                                   from size in AtOnceSizes
                                                   select _calibration.Probability(Evidence.Of(MatchMethod.ExactReference, AtOnceConfidence, text ? EvidenceSource.Text : EvidenceSource.Lines, size, EvidenceShape.Full))];
        var sizeClass = items <= 1 ? 0 : items <= 3 ? 1 : items <= 9 ? 2 : 3;
        return table[(payment.Remittance.Count > 0 ? 0 : 4) + sizeClass];
    }

    /// <summary>The probability that an application on this evidence is right.</summary>
    private double Calibrated(in Evidence evidence) => Calibration.Probability(evidence);

    /// <summary>How the payer that decided a payer-and-amount match was found.</summary>
    private EvidenceSource PayerSource(Analysis? analysis)
    {
        var payers = analysis?.Payers;
        var payer = payers is not null && FirstIdentified(payers) is var first and >= 0 ? payers[first] : (PayerCandidate?)null;
        return payer is not { } found ? EvidenceSource.Name
            : found.NameOnFile is not null ? EvidenceSource.Name
            : found.What.StartsWith("payer by learned ", StringComparison.Ordinal) ? EvidenceSource.Rule
            : found.Score <= CustomerDirectory.BareAccountScore ? EvidenceSource.BareAccount
            : EvidenceSource.Account;
    }

    /// <summary>True when a quote of the payment may mean the item: exactly, or as a near number once a rule asked for those.</summary>
    private bool Quoted(Analysis analysis, int item)
    {
        // The exact options first, of every quote: most applied items are among them, and the near ones are then
        // never listed for this.
        foreach (var quote in analysis.Quotes)
        {
            if (HasItem(quote.Exact, item))
            {
                return true;
            }
        }

        foreach (var quote in analysis.Quotes)
        {
            if (quote.Near is { } near && IsNearOption(quote, near, item, analysis.Payment.Amount.Currency.Code))
            {
                return true;
            }
        }

        return false;
    }
}
