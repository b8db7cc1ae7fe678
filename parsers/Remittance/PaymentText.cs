using CashApp.Parsers.Common;

namespace CashApp.Parsers.Remittance;

/// <summary>What a bank's free text about a payment says: who paid, and what for.</summary>
public sealed record PaymentText
{
    /// <summary>The payer's name (ACH originator, wire originator or by-order-of party).</summary>
    public string? PayerName { get; init; }

    /// <summary>The payer's identifier (ACH company id, wire originator id).</summary>
    public string? PayerId { get; init; }

    /// <summary>The payer's account: <c>RTN:ACCOUNT</c> when the text gives both, else the account as given.</summary>
    public string? PayerAccount { get; init; }

    /// <summary>The remittance text the payer wrote (ACH addenda, EDI NTE notes, wire OBI), joined with spaces.</summary>
    public string? RemittanceText { get; init; }

    /// <summary>The documents the payer listed in EDI RMR segments, in order.</summary>
    public IReadOnlyList<RemittanceLine> Lines { get; init; } = [];

    /// <summary>Every labelled field the text holds, label (without its colon) to value; the first of repeated labels.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary>True when the text follows a known bank layout (it had labelled fields or EDI segments).</summary>
    public bool Recognized => Fields.Count > 0 || Lines.Count > 0;
}
