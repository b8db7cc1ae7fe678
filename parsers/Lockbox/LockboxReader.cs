using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>A lockbox transmission layout. (Placeholder: replaced by issue 5.)</summary>
public sealed class LockboxLayout
{
    /// <summary>The built-in default layout of LOCKBOX.md.</summary>
    public static LockboxLayout Default { get; } = new();

    /// <summary>Loads and validates a layout file.</summary>
    public static LockboxLayout Load(string path) => throw new NotSupportedException("lockbox layouts not yet built: " + path);
}

/// <summary>Streaming fixed-width lockbox reader. (Placeholder: replaced by issue 5.)</summary>
public static class LockboxReader
{
    /// <summary>Streams one payment per check.</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("lockbox reader not yet built.");
}

/// <summary>CSV remittance reader. (Placeholder: replaced by issue 5.)</summary>
public static class LockboxCsvReader
{
    /// <summary>Streams one payment per CSV row group.</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("lockbox CSV reader not yet built.");
}
