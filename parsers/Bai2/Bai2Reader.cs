using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>Options of the BAI2 reader.</summary>
public sealed record Bai2ReaderOptions
{
    /// <summary>Accept known bank deviations, reporting each as a warning.</summary>
    public bool Lenient { get; init; }
}

/// <summary>Streaming BAI2 reader. (Placeholder: replaced by the full reader of issue 3.)</summary>
public static class Bai2Reader
{
    /// <summary>Streams the transactions (16 records) of a BAI2 file.</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, Bai2ReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("BAI2 reader not yet built.");
}
