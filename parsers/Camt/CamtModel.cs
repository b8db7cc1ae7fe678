using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Camt;

/// <summary>Which ISO 20022 message a document carries.</summary>
public enum CamtMessageKind
{
    /// <summary>camt.053 bank-to-customer statement (<c>BkToCstmrStmt/Stmt</c>).</summary>
    Statement,

    /// <summary>camt.054 debit and credit notification (<c>BkToCstmrDbtCdtNtfctn/Ntfctn</c>).</summary>
    Notification,
}

/// <summary>The status of an entry (<c>Sts</c>, plain text in 001.02, <c>Sts/Cd</c> later).</summary>
public enum CamtEntryStatus
{
    /// <summary>A code the reader does not know (kept in <see cref="CamtEntry.StatusCode"/>), or no status.</summary>
    Other,

    /// <summary><c>BOOK</c>: booked on the account.</summary>
    Booked,

    /// <summary><c>PDNG</c>: pending, not yet booked.</summary>
    Pending,

    /// <summary><c>INFO</c>: for information only, never booked.</summary>
    Information,
}

/// <summary>A balance stated in a statement (<c>Bal</c>), signed: negative for a debit balance.</summary>
/// <param name="Code">The balance type code: <c>OPBD</c>, <c>CLBD</c>, <c>PRCD</c>, <c>CLAV</c>, ...</param>
/// <param name="Amount">The signed amount.</param>
/// <param name="Date">The balance date, where given.</param>
public sealed record CamtBalance(string Code, Money Amount, DateOnly? Date);

/// <summary>
/// A bank transaction code: the ISO domain, family and sub-family (<c>PMNT/RCDT/ESCT</c>) and the
/// proprietary code a bank gives beside or instead of them.
/// </summary>
public sealed record CamtBankTransactionCode(string? Domain, string? Family, string? SubFamily, string? Proprietary, string? ProprietaryIssuer)
{
    /// <summary><c>PMNT/RCDT/ESCT</c>, else the proprietary code; empty when there is neither.</summary>
    public string Text { get; } = Domain is not null
        ? string.Join('/', new[] { Domain, Family, SubFamily }.Where(part => part is not null))
        : Proprietary ?? string.Empty;

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>One document a payer named in structured remittance (<c>Strd/RfrdDocInf</c> with its amounts).</summary>
/// <param name="Number">The document number (<c>Nb</c>).</param>
/// <param name="TypeCode">The document type code (<c>CINV</c>, <c>CREN</c>, ...) or proprietary type, if given.</param>
/// <param name="Kind">What the type code means.</param>
public sealed record CamtReferredDocument(string Number, string? TypeCode, RemittanceKind Kind)
{
    /// <summary><c>RfrdDocAmt/RmtdAmt</c>: what the payer paid against the document, in minor units.</summary>
    public long? RemittedMinor { get; init; }

    /// <summary><c>RfrdDocAmt/DuePyblAmt</c>: what the document was for, in minor units.</summary>
    public long? DuePayableMinor { get; init; }

    /// <summary><c>RfrdDocAmt/CdtNoteAmt</c>: the credit note amount, in minor units.</summary>
    public long? CreditNoteMinor { get; init; }

    /// <summary><c>RfrdDocAmt/DscntApldAmt</c>: the discount the payer took, in minor units.</summary>
    public long? DiscountMinor { get; init; }
}

/// <summary>A creditor reference (<c>Strd/CdtrRefInf/Ref</c>).</summary>
/// <param name="Text">The reference as written.</param>
/// <param name="TypeCode">The type code (<c>SCOR</c>, ...) or proprietary type, if given.</param>
/// <param name="Reference">
/// The reference to match on: for a valid ISO 11649 reference (<c>RFnn...</c>) the part after the check
/// digits, otherwise the text as written.
/// </param>
/// <param name="IsIso11649">True for an <c>RF</c> reference whose check digits are right.</param>
public sealed record CamtCreditorReference(string Text, string? TypeCode, string Reference, bool IsIso11649)
{
    /// <summary>The amount of the <c>Strd</c> block the reference stands in, when the block names no document.</summary>
    public long? RemittedMinor { get; init; }
}

/// <summary>One statement (camt.053 <c>Stmt</c>) or notification (camt.054 <c>Ntfctn</c>): its header, as read before its entries.</summary>
public sealed class CamtStatement
{
    internal CamtStatement(CamtMessageKind kind, string? version, int number, long lineNumber)
    {
        Kind = kind;
        Version = version;
        Number = number;
        LineNumber = lineNumber;
    }

    /// <summary>camt.053 or camt.054.</summary>
    public CamtMessageKind Kind { get; }

    /// <summary>The message version from the namespace (<c>001.08</c>), or null for a document without namespace.</summary>
    public string? Version { get; }

    /// <summary>1-based number of the statement or notification in the file.</summary>
    public int Number { get; }

    /// <summary>Line of the <c>Stmt</c> or <c>Ntfctn</c> element.</summary>
    public long LineNumber { get; }

    /// <summary><c>GrpHdr/MsgId</c> of the message.</summary>
    public string? MessageId { get; internal set; }

    /// <summary><c>Id</c>.</summary>
    public string? Id { get; internal set; }

    /// <summary><c>ElctrncSeqNb</c>.</summary>
    public string? ElectronicSequenceNumber { get; internal set; }

    /// <summary><c>CreDtTm</c> as written.</summary>
    public string? CreatedAt { get; internal set; }

    /// <summary>The account's IBAN (<c>Acct/Id/IBAN</c>).</summary>
    public string? AccountIban { get; internal set; }

    /// <summary>The account's other identification (<c>Acct/Id/Othr/Id</c>).</summary>
    public string? AccountOtherId { get; internal set; }

    /// <summary>The account currency (<c>Acct/Ccy</c>), if stated.</summary>
    public string? AccountCurrency { get; internal set; }

    /// <summary>The account owner's name (<c>Acct/Ownr/Nm</c>), if stated.</summary>
    public string? AccountOwnerName { get; internal set; }

    /// <summary>The balances stated, in file order.</summary>
    public IReadOnlyList<CamtBalance> Balances => _balances;

    internal readonly List<CamtBalance> _balances = [];

    /// <summary>The account: IBAN, else the other identification.</summary>
    public string? Account => AccountIban ?? AccountOtherId;

    /// <summary>A copy of the header as read so far, for the parser to go on with once entries hold this one.</summary>
    internal CamtStatement Copy()
    {
        var copy = new CamtStatement(Kind, Version, Number, LineNumber)
        {
            MessageId = MessageId,
            Id = Id,
            ElectronicSequenceNumber = ElectronicSequenceNumber,
            CreatedAt = CreatedAt,
            AccountIban = AccountIban,
            AccountOtherId = AccountOtherId,
            AccountCurrency = AccountCurrency,
            AccountOwnerName = AccountOwnerName,
        };
        copy._balances.AddRange(_balances);
        return copy;
    }
}

/// <summary>One entry (<c>Ntry</c>): a booking on the account, with the transactions it carries.</summary>
public sealed class CamtEntry
{
    internal CamtEntry(CamtStatement statement, int number, long lineNumber)
    {
        Statement = statement;
        Number = number;
        LineNumber = lineNumber;
    }

    /// <summary>The statement or notification it belongs to.</summary>
    public CamtStatement Statement { get; }

    /// <summary>1-based number of the entry in its statement.</summary>
    public int Number { get; }

    /// <summary>Line of the <c>Ntry</c> element.</summary>
    public long LineNumber { get; }

    /// <summary>The amount, positive, in minor units of <see cref="Currency"/>.</summary>
    public long AmountMinor { get; internal set; }

    /// <summary>The currency of the amount.</summary>
    public CurrencyCode Currency { get; internal set; }

    /// <summary>Credit or debit (<c>CdtDbtInd</c>).</summary>
    public Direction Direction { get; internal set; }

    /// <summary>True when the entry is the result of a reversal (<c>RvslInd</c>).</summary>
    public bool IsReversal { get; internal set; }

    /// <summary>The status.</summary>
    public CamtEntryStatus Status { get; internal set; }

    /// <summary>The status code as written (<c>BOOK</c>, <c>PDNG</c>, <c>INFO</c>, or another).</summary>
    public string? StatusCode { get; internal set; }

    /// <summary>The booking date (<c>BookgDt/Dt</c> or the date of <c>BookgDt/DtTm</c>).</summary>
    public DateOnly? BookingDate { get; internal set; }

    /// <summary>The value date (<c>ValDt/Dt</c> or the date of <c>ValDt/DtTm</c>).</summary>
    public DateOnly? ValueDate { get; internal set; }

    /// <summary><c>AcctSvcrRef</c>: the bank's reference of the entry.</summary>
    public string? AccountServicerRef { get; internal set; }

    /// <summary><c>NtryRef</c>.</summary>
    public string? EntryRef { get; internal set; }

    /// <summary><c>BkTxCd</c>.</summary>
    public CamtBankTransactionCode? BankTransactionCode { get; internal set; }

    /// <summary><c>AddtlNtryInf</c>.</summary>
    public string? AdditionalInfo { get; internal set; }

    /// <summary><c>NtryDtls/Btch/NbOfTxs</c>, when the bank states a batch size.</summary>
    public int? BatchCount { get; internal set; }

    /// <summary><c>NtryDtls/Btch/PmtInfId</c>: the payer's payment information id of a batch.</summary>
    public string? BatchPaymentInformationId { get; internal set; }

    /// <summary><c>NtryDtls/Btch/MsgId</c>: the message id of a batch.</summary>
    public string? BatchMessageId { get; internal set; }

    /// <summary>The transaction details (<c>NtryDtls/TxDtls</c>), in file order; empty when the entry has none.</summary>
    public IReadOnlyList<CamtTransaction> Transactions => _transactions;

    internal List<CamtTransaction> _transactions = [];
}

/// <summary>One transaction's details (<c>TxDtls</c>).</summary>
public sealed class CamtTransaction
{
    internal CamtTransaction(int number, long lineNumber)
    {
        Number = number;
        LineNumber = lineNumber;
    }

    /// <summary>1-based number of the details in their entry (across <c>NtryDtls</c> blocks).</summary>
    public int Number { get; }

    /// <summary>Line of the <c>TxDtls</c> element.</summary>
    public long LineNumber { get; }

    /// <summary><c>TxDtls/Amt</c> (001.03 on), positive, if given.</summary>
    public Money? Amount { get; internal set; }

    /// <summary><c>AmtDtls/TxAmt/Amt</c>, if given.</summary>
    public Money? TransactionAmount { get; internal set; }

    /// <summary><c>AmtDtls/InstdAmt/Amt</c>: what the payer instructed, possibly in another currency.</summary>
    public Money? InstructedAmount { get; internal set; }

    /// <summary><c>AmtDtls/CntrValAmt/Amt</c>: the counter value.</summary>
    public Money? CounterValueAmount { get; internal set; }

    /// <summary>The exchange rate stated with the instructed, transaction or counter-value amount, as written.</summary>
    public string? ExchangeRate { get; internal set; }

    /// <summary><c>TxDtls/CdtDbtInd</c>, if given.</summary>
    public Direction? Direction { get; internal set; }

    /// <summary><c>Refs/AcctSvcrRef</c>.</summary>
    public string? AccountServicerRef { get; internal set; }

    /// <summary><c>Refs/EndToEndId</c> as written (including <c>NOTPROVIDED</c>).</summary>
    public string? EndToEndId { get; internal set; }

    /// <summary><c>Refs/InstrId</c>.</summary>
    public string? InstructionId { get; internal set; }

    /// <summary><c>Refs/TxId</c>.</summary>
    public string? TransactionId { get; internal set; }

    /// <summary><c>Refs/MsgId</c>.</summary>
    public string? MessageId { get; internal set; }

    /// <summary><c>Refs/PmtInfId</c>.</summary>
    public string? PaymentInformationId { get; internal set; }

    /// <summary><c>Refs/MndtId</c>.</summary>
    public string? MandateId { get; internal set; }

    /// <summary><c>Refs/UETR</c> (001.08 on).</summary>
    public string? Uetr { get; internal set; }

    /// <summary>The debtor's name (<c>RltdPties/Dbtr/Nm</c> in 001.02, <c>Dbtr/Pty/Nm</c> later).</summary>
    public string? DebtorName { get; internal set; }

    /// <summary>The ultimate debtor's name.</summary>
    public string? UltimateDebtorName { get; internal set; }

    /// <summary>The debtor's account: IBAN, else <c>Othr/Id</c>.</summary>
    public string? DebtorAccount { get; internal set; }

    /// <summary>The creditor's name.</summary>
    public string? CreditorName { get; internal set; }

    /// <summary>The ultimate creditor's name.</summary>
    public string? UltimateCreditorName { get; internal set; }

    /// <summary>The creditor's account: IBAN, else <c>Othr/Id</c>.</summary>
    public string? CreditorAccount { get; internal set; }

    /// <summary>The transaction's own bank transaction code, if given.</summary>
    public CamtBankTransactionCode? BankTransactionCode { get; internal set; }

    /// <summary>The <c>RmtInf/Ustrd</c> lines, in order, as written (white space kept).</summary>
    public IReadOnlyList<string> Unstructured => _unstructured ?? (IReadOnlyList<string>)[];

    /// <summary>The documents of <c>RmtInf/Strd/RfrdDocInf</c>, in order.</summary>
    public IReadOnlyList<CamtReferredDocument> Documents => _documents ?? (IReadOnlyList<CamtReferredDocument>)[];

    /// <summary>The creditor references of <c>RmtInf/Strd/CdtrRefInf</c>, in order.</summary>
    public IReadOnlyList<CamtCreditorReference> CreditorReferences => _creditorReferences ?? (IReadOnlyList<CamtCreditorReference>)[];

    /// <summary><c>AddtlTxInf</c>.</summary>
    public string? AdditionalInfo { get; internal set; }

    /// <summary>The return reason code (<c>RtrInf/Rsn/Cd</c> or <c>Prtry</c>) when the transaction returns an earlier one.</summary>
    public string? ReturnReason { get; internal set; }

    /// <summary>True when the details carry return information (<c>RtrInf</c>).</summary>
    public bool IsReturn { get; internal set; }

    internal List<string>? _unstructured;
    internal List<CamtReferredDocument>? _documents;
    internal List<CamtCreditorReference>? _creditorReferences;
}
