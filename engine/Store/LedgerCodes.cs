using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Store;

/// <summary>The stable codes the store writes for enums: a renamed enum member never changes stored data.</summary>
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
        ExceptionReason.Duplicate => "duplicate",
        _ => "conflict",
    };

    /// <summary>The code of an exception status.</summary>
    public static string Of(ExceptionStatus value) => value == ExceptionStatus.Open ? "open" : "resolved";

    /// <summary>The code of an item status.</summary>
    public static string Of(OpenItemStatus value) => value == OpenItemStatus.Open ? "open" : "closed";

    /// <summary>The code of a bank file status.</summary>
    public static string Of(BankFileStatus value) => value == BankFileStatus.Ingested ? "ingested" : "rejected";

    /// <summary>The code of a resolution.</summary>
    public static string Of(ResolutionKind value) => value switch
    {
        ResolutionKind.ApplyToItems => "apply_to_items",
        ResolutionKind.LeaveOnAccount => "leave_on_account",
        ResolutionKind.Refund => "refund",
        _ => "write_off",
    };

    internal static DocType ParseDocType(string code) => code switch
    {
        "INV" => DocType.Invoice,
        "CM" => DocType.CreditMemo,
        "DM" => DocType.DebitMemo,
        _ => throw Unknown("document type", code),
    };

    /// <summary>The document type of a code read as UTF-8 (the SQLite snapshot reader's form).</summary>
    internal static DocType ParseDocType(ReadOnlySpan<byte> code) =>
        code.SequenceEqual("INV"u8) ? DocType.Invoice
        : code.SequenceEqual("CM"u8) ? DocType.CreditMemo
        : code.SequenceEqual("DM"u8) ? DocType.DebitMemo
        : throw Unknown("document type", System.Text.Encoding.UTF8.GetString(code));

    internal static BankFileFormat ParseFormat(string code) => code switch
    {
        "bai2" => BankFileFormat.Bai2,
        "camt053" => BankFileFormat.Camt053,
        "camt054" => BankFileFormat.Camt054,
        "lockbox" => BankFileFormat.Lockbox,
        "lockbox_csv" => BankFileFormat.LockboxCsv,
        _ => BankFileFormat.Unknown,
    };

    internal static MatchMethod ParseMethod(string code) => code switch
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

    internal static ExceptionReason ParseReason(string code) => code switch
    {
        "unknown_payer" => ExceptionReason.UnknownPayer,
        "no_match" => ExceptionReason.NoMatch,
        "ambiguous" => ExceptionReason.Ambiguous,
        "overpayment" => ExceptionReason.Overpayment,
        "not_a_payment" => ExceptionReason.NotAPayment,
        "conflict" => ExceptionReason.Conflict,
        "deposit_reconciled" => ExceptionReason.DepositReconciled,
        "deposit_mismatch" => ExceptionReason.DepositMismatch,
        "duplicate" => ExceptionReason.Duplicate,
        _ => throw Unknown("exception reason", code),
    };

    internal static ExceptionStatus ParseExceptionStatus(string code) => code == "open" ? ExceptionStatus.Open : ExceptionStatus.Resolved;

    internal static OpenItemStatus ParseItemStatus(string code) => code == "open" ? OpenItemStatus.Open : OpenItemStatus.Closed;

    internal static BankFileStatus ParseFileStatus(string code) => code == "ingested" ? BankFileStatus.Ingested : BankFileStatus.Rejected;

    internal static ResolutionKind ParseResolution(string code) => code switch
    {
        "apply_to_items" => ResolutionKind.ApplyToItems,
        "leave_on_account" => ResolutionKind.LeaveOnAccount,
        "refund" => ResolutionKind.Refund,
        "write_off" => ResolutionKind.WriteOff,
        _ => throw Unknown("resolution", code),
    };

    private static InvalidDataException Unknown(string what, string code) => new($"The store holds an unknown {what} code '{code}'.");
}
