namespace CashApp.Parsers.Common;

/// <summary>
/// Base of every bank-file parse error. The message names the file, the line (or XML element), the
/// field and what was expected against what was found. Each format has its own subclass.
/// </summary>
public abstract class BankFileFormatException : FormatException
{
    /// <summary>Creates the error.</summary>
    protected BankFileFormatException(string fileName, long lineNumber, string errorCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        ErrorCode = errorCode;
    }

    /// <summary>The file as named to the reader.</summary>
    public string FileName { get; }

    /// <summary>1-based physical line where the problem is; 0 when not known.</summary>
    public long LineNumber { get; }

    /// <summary>A stable code for the kind of failure, for tests and tooling.</summary>
    public string ErrorCode { get; }
}

/// <summary>A warning a lenient reader reports instead of failing: a known, tolerated deviation.</summary>
public sealed record ParseWarning(string FileName, long LineNumber, string Code, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{FileName}:{LineNumber}: warning {Code}: {Message}";
}
