namespace CashApp.Parsers.Common;

/// <summary>Whether a transaction adds money to the account (a credit) or takes it out (a debit).</summary>
public enum Direction
{
    /// <summary>Money in.</summary>
    Credit,

    /// <summary>Money out.</summary>
    Debit,
}

/// <summary>The bank-file format a transaction came from.</summary>
public enum BankFileFormat
{
    /// <summary>Not recognised.</summary>
    Unknown,

    /// <summary>BAI2 (Cash Management Balance Reporting Specifications, version 2).</summary>
    Bai2,

    /// <summary>ISO 20022 camt.053 bank-to-customer statement.</summary>
    Camt053,

    /// <summary>ISO 20022 camt.054 debit and credit notification.</summary>
    Camt054,

    /// <summary>Fixed-width lockbox transmission.</summary>
    Lockbox,

    /// <summary>CSV remittance file mapped by a lockbox layout.</summary>
    LockboxCsv,
}

/// <summary>What a remittance line refers to.</summary>
public enum RemittanceKind
{
    /// <summary>A document number whose kind the payer did not state.</summary>
    Unspecified,

    /// <summary>An invoice (camt <c>CINV</c>, EDI <c>IV</c>, a lockbox invoice line).</summary>
    Invoice,

    /// <summary>A credit note the payer deducted (camt <c>CREN</c>, EDI <c>CM</c>).</summary>
    CreditNote,

    /// <summary>A creditor reference (ISO 11649 <c>RF</c> decoded, or a national structured reference).</summary>
    CreditorReference,

    /// <summary>A purchase order number.</summary>
    PurchaseOrder,
}

/// <summary>
/// One document the payer said the payment is for: a reference as the payer wrote it and, when stated,
/// the amount paid against it in minor units of the payment's currency.
/// </summary>
public sealed record RemittanceLine(string Reference, long? AmountMinor, RemittanceKind Kind = RemittanceKind.Unspecified)
{
    /// <summary>The amount the document was originally for, when the payer stated it (EDI RMR04, camt DuePyblAmt).</summary>
    public long? InvoicedMinor { get; init; }

    /// <summary>A discount the payer took against the document, when stated (EDI RMR05, camt DscntApldAmt).</summary>
    public long? DiscountMinor { get; init; }
}

/// <summary>
/// One transaction read from a bank file, credit or debit. A <see cref="IsPayment"/> transaction is a
/// booked credit: a payment the engine applies to open items. Amounts are positive integer minor units.
/// </summary>
public sealed record BankTransaction
{
    /// <summary>The payment reference as <c>CONTRACT.md</c> defines it per format.</summary>
    public required string PaymentRef { get; init; }

    /// <summary>Credit or debit.</summary>
    public required Direction Direction { get; init; }

    /// <summary>The amount, positive, in minor units of <see cref="Currency"/>.</summary>
    public required long AmountMinor { get; init; }

    /// <summary>ISO 4217 code.</summary>
    public required string Currency { get; init; }

    /// <summary>The format of the file it came from.</summary>
    public required BankFileFormat Format { get; init; }

    /// <summary>The file it came from, as named to the reader.</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line of the record (for XML, the line of the transaction's element).</summary>
    public required long LineNumber { get; init; }

    /// <summary>
    /// True for a booked credit that should be applied. False for debits, pending or informational
    /// entries, reversals and non-payment credits the format marks as such.
    /// </summary>
    public bool IsPayment { get; init; } = true;

    /// <summary>Why a credit is not a payment to apply (pending, informational, reversal), if so.</summary>
    public string? NotPaymentReason { get; init; }

    /// <summary>The payer's name as the bank printed it.</summary>
    public string? PayerName { get; init; }

    /// <summary>
    /// The payer's account: <c>RTN:ACCOUNT</c> for a US routing and account number (MICR, ACH), an IBAN,
    /// or another account identifier as given.
    /// </summary>
    public string? PayerAccount { get; init; }

    /// <summary>A payer identifier the bank gave (ACH originator id, wire originator id), if any.</summary>
    public string? PayerId { get; init; }

    /// <summary>
    /// The party the payment is made for, when another pays it (camt <c>UltmtDbtr</c>: a payment factory or
    /// payment service paying on a customer's behalf), if the bank says so.
    /// </summary>
    public string? UltimatePayerName { get; init; }

    /// <summary>The documents the payer said the payment is for, in the order given.</summary>
    public IReadOnlyList<RemittanceLine> Remittance { get; init; } = [];

    /// <summary>Free remittance text (BAI2 16 text, camt <c>Ustrd</c> lines joined, lockbox extras).</summary>
    public string? FreeText { get; init; }

    /// <summary>The format's own type code (BAI2 type code, camt bank transaction code, lockbox record type).</summary>
    public string? TypeCode { get; init; }

    /// <summary>Value or deposit date, where the file gives one.</summary>
    public DateOnly? ValueDate { get; init; }

    /// <summary>
    /// The account the bank booked the credit to, as the file names it: BAI2 the <c>03</c> record's account, camt the
    /// statement's or notification's <c>Acct</c>, lockbox the lockbox number. Part of <see cref="PaymentIdentity"/>.
    /// </summary>
    public string? Account { get; init; }

    /// <summary>
    /// The bank's own reference of this transaction, null when the bank gave none: BAI2 the <c>16</c> record's bank
    /// reference; camt <c>TxDtls/Refs/AcctSvcrRef</c>, else its <c>EndToEndId</c> unless <c>NOTPROVIDED</c>; lockbox
    /// <c>BATCH-ITEM</c> as written (a CSV remittance file: its payment reference). Part of <see cref="PaymentIdentity"/>.
    /// </summary>
    public string? BankReference { get; init; }

    /// <summary>
    /// The day the bank reports the credit for: BAI2 the group's as-of date, camt <c>BookgDt</c> (else <c>ValDt</c>),
    /// lockbox the deposit date. Part of <see cref="PaymentIdentity"/>.
    /// </summary>
    public DateOnly? BookingDate { get; init; }

    /// <summary>Further named values the format or layout carries (check number, end-to-end id, ...).</summary>
    public IReadOnlyDictionary<string, string> Extra { get => _extra; init => _extra = value; }

    private static readonly IReadOnlyDictionary<string, string> EmptyExtra = new Dictionary<string, string>();

    private IReadOnlyDictionary<string, string> _extra = EmptyExtra;

    /// <summary>
    /// Asks <paramref name="keepExtra"/> (<see cref="BankFileReadOptions.KeepExtra"/>) about a transaction its reader has
    /// just made, before anyone else has it, and empties its <see cref="Extra"/> when declined, so that nothing the old
    /// one held is kept. True when kept.
    /// </summary>
    internal bool AskKeepExtra(Func<BankTransaction, bool> keepExtra)
    {
        if (keepExtra(this))
        {
            return true;
        }

        _extra = EmptyExtra;
        return false;
    }

    /// <summary>Gives a transaction that <see cref="AskKeepExtra"/> kept its own copy of the extra data its reader lent for the question.</summary>
    internal void KeepExtra(IReadOnlyDictionary<string, string> extra) => _extra = extra;
}
