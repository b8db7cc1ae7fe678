using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>Options of the camt reader.</summary>
public sealed record CamtReaderOptions
{
    /// <summary>Longest text of one element, in characters.</summary>
    public int MaxElementTextLength { get; init; } = 1 << 20;
}

/// <summary>Streaming camt.053/054 reader. (Placeholder: replaced by the full reader of issue 4.)</summary>
public static class CamtReader
{
    /// <summary>Streams the transactions of a camt.053 or camt.054 document.</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("camt reader not yet built.");
}
