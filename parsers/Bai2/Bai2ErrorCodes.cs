namespace CashApp.Parsers.Bai2;

/// <summary>
/// The stable codes of <see cref="Bai2FormatException.ErrorCode"/> and of lenient-mode
/// <see cref="Common.ParseWarning.Code"/>. A deviation that lenient mode accepts has the same code as the error
/// strict mode raises for it.
/// </summary>
public static class Bai2ErrorCodes
{
    /// <summary>The file ends before its <c>99</c> file trailer, or inside a record.</summary>
    public const string Truncated = "BAI2_TRUNCATED";

    /// <summary>A record code that is not one of 01, 02, 03, 16, 49, 88, 98, 99.</summary>
    public const string UnknownRecord = "BAI2_UNKNOWN_RECORD";

    /// <summary>A record where the structure does not allow it (a 16 outside an account, a second 01, ...).</summary>
    public const string RecordOrder = "BAI2_RECORD_ORDER";

    /// <summary>A required field is empty or missing.</summary>
    public const string FieldRequired = "BAI2_FIELD_REQUIRED";

    /// <summary>An amount, count or number field that is not a number of the allowed form.</summary>
    public const string BadNumber = "BAI2_BAD_NUMBER";

    /// <summary>A date that is not a valid YYMMDD date.</summary>
    public const string BadDate = "BAI2_BAD_DATE";

    /// <summary>A time that is not a valid HHMM time.</summary>
    public const string BadTime = "BAI2_BAD_TIME";

    /// <summary>A type code that is not three digits, or one a transaction detail cannot carry.</summary>
    public const string BadTypeCode = "BAI2_BAD_TYPE_CODE";

    /// <summary>A funds type other than 0, 1, 2, S, V, D, Z or blank, or its fields malformed.</summary>
    public const string BadFundsType = "BAI2_BAD_FUNDS_TYPE";

    /// <summary>A currency code that is not a known ISO 4217 code.</summary>
    public const string BadCurrency = "BAI2_BAD_CURRENCY";

    /// <summary>A field value outside its allowed set (group status, version, as-of-date modifier).</summary>
    public const string BadValue = "BAI2_BAD_VALUE";

    /// <summary>A control total in 49, 98 or 99 that differs from the sum of what it covers.</summary>
    public const string ControlTotal = "BAI2_CONTROL_TOTAL";

    /// <summary>A record count in 49, 98 or 99 that differs from the records it covers.</summary>
    public const string RecordCount = "BAI2_RECORD_COUNT";

    /// <summary>A 49 record count that matches only when the 88 continuation records are left out.</summary>
    public const string RecordCountWithout88 = "BAI2_RECORD_COUNT_WITHOUT_88";

    /// <summary>The number of accounts in a 98 differs from the accounts in the group.</summary>
    public const string AccountCount = "BAI2_ACCOUNT_COUNT";

    /// <summary>The number of groups in the 99 differs from the groups in the file.</summary>
    public const string GroupCount = "BAI2_GROUP_COUNT";

    /// <summary>A 98 group trailer with two fields (total and record count), the number of accounts left out.</summary>
    public const string GroupTrailerTwoFields = "BAI2_GROUP_TRAILER_TWO_FIELDS";

    /// <summary>More fields than the record type has.</summary>
    public const string TooManyFields = "BAI2_TOO_MANY_FIELDS";

    /// <summary>Something other than spaces after the '/' that ends a record.</summary>
    public const string DataAfterDelimiter = "BAI2_DATA_AFTER_DELIMITER";

    /// <summary>Several records on one physical line, each ended by '/'.</summary>
    public const string SeveralRecordsOnLine = "BAI2_SEVERAL_RECORDS_ON_LINE";

    /// <summary>An empty physical line.</summary>
    public const string BlankLine = "BAI2_BLANK_LINE";

    /// <summary>A continuation record written <c>88</c> followed by something other than a comma.</summary>
    public const string MalformedContinuation = "BAI2_MALFORMED_CONTINUATION";

    /// <summary>A continuation record with no record before it to continue.</summary>
    public const string OrphanContinuation = "BAI2_ORPHAN_CONTINUATION";

    /// <summary>Data after the 99 file trailer.</summary>
    public const string DataAfterFileTrailer = "BAI2_DATA_AFTER_FILE_TRAILER";

    /// <summary>A logical record longer than the reader accepts (it keeps memory bounded).</summary>
    public const string RecordTooLong = "BAI2_RECORD_TOO_LONG";

    /// <summary>A byte that is neither printable ASCII nor UTF-8 text.</summary>
    public const string BadCharacter = "BAI2_BAD_CHARACTER";
}
