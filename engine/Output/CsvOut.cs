using System.Text;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Output;

/// <summary>
/// Writes string rows as RFC 4180 CSV with a header row, through Sylvan's writer: every CSV CashApp writes
/// (applications.csv, exceptions.csv, <c>cashapp parse</c>, the store's export) goes through here. Fields are
/// quoted only when they hold a comma, a quote or a line break, or start with '#' (which some readers take for
/// a comment); null and empty are written as nothing.
/// (A hand-written UTF-8 writer was no faster: <c>CsvBenchmarks</c> in PERFORMANCE.md.)
/// </summary>
public static class CsvOut
{
    /// <summary>
    /// The longest row written, and so the most a reader of these files must let Sylvan's buffer grow to
    /// (<c>CsvDataReaderOptions.MaxBufferSize</c>). Sylvan holds a whole row in its buffer, 16K characters unless let grow: a
    /// row past that stopped a run after matching with an unhandled exception, where an open_items.csv row may hold an id
    /// of 65,000 characters and an exceptions row lists several suggested ids. Grown only for such a row.
    /// </summary>
    public const int MaxRowChars = 1 << 26;

    private static readonly CsvDataWriterOptions Options = new() { WriteHeaders = true, NewLine = "\n", MaxBufferSize = MaxRowChars };

    /// <summary>Writes the rows to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<string> columns, IEnumerable<string?[]> rows)
    {
        using var csv = CsvDataWriter.Create(writer, Options);
        using var reader = new StringRowReader(columns, rows);
        csv.Write(reader);
    }

    /// <summary>Writes the rows to a new file at <paramref name="path"/> (UTF-8, no byte order mark).</summary>
    public static void WriteFile(string path, IReadOnlyList<string> columns, IEnumerable<string?[]> rows)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        Write(writer, columns, rows);
    }
}
