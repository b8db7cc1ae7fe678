using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Model;

/// <summary>
/// A payment: one booked credit from a bank file, to be applied to open items. It keeps what the bank
/// said of the payer and the remittance, and where in which file it came from.
/// </summary>
public sealed record Payment(
    string PaymentRef,
    Money Amount,
    string? PayerName,
    string? PayerAccount,
    IReadOnlyList<RemittanceLine> Remittance,
    string? FreeText,
    string SourceFile,
    long LineNumber)
{
    /// <summary>The bank format it came from.</summary>
    public BankFileFormat Format { get; init; }

    /// <summary>The payer id the bank gave (ACH originator), if any.</summary>
    public string? PayerId { get; init; }

    /// <summary>The party paid for, when a payment factory or payment service pays on its behalf (camt <c>UltmtDbtr</c>), if the bank says so.</summary>
    public string? UltimatePayerName { get; init; }

    /// <summary>
    /// The day the payment counts as made, for payment terms: the earlier of the bank's value date and booking date
    /// (a payer is not charged for the bank's float), null when the file gives neither.
    /// </summary>
    public DateOnly? PaidOn { get; init; }

    /// <summary>Makes a payment of a booked credit read from a bank file.</summary>
    public static Payment FromTransaction(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (!CurrencyCode.TryParse(transaction.Currency, out var currency))
        {
            throw new ArgumentException($"{transaction.SourceFile}:{transaction.LineNumber}: unknown currency '{transaction.Currency}'.", nameof(transaction));
        }

        return new Payment(
            transaction.PaymentRef,
            new Money(transaction.AmountMinor, currency),
            transaction.PayerName,
            transaction.PayerAccount,
            transaction.Remittance,
            transaction.FreeText,
            transaction.SourceFile,
            transaction.LineNumber)
        {
            Format = transaction.Format,
            PayerId = transaction.PayerId,
            UltimatePayerName = transaction.UltimatePayerName,
            PaidOn = transaction.ValueDate is { } value && transaction.BookingDate is { } booked
                ? (value < booked ? value : booked)
                : transaction.ValueDate ?? transaction.BookingDate,
        };
    }
}
