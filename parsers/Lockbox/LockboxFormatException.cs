using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// A lockbox file (fixed-width or CSV remittance) that cannot be read: a bad record, a control total or count that
/// does not add up, a truncated file. The message names the file, the line, the record type and the field; the
/// <see cref="BankFileFormatException.ErrorCode"/> is one of the <see cref="LockboxErrors"/> codes.
/// </summary>
public sealed class LockboxFormatException : BankFileFormatException
{
    private LockboxFormatException(string fileName, long lineNumber, long byteOffset, string? recordCode, string? fieldName, string errorCode, string message)
        : base(fileName, lineNumber, errorCode, message)
    {
        ByteOffset = byteOffset;
        RecordCode = recordCode;
        FieldName = fieldName;
    }

    /// <summary>0-based offset in the file of the start of the line; -1 when not known (CSV files).</summary>
    public long ByteOffset { get; }

    /// <summary>The record type of the line (<c>6</c>, <c>4</c>, ...), when the problem is in a record.</summary>
    public string? RecordCode { get; }

    /// <summary>The layout field (or CSV column) at fault, when one is.</summary>
    public string? FieldName { get; }

    /// <summary>Fills a <see cref="LockboxErrors"/> template with invariant formatting.</summary>
    internal static string Describe(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    internal static LockboxFormatException Create(string fileName, long lineNumber, long byteOffset, string? recordCode, string? fieldName, string errorCode, string template, params object?[] args)
    {
        var what = Describe(template, args);
        var where = recordCode is null
            ? $"{fileName}:{lineNumber.ToString(CultureInfo.InvariantCulture)}: "
            : $"{fileName}:{lineNumber.ToString(CultureInfo.InvariantCulture)}: record {recordCode}: ";
        return new LockboxFormatException(fileName, lineNumber, byteOffset, recordCode, fieldName, errorCode, where + what);
    }
}

/// <summary>
/// A lockbox layout that cannot be used: not JSON, a value of the wrong shape, overlapping fields, a field past the
/// record length, a required field missing. The message names the layout file (or the name given to
/// <see cref="LockboxLayout.Parse"/>) and the field.
/// </summary>
public sealed class LockboxLayoutException : BankFileFormatException
{
    private LockboxLayoutException(string layoutFile, long lineNumber, string? recordCode, string? fieldName, string errorCode, string message, Exception? inner)
        : base(layoutFile, lineNumber, errorCode, message, inner)
    {
        RecordCode = recordCode;
        FieldName = fieldName;
    }

    /// <summary>The record type whose layout is at fault, when one is.</summary>
    public string? RecordCode { get; }

    /// <summary>The field at fault, when one is.</summary>
    public string? FieldName { get; }

    internal static LockboxLayoutException Create(string layoutFile, string? recordCode, string? fieldName, string errorCode, string template, params object?[] args) =>
        Create(layoutFile, 0, null, recordCode, fieldName, errorCode, template, args);

    internal static LockboxLayoutException Create(string layoutFile, long lineNumber, Exception? inner, string? recordCode, string? fieldName, string errorCode, string template, params object?[] args)
    {
        var what = string.Format(CultureInfo.InvariantCulture, template, args);
        var where = lineNumber > 0 ? $"{layoutFile}:{lineNumber.ToString(CultureInfo.InvariantCulture)}: " : $"{layoutFile}: ";
        return new LockboxLayoutException(layoutFile, lineNumber, recordCode, fieldName, errorCode, "lockbox layout " + where + what, inner);
    }
}

/// <summary>Throw helpers that keep the reader's hot path free of exception construction.</summary>
[StackTraceHidden]
internal static class LockboxThrow
{
    [DoesNotReturn]
    public static void Format(string fileName, long lineNumber, long byteOffset, byte recordType, string? fieldName, string errorCode, string template, params object?[] args) =>
        throw LockboxFormatException.Create(fileName, lineNumber, byteOffset, RecordCode(recordType), fieldName, errorCode, template, args);

    [DoesNotReturn]
    public static void FileLevel(string fileName, long lineNumber, long byteOffset, string errorCode, string template, params object?[] args) =>
        throw LockboxFormatException.Create(fileName, lineNumber, byteOffset, null, null, errorCode, template, args);

    [DoesNotReturn]
    public static void Layout(string layoutFile, string? recordCode, string? fieldName, string errorCode, string template, params object?[] args) =>
        throw LockboxLayoutException.Create(layoutFile, recordCode, fieldName, errorCode, template, args);

    internal static string RecordCode(byte recordType) =>
        recordType is >= 0x21 and < 0x7F ? ((char)recordType).ToString() : "0x" + recordType.ToString("X2", CultureInfo.InvariantCulture);
}
