using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>Options of the camt reader.</summary>
public sealed record CamtReaderOptions
{
    /// <summary>Longest text of one element, in characters; a longer text node fails the file before it is held whole.</summary>
    public int MaxElementTextLength { get; init; } = 1 << 20;

    /// <summary>Deepest element nesting accepted (camt needs about 12 levels; envelopes add a few).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Longest document, in characters; 0 for no limit (the reader streams, so size alone costs no memory).</summary>
    public long MaxDocumentCharacters { get; init; }

    /// <summary>Check opening plus entries against closing balance, and <c>TxsSummry</c>; mismatches are warnings.</summary>
    public bool CheckBalances { get; init; } = true;

    /// <summary>
    /// Smallest rest of a seekable stream, in bytes, whose XML <see cref="CamtReader.Read"/> reads on a thread of its
    /// own (<see cref="CamtReadAhead"/>); 0 never. Internal: tests set it low to run both ways on small documents.
    /// </summary>
    internal long ReadAheadMinBytes { get; init; } = CamtReadAhead.DefaultMinBytes;

    /// <summary>
    /// Whether the reading thread of <see cref="CamtReadAhead"/> reads with <see cref="CamtUtf8XmlReader"/> first.
    /// Internal: tests turn it off to compare.
    /// </summary>
    internal bool Utf8Reader { get; init; } = true;

    /// <summary>
    /// Leave each transaction's <see cref="BankTransaction.Extra"/> empty (and keep no memory of recent ids for reversals
    /// to name what they reverse): for a reader that keeps only the other fields. Set from
    /// <see cref="BankFileReadOptions.WithoutExtra"/>.
    /// </summary>
    internal bool WithoutExtra { get; init; }
}

/// <summary>
/// Streaming reader of ISO 20022 camt.053 statements and camt.054 notifications, versions 001.02 to 001.13,
/// with or without namespace prefixes, and documents without a namespace. Reads with an
/// <see cref="System.Xml.XmlReader"/> (DTDs prohibited, nothing resolved), one entry at a time.
/// Either every transaction comes back or a <see cref="CamtFormatException"/> says where and why.
/// </summary>
/// <remarks>
/// Reading is synchronous on the stream (XmlReader's async mode halves throughput); the asynchronous
/// entry point yields transactions as they are read. Memory is bounded by the largest entry.
/// </remarks>
public static class CamtReader
{
    /// <summary>Streams the transactions of a camt.053 or camt.054 document, one per <c>TxDtls</c> (or per entry without details).</summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return new SynchronousAsyncEnumerable<BankTransaction>(token => Read(stream, fileName, options, warnings, token), cancellationToken);
    }

    /// <summary>Reads the transactions of a camt.053 or camt.054 document, one per <c>TxDtls</c> (or per entry without details).</summary>
    public static IEnumerable<BankTransaction> Read(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return ReadCore(stream, fileName, options, warnings, cancellationToken);
    }

    /// <summary>
    /// Reads the entries of a camt.053 or camt.054 document with their statement and transaction details, as the
    /// file states them (no mapping to <see cref="BankTransaction"/>).
    /// </summary>
    public static IEnumerable<CamtEntry> ReadEntries(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return ReadEntriesCore(stream, fileName, options, warnings, cancellationToken);
    }

    private static IEnumerable<CamtEntry> ReadEntriesCore(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken)
    {
        using var parser = new CamtParser(stream, fileName, options, warnings);
        while (parser.TryReadEntry(out var entry))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    private static IEnumerable<BankTransaction> ReadCore(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken)
    {
        if (CamtReadAhead.Applies(stream, options))
        {
            return CamtReadAhead.Read(stream, fileName, options, warnings, cancellationToken);
        }

        return ReadOneThread(stream, fileName, options, warnings, cancellationToken);
    }

    private static IEnumerable<BankTransaction> ReadOneThread(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken)
    {
        using var parser = new CamtParser(stream, fileName, options, warnings);
        var mapper = new CamtTransactionMapper(fileName, warnings, options.WithoutExtra);
        var batch = new List<BankTransaction>();
        while (parser.TryReadEntry(out var entry))
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            Map(mapper, entry, batch, fileName);
            foreach (var transaction in batch)
            {
                yield return transaction;
            }
        }
    }

    internal static void Map(CamtTransactionMapper mapper, CamtEntry entry, List<BankTransaction> batch, string fileName)
    {
        try
        {
            mapper.Map(entry, batch);
        }
        catch (OverflowException ex)
        {
            throw CamtFormatException.Create(fileName, entry.LineNumber, 0, CamtErrorCodes.BadAmount, string.Empty, null, CamtErrorMessages.AmountOverflow, ex);
        }
    }

    /// <summary>An <see cref="IAsyncEnumerable{T}"/> over a synchronous sequence: each step completes synchronously.</summary>
    private sealed class SynchronousAsyncEnumerable<T>(Func<CancellationToken, IEnumerable<T>> source, CancellationToken outerToken) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            var token = cancellationToken.CanBeCanceled ? cancellationToken : outerToken;
            return new Enumerator(source(token).GetEnumerator(), token);
        }

        private sealed class Enumerator(IEnumerator<T> inner, CancellationToken token) : IAsyncEnumerator<T>
        {
            public T Current => inner.Current;

            public ValueTask<bool> MoveNextAsync()
            {
                token.ThrowIfCancellationRequested();
                return new ValueTask<bool>(inner.MoveNext());
            }

            public ValueTask DisposeAsync()
            {
                inner.Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
