using CashApp.Parsers.Common;

namespace CashApp.Engine.Model;

/// <summary>
/// The stable codes of the engine's enums, as <c>open_items.csv</c>, <c>applications.csv</c>,
/// <c>exceptions.csv</c> and the store write them: a renamed enum member never changes a file or stored data.
/// </summary>
public static class LedgerCodes
{
    /// <summary>The code of a document type (<c>INV</c>, <c>CM</c>, <c>DM</c>).</summary>
    public static string Of(DocType value) => value switch
    {
        DocType.Invoice => "INV",
        DocType.CreditMemo => "CM",
        _ => "DM",
    };

    /// <summary>The code of a bank file format.</summary>
    public static string Of(BankFileFormat value) => value switch
    {
        BankFileFormat.Bai2 => "bai2",
        BankFileFormat.Camt053 => "camt053",
        BankFileFormat.Camt054 => "camt054",
        BankFileFormat.Lockbox => "lockbox",
        BankFileFormat.LockboxCsv => "lockbox_csv",
        _ => "unknown",
    };

    /// <summary>The code of a match method (as <c>applications.csv</c> writes it).</summary>
    public static string Of(MatchMethod value) => value switch
    {
        MatchMethod.ExactReference => "exact_reference",
        MatchMethod.FuzzyReference => "fuzzy_reference",
        MatchMethod.PurchaseOrder => "po_reference",
        MatchMethod.AccountAmount => "account_amount",
        MatchMethod.NameAmount => "name_amount",
        MatchMethod.Combination => "combination",
        _ => "manual",
    };

    /// <summary>The code of an exception reason (as <c>exceptions.csv</c> writes it).</summary>
    public static string Of(ExceptionReason value) => value switch
    {
        ExceptionReason.UnknownPayer => "unknown_payer",
        ExceptionReason.NoMatch => "no_match",
        ExceptionReason.Ambiguous => "ambiguous",
        ExceptionReason.Overpayment => "overpayment",
        ExceptionReason.NotAPayment => "not_a_payment",
        ExceptionReason.DepositReconciled => "deposit_reconciled",
        ExceptionReason.DepositMismatch => "deposit_mismatch",
        ExceptionReason.DepositAwaitingDetail => "deposit_awaiting_detail",
        ExceptionReason.Duplicate => "duplicate",
        ExceptionReason.Conflict => "conflict",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "An exception reason without a code."),
    };

    /// <summary>The document type of a code; an unknown code is an <see cref="InvalidDataException"/>.</summary>
    public static DocType ParseDocType(string code) => code switch
    {
        "INV" => DocType.Invoice,
        "CM" => DocType.CreditMemo,
        "DM" => DocType.DebitMemo,
        _ => throw Unknown("document type", code),
    };

    /// <summary>The document type of a code read as UTF-8 (the SQLite snapshot reader's form).</summary>
    public static DocType ParseDocType(ReadOnlySpan<byte> code) =>
        code.SequenceEqual("INV"u8) ? DocType.Invoice
        : code.SequenceEqual("CM"u8) ? DocType.CreditMemo
        : code.SequenceEqual("DM"u8) ? DocType.DebitMemo
        : throw Unknown("document type", System.Text.Encoding.UTF8.GetString(code));

    /// <summary>The bank file format of a code; an unknown code is <see cref="BankFileFormat.Unknown"/>.</summary>
    public static BankFileFormat ParseFormat(string code) => code switch
    {
        "bai2" => BankFileFormat.Bai2,
        "camt053" => BankFileFormat.Camt053,
        "camt054" => BankFileFormat.Camt054,
        "lockbox" => BankFileFormat.Lockbox,
        "lockbox_csv" => BankFileFormat.LockboxCsv,
        _ => BankFileFormat.Unknown,
    };

    /// <summary>The match method of a code.</summary>
    public static MatchMethod ParseMethod(string code) => code switch
    {
        "exact_reference" => MatchMethod.ExactReference,
        "fuzzy_reference" => MatchMethod.FuzzyReference,
        "po_reference" => MatchMethod.PurchaseOrder,
        "account_amount" => MatchMethod.AccountAmount,
        "name_amount" => MatchMethod.NameAmount,
        "combination" => MatchMethod.Combination,
        "manual" => MatchMethod.Manual,
        _ => throw Unknown("match method", code),
    };

    /// <summary>The exception reason of a code.</summary>
    public static ExceptionReason ParseReason(string code) => code switch
    {
        "unknown_payer" => ExceptionReason.UnknownPayer,
        "no_match" => ExceptionReason.NoMatch,
        "ambiguous" => ExceptionReason.Ambiguous,
        "overpayment" => ExceptionReason.Overpayment,
        "not_a_payment" => ExceptionReason.NotAPayment,
        "conflict" => ExceptionReason.Conflict,
        "deposit_reconciled" => ExceptionReason.DepositReconciled,
        "deposit_mismatch" => ExceptionReason.DepositMismatch,
        "deposit_awaiting_detail" => ExceptionReason.DepositAwaitingDetail,
        "duplicate" => ExceptionReason.Duplicate,
        _ => throw Unknown("exception reason", code),
    };

    private static InvalidDataException Unknown(string what, string code) => new($"The store holds an unknown {what} code '{code}'.");
}
