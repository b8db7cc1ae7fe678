using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>
/// A camt.053 or camt.054 document the reader cannot accept: not well-formed XML, no statement or
/// notification, a missing required element, or a value that is not what the schema allows. The message
/// names the file, the element path (<c>/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt</c>), the line and
/// position, and the offending value. <see cref="BankFileFormatException.ErrorCode"/> is one of
/// <see cref="CamtErrorCodes"/>.
/// </summary>
public sealed class CamtFormatException : BankFileFormatException
{
    private CamtFormatException(string fileName, long lineNumber, int linePosition, string errorCode, string elementPath, string? value, string message, Exception? inner)
        : base(fileName, lineNumber, errorCode, message, inner)
    {
        LinePosition = linePosition;
        ElementPath = elementPath;
        Value = value;
    }

    /// <summary>1-based character position in the line; 0 when not known.</summary>
    public int LinePosition { get; }

    /// <summary>The path of the element at fault, with 1-based numbers of repeated elements; empty when not known.</summary>
    public string ElementPath { get; }

    /// <summary>The offending text as found (shortened when long), if the failure is about a value.</summary>
    public string? Value { get; }

    /// <summary>Longest value quoted in a message; longer values are cut, so that a huge text node never floods a log.</summary>
    internal const int MaxQuotedValue = 80;

    private static readonly CompositeFormat EnvelopeFormat = CompositeFormat.Parse(CamtErrorMessages.Envelope);

    internal static CamtFormatException Create(string fileName, long line, int position, string code, string path, string? value, string detail, Exception? inner = null)
    {
        var quoted = value is null ? null : Shorten(value);
        var message = string.Format(
            CultureInfo.InvariantCulture,
            EnvelopeFormat,
            fileName,
            line,
            position,
            path.Length == 0 ? "(document)" : path,
            detail);
        return new CamtFormatException(fileName, line, position, code, path, quoted, message, inner);
    }

    internal static string Shorten(string value) =>
        value.Length <= MaxQuotedValue ? value : string.Concat(value.AsSpan(0, MaxQuotedValue), "...");
}

/// <summary>The stable codes of <see cref="CamtFormatException"/> and of the camt reader's warnings.</summary>
public static class CamtErrorCodes
{
    /// <summary>Not well-formed XML (the XML parser's own message follows).</summary>
    public const string MalformedXml = "CAMT_MALFORMED_XML";

    /// <summary>The document declares a DTD; DTDs are prohibited (entity expansion attacks).</summary>
    public const string DtdProhibited = "CAMT_DTD_PROHIBITED";

    /// <summary>No <c>BkToCstmrStmt</c> or <c>BkToCstmrDbtCdtNtfctn</c> element.</summary>
    public const string NoMessage = "CAMT_NO_MESSAGE";

    /// <summary>A message without any <c>Stmt</c> or <c>Ntfctn</c>.</summary>
    public const string NoStatement = "CAMT_NO_STATEMENT";

    /// <summary>The namespace is not a camt.053 or camt.054 namespace, or does not fit the message element.</summary>
    public const string UnsupportedNamespace = "CAMT_UNSUPPORTED_NAMESPACE";

    /// <summary>A required element or attribute is absent.</summary>
    public const string MissingElement = "CAMT_MISSING_ELEMENT";

    /// <summary>An amount that is not a non-negative decimal with at most the currency's decimals.</summary>
    public const string BadAmount = "CAMT_BAD_AMOUNT";

    /// <summary>A currency code not in ISO 4217.</summary>
    public const string UnknownCurrency = "CAMT_UNKNOWN_CURRENCY";

    /// <summary>A code outside its list (<c>CdtDbtInd</c> not CRDT or DBIT, a boolean not true or false).</summary>
    public const string BadCode = "CAMT_BAD_CODE";

    /// <summary>A date or date-time that is not ISO 8601.</summary>
    public const string BadDate = "CAMT_BAD_DATE";

    /// <summary>An element's text is longer than <see cref="CamtReaderOptions.MaxElementTextLength"/>.</summary>
    public const string TextTooLong = "CAMT_TEXT_TOO_LONG";

    /// <summary>Elements nested deeper than <see cref="CamtReaderOptions.MaxDepth"/>.</summary>
    public const string TooDeep = "CAMT_TOO_DEEP";

    /// <summary>The document is longer than <see cref="CamtReaderOptions.MaxDocumentCharacters"/>.</summary>
    public const string DocumentTooLarge = "CAMT_DOCUMENT_TOO_LARGE";

    /// <summary>Warning: opening balance plus booked entries is not the closing balance.</summary>
    public const string BalanceMismatch = "CAMT_BALANCE_MISMATCH";

    /// <summary>Warning: <c>TxsSummry</c> counts or sums differ from the entries.</summary>
    public const string SummaryMismatch = "CAMT_SUMMARY_MISMATCH";

    /// <summary>Warning: the transaction details of a batch do not add up to the entry amount.</summary>
    public const string BatchMismatch = "CAMT_BATCH_MISMATCH";

    /// <summary>Warning: a batch entry whose details carry no amounts (or amounts in another currency); it is reported as one transaction.</summary>
    public const string BatchWithoutAmounts = "CAMT_BATCH_WITHOUT_AMOUNTS";

    /// <summary>Warning: entries without <c>Sts</c>; they are read as booked, which is what a statement reports.</summary>
    public const string StatusMissing = "CAMT_STATUS_MISSING";

    /// <summary>Warning: the only transaction details of an entry state another amount or direction than the entry.</summary>
    public const string DetailDiffers = "CAMT_DETAIL_DIFFERS";

    /// <summary>Warning: an <c>RF</c> creditor reference whose ISO 11649 check digits are wrong; kept as written.</summary>
    public const string BadCreditorReference = "CAMT_BAD_CREDITOR_REFERENCE";

    /// <summary>Warning: a camt version outside 001.02 to 001.13; read as the nearest known version.</summary>
    public const string UnknownVersion = "CAMT_UNKNOWN_VERSION";
}

/// <summary>Message templates of the camt reader, in one place so that tests can assert on them.</summary>
public static class CamtErrorMessages
{
    /// <summary>Every error: {0} file, {1} line, {2} position, {3} element path, {4} detail.</summary>
    public const string Envelope = "{0}:{1}:{2}: {3}: {4}";

    /// <summary>{0} the XML parser's message.</summary>
    public const string MalformedXml = "not well-formed XML: {0}";

    /// <summary>DTD found.</summary>
    public const string DtdProhibited = "the document declares a DTD, which camt files never need and the reader refuses (entity expansion).";

    /// <summary>No message element.</summary>
    public const string NoMessage = "no BkToCstmrStmt (camt.053) or BkToCstmrDbtCdtNtfctn (camt.054) element.";

    /// <summary>{0} message element.</summary>
    public const string NoStatement = "{0} holds no Stmt or Ntfctn; the schema requires at least one.";

    /// <summary>{0} namespace, {1} message element.</summary>
    public const string UnsupportedNamespace = "namespace '{0}' is not a camt.053 or camt.054 namespace fitting {1}.";

    /// <summary>{0} the missing element or attribute.</summary>
    public const string MissingElement = "required {0} is missing.";

    /// <summary>{0} text, {1} currency, {2} decimals.</summary>
    public const string BadAmount = "'{0}' is not an amount in {1}: expected a non-negative decimal with '.' and at most {2} significant decimals.";

    /// <summary>Sums out of range.</summary>
    public const string AmountOverflow = "amounts add up beyond the range the reader can hold (about 9.2e18 minor units).";

    /// <summary>{0} code.</summary>
    public const string UnknownCurrency = "'{0}' is not an ISO 4217 currency code.";

    /// <summary>{0} text, {1} allowed values.</summary>
    public const string BadCode = "'{0}' is not one of {1}.";

    /// <summary>{0} text.</summary>
    public const string BadDate = "'{0}' is not an ISO 8601 date (YYYY-MM-DD) or date-time.";

    /// <summary>{0} limit.</summary>
    public const string TextTooLong = "element text is longer than the limit of {0} characters.";

    /// <summary>{0} limit.</summary>
    public const string TooDeep = "elements are nested deeper than the limit of {0} levels.";

    /// <summary>{0} limit.</summary>
    public const string DocumentTooLarge = "the document is longer than the limit of {0} characters.";

    /// <summary>{0} statement id, {1} currency, {2} opening, {3} credits, {4} debits, {5} expected closing, {6} stated closing.</summary>
    public const string BalanceMismatch = "statement {0}: opening balance {2} {1} + booked credits {3} - booked debits {4} = {5}, but the closing balance is {6}.";

    /// <summary>{0} statement id, {1} what, {2} stated, {3} found.</summary>
    public const string SummaryMismatch = "statement {0}: TxsSummry {1} is {2}, the entries give {3}.";

    /// <summary>{0} entry number, {1} entry amount, {2} detail sum.</summary>
    public const string BatchMismatch = "entry {0}: the transaction details add up to {2}, the entry states {1}; each detail is reported with its own amount.";

    /// <summary>{0} entry number, {1} detail count, {2} currency.</summary>
    public const string BatchWithoutAmounts = "entry {0}: {1} transaction details without amounts in {2}; reported as one transaction of the entry amount.";

    /// <summary>{0} statement id, {1} count.</summary>
    public const string StatusMissing = "statement {0}: {1} entries without Sts; read as booked (BOOK).";

    /// <summary>{0} statement id, {1} opening currency, {2} closing currency.</summary>
    public const string BalanceCurrencies = "statement {0}: the opening balance is in {1} but the closing balance in {2}.";

    /// <summary>{0} entry number, {1} what, {2} entry value, {3} detail value.</summary>
    public const string DetailDiffers = "entry {0}: its only transaction details state {1} {3}, the entry {2}; the entry's value is used.";

    /// <summary>{0} reference.</summary>
    public const string BadCreditorReference = "creditor reference '{0}' starts with RF but its ISO 11649 check digits are wrong; kept as written.";

    /// <summary>{0} namespace.</summary>
    public const string UnknownVersion = "namespace '{0}' names a version outside 001.02 to 001.13; read with the rules of the known versions.";
}

/// <summary>Throw helpers of the camt reader, kept off the hot path.</summary>
[StackTraceHidden]
internal static class CamtThrow
{
    [DoesNotReturn]
    public static void Error(string fileName, long line, int position, string code, string path, string? value, string detail, Exception? inner = null) =>
        throw CamtFormatException.Create(fileName, line, position, code, path, value, detail, inner);
}
