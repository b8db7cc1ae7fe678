using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;

namespace CashApp.Engine.Batch;

/// <summary>
/// The one way a bank file is taken in, whoever takes it (<c>cashapp match</c>, the store's ingest behind
/// <c>BankFiles.Ingest</c>): the format detected from the content and the lockbox layout in use (a CSV remittance
/// file exists only for a layout with a CSV mapping), the file read whole with the chosen reader, and every
/// transaction's currency checked. A file that fails any step throws a <see cref="BankFileFormatException"/> naming
/// the file, the line and the reason, and nothing of it comes back: callers reject it in one way.
/// </summary>
public static class BankFileReading
{
    /// <summary>
    /// Detects the format of a seekable stream from its first <see cref="BankFiles.DetectionWindow"/> bytes, knowing
    /// the lockbox layout, and puts the stream back where it was.
    /// </summary>
    public static async Task<BankFileFormat> DetectAsync(Stream content, LockboxLayout? layout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = content.Position;
        var head = new byte[BankFiles.DetectionWindow];
        var length = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        content.Position = start;
        return BankFiles.Detect(head.AsSpan(0, length), layout);
    }

    /// <summary>
    /// Reads a whole file of a known format: every transaction, in file order, with its currency checked; the
    /// warnings go to <paramref name="warnings"/>. Either all of it comes back or a
    /// <see cref="BankFileFormatException"/> says why not.
    /// </summary>
    public static async Task<List<BankTransaction>> ReadAsync(
        Stream content,
        string fileName,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning> warnings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transactions = new List<BankTransaction>();
        await foreach (var transaction in StreamAsync(content, fileName, format, options, warnings, cancellationToken).ConfigureAwait(false))
        {
            transactions.Add(transaction);
        }

        return transactions;
    }

    /// <summary>
    /// Reads a file of a known format one transaction at a time, in file order, each with its currency checked: for a
    /// caller that keeps only some of them (the store's ingest keeps the credits and counts the debits). A bad
    /// transaction throws a <see cref="BankFileFormatException"/> when it is reached, after those before it came back,
    /// so a caller that must take all or nothing of a file keeps what it read until the end.
    /// </summary>
    public static async IAsyncEnumerable<BankTransaction> StreamAsync(
        Stream content,
        string fileName,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning> warnings,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await foreach (var transaction in BankFiles.ReadAsync(content, fileName, format, options, warnings, cancellationToken).ConfigureAwait(false))
        {
            if (!CurrencyCode.TryParse(transaction.Currency, out _))
            {
                throw UnknownCurrencyException.Create(fileName, transaction.LineNumber, transaction.Currency);
            }

            yield return transaction;
        }
    }

    /// <summary>
    /// Detects and reads the file at <paramref name="path"/>, keeping every warning. A strict BAI2 or a fixed-width
    /// lockbox file of two parts or more is read in parts on every core (<see cref="BankFileParts"/>), with the same
    /// transactions, warnings and errors as the one-thread read.
    /// </summary>
    public static Task<BankFileReadResult> ReadFileAsync(string path, BankFileReadOptions options, CancellationToken cancellationToken = default) =>
        ReadFileAsync(path, options, partBytes: 0, cancellationToken);

    /// <summary>
    /// <see cref="ReadFileAsync(string, BankFileReadOptions, CancellationToken)"/> with parts of at least
    /// <paramref name="partBytes"/> bytes (<see cref="BankFileParts.DefaultPartBytes"/> when 0).
    /// </summary>
    /// <remarks>
    /// The parts give the one-thread read's transactions and warnings, and its first format error; but the one-thread
    /// read stops at the first unknown currency as it streams, before a format error further on, and a part's
    /// transactions are not read where the checking reader failed. So a file that fails in parts, or whose
    /// transactions name an unknown currency, is read again on one thread, which throws what it always threw: a bad
    /// file costs a second read, a good one is read once.
    /// </remarks>
    internal static async Task<BankFileReadResult> ReadFileAsync(string path, BankFileReadOptions options, int partBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        partBytes = partBytes > 0 ? partBytes : BankFileParts.DefaultPartBytes;
        BankFileFormat format;
        await using (var stream = OpenRead(path))
        {
            format = await DetectAsync(stream, options.LockboxLayout, cancellationToken).ConfigureAwait(false);
            if (!BankFileParts.CanRead(format, options) || stream.Length < 2L * partBytes)
            {
                return await ReadOneThreadAsync(stream, path, format, options, cancellationToken).ConfigureAwait(false);
            }
        }

        var inParts = await TryReadInPartsAsync(path, format, options, partBytes, cancellationToken).ConfigureAwait(false);
        if (inParts is not null)
        {
            return inParts;
        }

        await using var again = OpenRead(path);
        return await ReadOneThreadAsync(again, path, format, options, cancellationToken).ConfigureAwait(false);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);

    private static async Task<BankFileReadResult> ReadOneThreadAsync(Stream stream, string path, BankFileFormat format, BankFileReadOptions options, CancellationToken cancellationToken)
    {
        var warnings = new List<ParseWarning>();
        var transactions = await ReadAsync(stream, path, format, options, warnings, cancellationToken).ConfigureAwait(false);
        return new BankFileReadResult(path, format, transactions, warnings);
    }

    /// <summary>The file read in parts, or null when it failed or named an unknown currency.</summary>
    private static async Task<BankFileReadResult?> TryReadInPartsAsync(string path, BankFileFormat format, BankFileReadOptions options, int partBytes, CancellationToken cancellationToken)
    {
        var warnings = new List<ParseWarning>();
        IReadOnlyList<PartTransactions> parts;
        try
        {
            parts = await BankFileParts.ReadAsync(
                path,
                format,
                options,
                warnings,
                static () => new PartTransactions(),
                static (part, transaction) => part.Add(transaction),
                partBytes: partBytes,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (BankFileFormatException)
        {
            return null;
        }

        var count = 0;
        foreach (var part in parts)
        {
            if (part.UnknownCurrency)
            {
                return null;
            }

            count += part.Transactions.Count;
        }

        var transactions = new List<BankTransaction>(count);
        foreach (var part in parts)
        {
            transactions.AddRange(part.Transactions);
        }

        return new BankFileReadResult(path, format, transactions, warnings);
    }

    /// <summary>One part's transactions, and whether one of them names a currency ISO 4217 does not know.</summary>
    private sealed class PartTransactions
    {
        private string? _lastKnown;

        public List<BankTransaction> Transactions { get; } = [];

        public bool UnknownCurrency { get; private set; }

        public void Add(BankTransaction transaction)
        {
            Transactions.Add(transaction);

            // A part's transactions mostly share one currency string: it is checked once per change.
            if (!ReferenceEquals(transaction.Currency, _lastKnown))
            {
                if (CurrencyCode.TryParse(transaction.Currency, out _))
                {
                    _lastKnown = transaction.Currency;
                }
                else
                {
                    UnknownCurrency = true;
                }
            }
        }
    }
}

/// <summary>A transaction of a bank file names a currency that ISO 4217 does not know.</summary>
public sealed class UnknownCurrencyException : BankFileFormatException
{
    /// <summary>The stable error code.</summary>
    public const string Code = "UNKNOWN_CURRENCY";

    private UnknownCurrencyException(string fileName, long lineNumber, string message)
        : base(fileName, lineNumber, Code, message)
    {
    }

    internal static UnknownCurrencyException Create(string fileName, long lineNumber, string currency) =>
        new(fileName, lineNumber, $"{fileName}:{lineNumber}: unknown currency '{currency}': expected an ISO 4217 code such as USD or EUR.");
}
