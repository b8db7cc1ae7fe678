using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>CSV remittance reader. (Placeholder.)</summary>
public static class LockboxCsvReader
{
    /// <summary>Streams one payment per CSV row group.</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("lockbox CSV reader not yet built.");
}
