using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// A BAI2 file that cannot be read: a bad field, records out of order, a control total or record count that does
/// not add up, or a truncated file. The message names the file, the physical line, the record type, the field,
/// and what was expected against what was found.
/// </summary>
public sealed class Bai2FormatException : BankFileFormatException
{
    internal Bai2FormatException(string fileName, long lineNumber, long byteOffset, string recordCode, int fieldIndex, string errorCode, string message)
        : base(fileName, lineNumber, errorCode, message)
    {
        ByteOffset = byteOffset;
        RecordCode = recordCode;
        FieldIndex = fieldIndex;
    }

    /// <summary>0-based offset in the file of the first byte of the record where the problem is.</summary>
    public long ByteOffset { get; }

    /// <summary>The two-digit record code (<c>01</c>, <c>16</c>, ...) of the record where the problem is; empty when none.</summary>
    public string RecordCode { get; }

    /// <summary>
    /// 0-based index of the field in the logical record, the record code being field 0; -1 when the problem is
    /// not in one field (a missing record, a truncated file).
    /// </summary>
    public int FieldIndex { get; }
}
