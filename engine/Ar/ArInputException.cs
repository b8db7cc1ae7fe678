namespace CashApp.Engine.Ar;

/// <summary>
/// A row of an AR input file (<c>open_items.csv</c>, <c>customers.csv</c>) that cannot be used. The message
/// names the file, the line, the column, the value and what was expected.
/// </summary>
public sealed class ArInputException : FormatException
{
    private ArInputException(string fileName, long lineNumber, string column, string? value, string expected)
        : base(value is null
            ? $"{fileName}:{lineNumber}: column '{column}': {expected}."
            : $"{fileName}:{lineNumber}: column '{column}': value '{value}' is not valid: expected {expected}.")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Column = column;
        Value = value;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>1-based line of the row.</summary>
    public long LineNumber { get; }

    /// <summary>The column's header name.</summary>
    public string Column { get; }

    /// <summary>The offending value, if the problem is a value.</summary>
    public string? Value { get; }

    internal static ArInputException BadValue(string fileName, long lineNumber, string column, string value, string expected) =>
        new(fileName, lineNumber, column, value, expected);

    internal static ArInputException MissingColumn(string fileName, string column) =>
        new(fileName, 1, column, null, "the header row has no such column");

    internal static ArInputException Duplicate(string fileName, long lineNumber, string column, string value, long firstLine) =>
        new(fileName, lineNumber, column, value, $"a unique key, but line {firstLine} already has it");
}
