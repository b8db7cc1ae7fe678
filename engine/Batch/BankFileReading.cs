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

    /// <summary>Detects and reads the file at <paramref name="path"/>, keeping every warning.</summary>
    public static async Task<BankFileReadResult> ReadFileAsync(string path, BankFileReadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var format = await DetectAsync(stream, options.LockboxLayout, cancellationToken).ConfigureAwait(false);
        var warnings = new List<ParseWarning>();
        var transactions = await ReadAsync(stream, path, format, options, warnings, cancellationToken).ConfigureAwait(false);
        return new BankFileReadResult(path, format, transactions, warnings);
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
