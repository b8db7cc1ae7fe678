using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// Every message template of the BAI2 reader, in one place. A message is <see cref="Location"/> filled with the
/// file, line, record and field, followed by one of the detail templates, which say what was expected against
/// what was found. Tests assert on these constants.
/// </summary>
public static class Bai2ErrorMessages
{
    /// <summary>{0} file, {1} line number, {2} record name, {3} record code, {4} field, {5} detail.</summary>
    public const string Location = "{0}:{1}: {2} record ({3}), {4}: {5}";

    /// <summary>{0} file, {1} line number, {2} detail: for a problem that is in no record (an empty line, the end of the file).</summary>
    public const string LineLocation = "{0}:{1}: {2}";

    /// <summary>{0} what the reader expected at the end of the file.</summary>
    public const string Truncated = "the file ends before {0}; a truncated file is never read in part";

    /// <summary>{0} record code found.</summary>
    public const string UnknownRecord = "expected a record code 01, 02, 03, 16, 49, 88, 98 or 99, found '{0}'";

    /// <summary>{0} what may come here, {1} the record found.</summary>
    public const string RecordOrder = "expected {0}, found a {1} record";

    /// <summary>{0} what the field holds.</summary>
    public const string FieldRequired = "expected {0}, found an empty field";

    /// <summary>{0} form expected, {1} found.</summary>
    public const string BadNumber = "expected {0}, found '{1}'";

    /// <summary>{0} found.</summary>
    public const string BadDate = "expected a date YYMMDD, found '{0}'";

    /// <summary>{0} found.</summary>
    public const string BadTime = "expected a time HHMM (0000 to 2400, or 9999 for end of day), found '{0}'";

    /// <summary>{0} what was expected, {1} found.</summary>
    public const string BadTypeCode = "expected {0}, found '{1}'";

    /// <summary>{0} found.</summary>
    public const string BadFundsType = "expected a funds type 0, 1, 2, S, V, D, Z or blank, found '{0}'";

    /// <summary>{0} found.</summary>
    public const string BadCurrency = "expected an ISO 4217 currency code, found '{0}'";

    /// <summary>{0} allowed values, {1} found.</summary>
    public const string BadValue = "expected {0}, found '{1}'";

    /// <summary>{0} computed total, {1} what it sums, {2} total in the record.</summary>
    public const string ControlTotal = "expected the control total {0} (the sum of {1}), found {2}";

    /// <summary>{0} computed count, {1} what it counts, {2} count in the record.</summary>
    public const string RecordCount = "expected {0} records ({1}), found {2}";

    /// <summary>{0} computed count with 88s, {1} count in the record.</summary>
    public const string RecordCountWithout88 = "expected {0} records counting the 88 continuation records, found {1}, the count without them";

    /// <summary>{0} computed number of accounts, {1} number in the record.</summary>
    public const string AccountCount = "expected {0} accounts in the group, found {1}";

    /// <summary>{0} computed number of groups, {1} number in the record.</summary>
    public const string GroupCount = "expected {0} groups in the file, found {1}";

    /// <summary>No arguments.</summary>
    public const string GroupTrailerTwoFields = "expected three fields (control total, number of accounts, number of records), found two";

    /// <summary>{0} number of fields the record has, {1} the extra text.</summary>
    public const string TooManyFields = "expected at most {0} fields, found more: '{1}'";

    /// <summary>{0} what follows the '/'.</summary>
    public const string DataAfterDelimiter = "expected only spaces after the '/' that ends the record, found '{0}'";

    /// <summary>{0} the start of the further record.</summary>
    public const string SeveralRecordsOnLine = "expected one record per physical line, found a further record '{0}' after a '/' on the same line";

    /// <summary>
    /// Ends the message of a strict read's error when lenient reading accepts the deviation as a warning, so that
    /// the person who reads it knows the way through (and that it is a choice: lenient never guesses an amount).
    /// </summary>
    public const string AcceptedWhenLenient = "; a known bank deviation, which lenient reading (cashapp --lenient) accepts as a warning";

    /// <summary>No arguments.</summary>
    public const string BlankLine = "expected a record, found an empty line";

    /// <summary>{0} the start of the line.</summary>
    public const string MalformedContinuation = "expected a continuation record starting '88,', found '{0}'";

    /// <summary>No arguments.</summary>
    public const string OrphanContinuation = "expected a record before the 88 continuation record, found none";

    /// <summary>{0} what follows.</summary>
    public const string DataAfterFileTrailer = "expected the end of the file after the 99 file trailer, found '{0}'";

    /// <summary>{0} the limit in bytes.</summary>
    public const string RecordTooLong = "expected a logical record of at most {0} bytes, found a longer one";

    /// <summary>{0} the byte.</summary>
    public const string BadCharacter = "expected text, found the byte 0x{0:X2}";

    /// <summary>The name of a record type, from its code.</summary>
    public static string RecordName(string code) => code switch
    {
        "01" => "file header",
        "02" => "group header",
        "03" => "account identifier",
        "16" => "transaction detail",
        "49" => "account trailer",
        "88" => "continuation",
        "98" => "group trailer",
        "99" => "file trailer",
        _ => "unknown",
    };

    /// <summary>Formats a template with the invariant culture.</summary>
    public static string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>Shows raw field bytes in a message: at most 40 characters, control bytes escaped.</summary>
    public static string Show(ReadOnlySpan<byte> raw)
    {
        var builder = new StringBuilder();
        foreach (var b in raw.Length > 40 ? raw[..40] : raw)
        {
            if (b is >= 0x20 and < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        if (raw.Length > 40)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}

/// <summary>Where in a file an error or warning is.</summary>
internal readonly record struct Bai2Location(string FileName, long LineNumber, long ByteOffset, string RecordCode, int FieldIndex, string? FieldName = null)
{
    /// <summary>The message without the file and line, for a warning (which carries them itself).</summary>
    public string ShortMessage(string detail)
    {
        var full = Message(detail);
        var prefix = $"{FileName}:{LineNumber.ToString(CultureInfo.InvariantCulture)}: ";
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full[prefix.Length..] : full;
    }

    /// <summary>The full message for a detail text.</summary>
    public string Message(string detail)
    {
        if (RecordCode.Length == 0)
        {
            return Bai2ErrorMessages.Format(Bai2ErrorMessages.LineLocation, FileName, LineNumber, detail);
        }

        var field = FieldIndex < 0 ? "record" : $"field {FieldIndex.ToString(CultureInfo.InvariantCulture)} ({FieldName ?? Bai2Fields.Name(RecordCode, FieldIndex)})";
        return Bai2ErrorMessages.Format(Bai2ErrorMessages.Location, FileName, LineNumber, Bai2ErrorMessages.RecordName(RecordCode), RecordCode, field, detail);
    }
}

/// <summary>Throw helpers of the BAI2 reader, kept off the hot path.</summary>
[StackTraceHidden]
internal static class Bai2Throw
{
    [DoesNotReturn]
    public static void Format(Bai2Location location, string errorCode, string detail) =>
        throw Create(location, errorCode, detail);

    public static Bai2FormatException Create(Bai2Location location, string errorCode, string detail) =>
        new(location.FileName, location.LineNumber, location.ByteOffset, location.RecordCode, location.FieldIndex, errorCode, location.Message(detail));
}

/// <summary>The names of the fields of each record type, for messages.</summary>
internal static class Bai2Fields
{
    private static readonly string[] FileHeader = ["record code", "sender identification", "receiver identification", "file creation date", "file creation time", "file identification number", "physical record length", "block size", "version number"];
    private static readonly string[] GroupHeader = ["record code", "ultimate receiver identification", "originator identification", "group status", "as-of date", "as-of time", "currency code", "as-of-date modifier"];
    private static readonly string[] Detail = ["record code", "type code", "amount", "funds type"];
    private static readonly string[] AccountTrailer = ["record code", "account control total", "number of records"];
    private static readonly string[] GroupTrailer = ["record code", "group control total", "number of accounts", "number of records"];
    private static readonly string[] FileTrailer = ["record code", "file control total", "number of groups", "number of records"];

    /// <summary>The name of field <paramref name="index"/> of a record type.</summary>
    public static string Name(string code, int index)
    {
        string[]? names = code switch
        {
            "01" => FileHeader,
            "02" => GroupHeader,
            "16" => Detail,
            "49" => AccountTrailer,
            "98" => GroupTrailer,
            "99" => FileTrailer,
            _ => null,
        };

        if (names is not null && index < names.Length)
        {
            return names[index];
        }

        return code switch
        {
            "03" when index == 0 => "record code",
            "03" when index == 1 => "customer account number",
            "03" when index == 2 => "currency code",
            "03" => ((index - 3) % 4) switch
            {
                0 => "summary type code",
                1 => "summary amount",
                2 => "item count",
                _ => "funds type",
            },
            "16" => "detail field",
            "88" => "continuation text",
            _ => "field",
        };
    }
}
