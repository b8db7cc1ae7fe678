namespace CashApp.Parsers.Lockbox;

/// <summary>
/// The stable error codes and message templates of the lockbox readers and of layout loading, in one place so
/// that tests and tooling can rely on them. A template's placeholders are filled with
/// <see cref="string.Format(IFormatProvider, string, object[])"/> and the invariant culture; the exception
/// message then prefixes <c>file:line: record T:</c>.
/// </summary>
public static class LockboxErrors
{
    // ---- file structure --------------------------------------------------------------------------------

    /// <summary>Code: the file has no records at all.</summary>
    public const string EmptyFileCode = "LBX_EMPTY_FILE";

    /// <summary>Template: the file has no records.</summary>
    public const string EmptyFile = "the file holds no lockbox records";

    /// <summary>Code: the first record is not the type 1 header.</summary>
    public const string MissingHeaderCode = "LBX_MISSING_HEADER";

    /// <summary>Template {0}: the record type found first.</summary>
    public const string MissingHeader = "the first record must be the immediate address header (type 1), found type '{0}'";

    /// <summary>Code: a second type 1 header.</summary>
    public const string DuplicateHeaderCode = "LBX_DUPLICATE_HEADER";

    /// <summary>Template {0}: the line of the first header.</summary>
    public const string DuplicateHeader = "a second immediate address header (type 1); the first is on line {0}";

    /// <summary>Code: the file ends without the type 9 trailer.</summary>
    public const string MissingTrailerCode = "LBX_MISSING_TRAILER";

    /// <summary>Template {0}: the number of records read.</summary>
    public const string MissingTrailer = "the file ends after {0} records without the destination trailer (type 9): truncated file";

    /// <summary>Code: a record after the type 9 trailer.</summary>
    public const string RecordAfterTrailerCode = "LBX_RECORD_AFTER_TRAILER";

    /// <summary>Template {0}: the line of the trailer.</summary>
    public const string RecordAfterTrailer = "a record after the destination trailer (type 9) on line {0}";

    /// <summary>Code: a record type neither standard nor named by the layout.</summary>
    public const string UnknownRecordTypeCode = "LBX_UNKNOWN_RECORD_TYPE";

    /// <summary>Template {0}: the record type; {1}: the layout name.</summary>
    public const string UnknownRecordType = "record type '{0}' is not a lockbox record type and layout '{1}' does not name it";

    /// <summary>Code: a line longer than the layout's record length.</summary>
    public const string LineTooLongCode = "LBX_LINE_TOO_LONG";

    /// <summary>Template {0}: the line's length; {1}: the record length; {2}: the layout name.</summary>
    public const string LineTooLong = "the line is {0} characters, longer than the record length {1} of layout '{2}'";

    // ---- batches and checks ----------------------------------------------------------------------------

    /// <summary>Code: a detail (type 6) outside a batch.</summary>
    public const string DetailOutsideBatchCode = "LBX_DETAIL_OUTSIDE_BATCH";

    /// <summary>Template: a detail outside a batch.</summary>
    public const string DetailOutsideBatch = "a check detail (type 6) outside a batch: no batch header (type 5) is open";

    /// <summary>Code: an overflow (type 4) with no check before it.</summary>
    public const string OverflowWithoutCheckCode = "LBX_OVERFLOW_WITHOUT_CHECK";

    /// <summary>Template: an overflow with no check.</summary>
    public const string OverflowWithoutCheck = "an overflow record (type 4) that does not follow a check detail (type 6)";

    /// <summary>Code: an overflow that names another check.</summary>
    public const string OverflowCheckMismatchCode = "LBX_OVERFLOW_CHECK_MISMATCH";

    /// <summary>Template {0}: field; {1}: the overflow's value; {2}: the check's value; {3}: the check's line.</summary>
    public const string OverflowCheckMismatch = "overflow {0} is '{1}' but the check it follows (line {3}) has {0} '{2}'";

    /// <summary>Code: an overflow out of sequence.</summary>
    public const string OverflowSequenceCode = "LBX_OVERFLOW_SEQUENCE";

    /// <summary>Template {0}: the sequence found; {1}: the sequence expected.</summary>
    public const string OverflowSequence = "overflow sequence is {0} but {1} was expected";

    /// <summary>Code: an overflow after the one marked last.</summary>
    public const string OverflowAfterLastCode = "LBX_OVERFLOW_AFTER_LAST";

    /// <summary>Template {0}: the line of the overflow marked last.</summary>
    public const string OverflowAfterLast = "an overflow record after the one marked last ('9') on line {0}";

    /// <summary>Code (warning): a check's overflow records end without one marked last.</summary>
    public const string OverflowNoLastCode = "LBX_OVERFLOW_NO_LAST";

    /// <summary>Template {0}: the number of overflow records.</summary>
    public const string OverflowNoLast = "the check's {0} overflow record(s) end without one marked last ('9')";

    /// <summary>Code (warning): an invoice amount with a blank invoice number, skipped.</summary>
    public const string InvoiceAmountWithoutNumberCode = "LBX_INVOICE_AMOUNT_WITHOUT_NUMBER";

    /// <summary>Template {0}: the amount field; {1}: the amount as written.</summary>
    public const string InvoiceAmountWithoutNumber = "{0} is {1} but its invoice number is blank; the line is skipped";

    /// <summary>Code: a batch header while a batch is open, or a total while a batch is open.</summary>
    public const string BatchNotClosedCode = "LBX_BATCH_NOT_CLOSED";

    /// <summary>Template {0}: the line of the open batch's header.</summary>
    public const string BatchNotClosed = "the batch opened on line {0} has no batch total (type 7)";

    /// <summary>Code: a batch total with no batch open.</summary>
    public const string BatchTotalWithoutBatchCode = "LBX_BATCH_TOTAL_WITHOUT_BATCH";

    /// <summary>Template: a batch total with no batch open.</summary>
    public const string BatchTotalWithoutBatch = "a batch total (type 7) with no batch header (type 5) open";

    /// <summary>Code: a lockbox's batches not closed by a lockbox total.</summary>
    public const string LockboxNotClosedCode = "LBX_LOCKBOX_NOT_CLOSED";

    /// <summary>Template {0}: the lockbox; {1}: its number of batches.</summary>
    public const string LockboxNotClosed = "lockbox {0} has {1} batch(es) and no lockbox total (type 8)";

    /// <summary>Code: a lockbox total naming another lockbox.</summary>
    public const string LockboxMismatchCode = "LBX_LOCKBOX_MISMATCH";

    /// <summary>Template {0}: the total's lockbox; {1}: the batches' lockbox.</summary>
    public const string LockboxMismatch = "the lockbox total is for lockbox {0} but its batches are for lockbox {1}";

    // ---- control totals --------------------------------------------------------------------------------

    /// <summary>Code: batch item count mismatch.</summary>
    public const string BatchCountMismatchCode = "LBX_BATCH_COUNT_MISMATCH";

    /// <summary>Template {0}: the count written; {1}: the checks counted.</summary>
    public const string BatchCountMismatch = "batch_count is {0} but the batch has {1} check(s)";

    /// <summary>Code: batch amount mismatch.</summary>
    public const string BatchAmountMismatchCode = "LBX_BATCH_AMOUNT_MISMATCH";

    /// <summary>Template {0}: the amount written; {1}: the sum of the checks (both in cents).</summary>
    public const string BatchAmountMismatch = "batch_amount is {0} but the batch's checks add up to {1}";

    /// <summary>Code: lockbox count mismatch.</summary>
    public const string LockboxCountMismatchCode = "LBX_LOCKBOX_COUNT_MISMATCH";

    /// <summary>Template {0}: the count written; {1}: the checks counted.</summary>
    public const string LockboxCountMismatch = "lockbox_count is {0} but the lockbox has {1} check(s)";

    /// <summary>Code: lockbox amount mismatch.</summary>
    public const string LockboxAmountMismatchCode = "LBX_LOCKBOX_AMOUNT_MISMATCH";

    /// <summary>Template {0}: the amount written; {1}: the sum of the checks (both in cents).</summary>
    public const string LockboxAmountMismatch = "lockbox_amount is {0} but the lockbox's checks add up to {1}";

    /// <summary>Code: record count mismatch.</summary>
    public const string RecordCountMismatchCode = "LBX_RECORD_COUNT_MISMATCH";

    /// <summary>Template {0}: the count written; {1}: the records counted, the trailer included.</summary>
    public const string RecordCountMismatch = "record_count is {0} but the file has {1} record(s)";

    // ---- field values ----------------------------------------------------------------------------------

    /// <summary>Code: a number field that is not digits.</summary>
    public const string BadNumberCode = "LBX_BAD_NUMBER";

    /// <summary>Template {0}: field; {1}: the text found.</summary>
    public const string BadNumber = "{0} must be digits, found '{1}'";

    /// <summary>Code: a required field that is blank.</summary>
    public const string BlankFieldCode = "LBX_BLANK_FIELD";

    /// <summary>Template {0}: field.</summary>
    public const string BlankField = "{0} is blank";

    /// <summary>Code: a date field that is not a YYMMDD date.</summary>
    public const string BadDateCode = "LBX_BAD_DATE";

    /// <summary>Template {0}: field; {1}: the text found.</summary>
    public const string BadDate = "{0} must be a YYMMDD date, found '{1}'";

    // ---- CSV remittance files --------------------------------------------------------------------------

    /// <summary>Code: a mapped column missing from the CSV header.</summary>
    public const string CsvMissingColumnCode = "LBX_CSV_MISSING_COLUMN";

    /// <summary>Template {0}: the mapped name; {1}: the column header.</summary>
    public const string CsvMissingColumn = "the header has no column '{1}' (mapped to {0})";

    /// <summary>Code: a CSV amount that is not a decimal amount.</summary>
    public const string CsvBadAmountCode = "LBX_CSV_BAD_AMOUNT";

    /// <summary>Template {0}: column; {1}: the text found; {2}: currency.</summary>
    public const string CsvBadAmount = "column '{0}' must be an amount in {2}, found '{1}'";

    /// <summary>Template {0}: column; {1}: the text found; {2}: the layout's date format (code <see cref="BadDateCode"/>).</summary>
    public const string CsvBadDate = "column '{0}' must be a date as {2}, found '{1}'";

    /// <summary>Code: rows of one check disagree on the check's amount or payer.</summary>
    public const string CsvCheckMismatchCode = "LBX_CSV_CHECK_MISMATCH";

    /// <summary>Template {0}: payment reference; {1}: column; {2}: this row's value; {3}: the check's first row; {4}: its value.</summary>
    public const string CsvCheckMismatch = "check {0}: column '{1}' is '{2}' but the check's first row (line {3}) has '{4}'";

    /// <summary>Code: the rows of a check are not adjacent.</summary>
    public const string CsvCheckNotAdjacentCode = "LBX_CSV_CHECK_NOT_ADJACENT";

    /// <summary>Template {0}: payment reference.</summary>
    public const string CsvCheckNotAdjacent = "check {0} appeared earlier in the file; the rows of one check must be adjacent";

    /// <summary>Code: a CSV file that Sylvan cannot read.</summary>
    public const string CsvMalformedCode = "LBX_CSV_MALFORMED";

    /// <summary>Template {0}: the reason.</summary>
    public const string CsvMalformed = "malformed CSV: {0}";

    // ---- layouts ---------------------------------------------------------------------------------------

    /// <summary>Code: a layout file that cannot be read or is not JSON.</summary>
    public const string LayoutUnreadableCode = "LBX_LAYOUT_UNREADABLE";

    /// <summary>Template {0}: the reason.</summary>
    public const string LayoutUnreadable = "cannot read the layout: {0}";

    /// <summary>Code: a layout value of the wrong JSON shape or an unknown property.</summary>
    public const string LayoutBadValueCode = "LBX_LAYOUT_BAD_VALUE";

    /// <summary>Template {0}: JSON path; {1}: what was expected.</summary>
    public const string LayoutBadValue = "{0}: {1}";

    /// <summary>Code: a field that overlaps another.</summary>
    public const string LayoutOverlapCode = "LBX_LAYOUT_OVERLAP";

    /// <summary>Template {0}: record; {1}, {2}: field; {3}, {4}: their columns.</summary>
    public const string LayoutOverlap = "record {0}: field {1} (columns {3}) overlaps field {2} (columns {4})";

    /// <summary>Code: a field past the record length, or over column 1.</summary>
    public const string LayoutFieldOutOfRecordCode = "LBX_LAYOUT_FIELD_OUT_OF_RECORD";

    /// <summary>Template {0}: record; {1}: field; {2}: its columns; {3}: the record length.</summary>
    public const string LayoutFieldOutOfRecord = "record {0}: field {1} (columns {2}) does not fit columns 2-{3} (column 1 is the record type; the record length is {3})";

    /// <summary>Code: a required field the layout lacks.</summary>
    public const string LayoutMissingFieldCode = "LBX_LAYOUT_MISSING_FIELD";

    /// <summary>Template {0}: record; {1}: field; {2}: why the reader needs it.</summary>
    public const string LayoutMissingField = "record {0} has no field {1}, which the reader needs for {2}";

    /// <summary>Code: a reader field in a record where the reader does not look for it.</summary>
    public const string LayoutMisplacedFieldCode = "LBX_LAYOUT_MISPLACED_FIELD";

    /// <summary>Template {0}: record; {1}: field; {2}: where it belongs.</summary>
    public const string LayoutMisplacedField = "record {0}: field {1} is data the reader takes only from {2}";

    /// <summary>Code: invoice fields that are not numbered 1..N in pairs.</summary>
    public const string LayoutInvoiceNumberingCode = "LBX_LAYOUT_INVOICE_NUMBERING";

    /// <summary>Template {0}: record; {1}: field; {2}: the problem.</summary>
    public const string LayoutInvoiceNumbering = "record {0}: field {1}: {2}";

    /// <summary>Code: a bad CSV mapping.</summary>
    public const string LayoutCsvMappingCode = "LBX_LAYOUT_CSV_MAPPING";

    /// <summary>Template {0}: the problem.</summary>
    public const string LayoutCsvMapping = "csv: {0}";
}
