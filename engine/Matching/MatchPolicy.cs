namespace CashApp.Engine.Matching;

/// <summary>
/// The rules matching follows. Defaults are conservative: precision beats hit rate, so anything the
/// evidence does not prove goes to exceptions.
/// </summary>
public sealed record MatchPolicy
{
    /// <summary>The default policy.</summary>
    public static MatchPolicy Default { get; } = new();

    /// <summary>Largest number of open items one combinational match may take.</summary>
    public int MaxCombinationSize { get; init; } = 6;

    /// <summary>Most open items of one customer (or family) the combinational search looks at.</summary>
    public int MaxCombinationCandidates { get; init; } = 60;

    /// <summary>
    /// Largest expected number of combinations that would hit the amount by chance. With many open items,
    /// some set of five or six sums to almost any amount: the combination size is cut until a unique
    /// answer is also an unlikely accident (subsets searched divided by the amount in minor units).
    /// </summary>
    public double MaxChanceCombinations { get; init; } = 0.02;

    /// <summary>
    /// Largest expected number of open items that would carry a payment's amount by chance among those
    /// searched, for a match to a payer's only open item of that amount. A payer found by account has a
    /// few items to search; a name the bank cut short may fit hundreds of customers, and then only a rare
    /// amount proves which one paid.
    /// </summary>
    public double MaxChanceSingle { get; init; } = 0.01;

    /// <summary>Work budget of one payment's combinational search, in subsets visited.</summary>
    public long CombinationBudget { get; init; } = 2_000_000;

    /// <summary>Largest wire or bank fee, in minor units, that may be deducted from a wire and still clear the invoice as paid.</summary>
    public long MaxBankFeeMinor { get; init; } = 5_000;

    /// <summary>Largest short payment, as a share of the invoice, accepted as a deduction against a quoted invoice.</summary>
    public decimal MaxShortPayShare { get; init; } = 0.5m;

    /// <summary>Largest edit distance accepted for a mistyped reference (always confirmed by the amount).</summary>
    public int MaxReferenceEdits { get; init; } = 2;

    /// <summary>Smallest name similarity (0-100) at which a payer name identifies a customer.</summary>
    public int MinNameScore { get; init; } = 88;

    /// <summary>Smallest name similarity (0-100) at which a payer name corroborates an exact reference (short pay, overpayment).</summary>
    public int MinCorroborationScore { get; init; } = 80;

    /// <summary>Smallest lead of the best name over the second best customer (0-100) to identify a customer by name.</summary>
    public int MinNameLead { get; init; } = 6;

    /// <summary>
    /// Lowest confidence at which an application is made automatically. A payment's confidence is the calibrated
    /// probability that its application is right (<see cref="ConfidenceCalibration"/>); a decision below the bar goes
    /// to a specialist with the match as its first suggestion. The default, 0, holds back nothing the rules decide: the
    /// rules alone decide, as before the confidences were calibrated, and the dial is the treasury team's to set.
    /// </summary>
    public double MinAutoConfidence { get; init; }

    /// <summary>How many suggestions an exception carries.</summary>
    public int MaxSuggestions { get; init; } = 5;

    /// <summary>
    /// Whether a specialist's resolution teaches a payer rule when the resolution does not say
    /// (<c>remember</c> unset): the payer's account, name and payer id then point at the customer paid.
    /// </summary>
    public bool RememberResolutions { get; init; } = true;

    /// <summary>Agreeing resolutions before a learnt account (or payer id) becomes an active rule.</summary>
    public int AccountRuleAgreements { get; init; } = 1;

    /// <summary>Agreeing resolutions before a learnt payer name becomes an active rule: names are weaker evidence than accounts.</summary>
    public int NameRuleAgreements { get; init; } = 2;
}
