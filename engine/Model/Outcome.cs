using CashApp.Parsers.Currency;

namespace CashApp.Engine.Model;

/// <summary>How an application was found.</summary>
public enum MatchMethod
{
    /// <summary>The payer quoted the item's number exactly (after normalising spelling).</summary>
    ExactReference,

    /// <summary>The payer quoted a number within a small edit distance, confirmed by the amount.</summary>
    FuzzyReference,

    /// <summary>The payer quoted the item's purchase order number.</summary>
    PurchaseOrder,

    /// <summary>The payer was identified by a known account, and the amount fits the items.</summary>
    AccountAmount,

    /// <summary>The payer was identified by name, and the amount fits the items.</summary>
    NameAmount,

    /// <summary>A unique combination of the customer's open items sums to the payment.</summary>
    Combination,

    /// <summary>Resolved by a person.</summary>
    Manual,
}

/// <summary>Why a payment, or part of one, went to exceptions.</summary>
public enum ExceptionReason
{
    /// <summary>Nothing identifies the payer and no quoted reference matched.</summary>
    UnknownPayer,

    /// <summary>The payer is known, but no item or combination fits the amount with certainty.</summary>
    NoMatch,

    /// <summary>More than one answer fits equally well.</summary>
    Ambiguous,

    /// <summary>The payment was applied, and a remainder is left on account.</summary>
    Overpayment,

    /// <summary>A credit that is not a payment to apply (pending, informational, reversal).</summary>
    NotAPayment,

    /// <summary>The quoted references disagree with each other or with the amount.</summary>
    Conflict,

    /// <summary>
    /// A deposit (a BAI2 lockbox deposit, a camt.053 entry without details) that agrees with its detail in another
    /// file: the detail's payments are applied, the deposit never is. Listed so that no credit goes unaccounted.
    /// </summary>
    DepositReconciled,

    /// <summary>A deposit whose lockbox or reference and date agree with its detail file, and whose total does not.</summary>
    DepositMismatch,

    /// <summary>
    /// A deposit (a BAI2 lockbox deposit, a camt.053 entry without details) in the served store whose detail (a
    /// lockbox file, a camt.054) has not arrived yet: held, never matched as a payment, until the detail reconciles it.
    /// </summary>
    DepositAwaitingDetail,

    /// <summary>
    /// A credit that is the same payment (the same identity key, <c>PaymentIdentity</c>) as one an earlier file of
    /// the run brought: a re-sent day, an intraday file beside the end-of-day one, an entry in a camt.053 and a
    /// camt.054. Never applied again; listed with nothing unapplied, since its money is the first one's.
    /// </summary>
    Duplicate,
}

/// <summary>A score between 0 and 1, with 3 decimals, of how sure the engine is.</summary>
public readonly record struct MatchScore
{
    /// <summary>Creates a score; throws outside [0, 1].</summary>
    public MatchScore(double value)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A match score lies between 0 and 1.");
        }

        Value = Math.Round(value, 3);
    }

    /// <summary>The score.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An amount of a payment applied to one open item: negative when a credit memo is taken.</summary>
public sealed record Application(
    string PaymentRef,
    string ItemId,
    Money Amount,
    MatchMethod Method,
    MatchScore Confidence,
    string Explanation)
{
    /// <summary>
    /// What the application closes of the item beyond the amount paid, in the payment's minor units: an early-payment
    /// discount the payer took within the item's terms. Zero for an ordinary application. The item's open amount falls
    /// by <see cref="Amount"/> plus this; the payment's money is only <see cref="Amount"/>.
    /// </summary>
    public long DeductionMinor { get; init; }

    /// <summary>Why the deduction closes the item (<c>discount taken</c>); null without a deduction.</summary>
    public string? DeductionReason { get; init; }
}

/// <summary>A suggestion for a specialist: items that may be what the payment is for, with a score.</summary>
public sealed record Suggestion(IReadOnlyList<string> ItemIds, MatchScore Score, string Why);

/// <summary>A payment not applied in full: what is left, why, and what a specialist might apply it to.</summary>
public sealed record ExceptionCase(
    string PaymentRef,
    Money Unapplied,
    ExceptionReason Reason,
    string Detail,
    IReadOnlyList<Suggestion> Suggestions);

/// <summary>What matching made of a set of payments.</summary>
public sealed record MatchResult(IReadOnlyList<Application> Applications, IReadOnlyList<ExceptionCase> Exceptions)
{
    /// <summary>
    /// The payments a <see cref="Matching.MatchStage.References"/> call left undecided, neither applied nor in
    /// <see cref="Exceptions"/>: their references resolved nothing, so payer and amount decide them, once every
    /// payment of the run has had its references read. Empty after a whole run.
    /// </summary>
    public IReadOnlyList<Payment> LeftForPayers { get; init; } = [];
}
