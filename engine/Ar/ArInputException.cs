using CashApp.Engine.Model;

namespace CashApp.Engine.Ar;

/// <summary>
/// A row of an AR input file (<c>open_items.csv</c>, <c>customers.csv</c>) that cannot be used. The message
/// names the file, the line, the column, the value and what was expected.
/// </summary>
public sealed class ArInputException : FormatException
{
    private ArInputException(string fileName, long lineNumber, string column, string? value, string expected)
        : this(fileName, lineNumber, column, value is null
            ? $"{Shown(fileName)}:{lineNumber}: column '{Shown(column)}': {expected}."
            : $"{Shown(fileName)}:{lineNumber}: column '{Shown(column)}': value '{Shown(value)}' is not valid: expected {expected}.")
    {
        Value = value;
    }

    private ArInputException(string fileName, long lineNumber, string column, string message)
        : base(message)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Column = column;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>1-based line of the row.</summary>
    public long LineNumber { get; }

    /// <summary>The column's header name; empty for a row that is not CSV where the reader does not say which field.</summary>
    public string Column { get; }

    /// <summary>The offending value, if the problem is a value.</summary>
    public string? Value { get; }

    internal static ArInputException BadValue(string fileName, long lineNumber, string column, string value, string expected) =>
        new(fileName, lineNumber, column, value, expected);

    internal static ArInputException MissingColumn(string fileName, string column) =>
        new(fileName, 1, column, null, "the header row has no such column");

    /// <summary>
    /// A row that is not CSV the reader can read, from the row's line on: a quoted field that never closes, a quote
    /// inside a quoted field not doubled, or a row past the reader's buffer. <paramref name="column"/> is the header's
    /// name of the field where the reader stopped, or empty when it does not say.
    /// </summary>
    internal static ArInputException Malformed(string fileName, long lineNumber, string column, string found, string expected) =>
        new(fileName, lineNumber, column, column.Length == 0
            ? $"{Shown(fileName)}:{lineNumber}: the row is not valid CSV ({found}): expected {expected}."
            : $"{Shown(fileName)}:{lineNumber}: column '{Shown(column)}': the row is not valid CSV ({found}): expected {expected}.");

    /// <summary>
    /// A value or column name as a message shows it, its control characters escaped (<see cref="ControlCharacters.Escaped"/>).
    /// <see cref="Value"/> and <see cref="Column"/> keep the text as read.
    /// </summary>
    internal static string Shown(string value) => ControlCharacters.Escaped(value);

    /// <summary>Whether <paramref name="text"/> holds a control character (<see cref="char.IsControl(char)"/>: C0, DEL, C1).</summary>
    internal static bool HasControl(ReadOnlySpan<char> text) => ControlCharacters.FirstIn(text) >= 0;

    internal static ArInputException Empty(string fileName) =>
        new(fileName, 1, string.Empty, $"{Shown(fileName)}:1: the file is empty: expected a header row naming the columns, then a row per record.");

    internal static ArInputException DuplicateColumn(string fileName, string column, int first, int second) =>
        new(fileName, 1, column, null, $"the header row names it twice (columns {first} and {second}): expected each column once");

    internal static ArInputException Duplicate(string fileName, long lineNumber, string column, string value, long firstLine) =>
        new(fileName, lineNumber, column, value, $"a unique key, but line {firstLine} already has it");
}
