using System.Runtime.CompilerServices;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Lockbox;

namespace CashApp.Parsers.Common;

/// <summary>Options for reading any bank file.</summary>
public sealed record BankFileReadOptions
{
    /// <summary>Accept known deviations of real banks and report them as warnings instead of failing.</summary>
    public bool Lenient { get; init; }

    /// <summary>The lockbox layout to use; the built-in default layout when null.</summary>
    public LockboxLayout? LockboxLayout { get; init; }

    /// <summary>camt: the longest document accepted, in characters; 0 for no limit. A server sets its file size limit.</summary>
    public long MaxDocumentCharacters { get; init; }

    /// <summary>
    /// Read in parts (<see cref="BankFileParts"/>), leave each BAI2 transaction's <see cref="BankTransaction.Extra"/> empty:
    /// for a reader that keeps only the other fields (<c>cashapp parse</c>'s columns), which then copies no record text.
    /// camt.053/054, read in parts or not: <see cref="BankTransaction.Extra"/> is left empty too, and no memory of recent
    /// ids is kept, so a reversal is not linked to the entry it reverses (no <c>reverses</c>); whether an entry is a
    /// payment does not depend on that link. The match run and the served ingest leave this off.
    /// </summary>
    public bool WithoutExtra { get; init; }

    /// <summary>
    /// Which transactions keep their <see cref="BankTransaction.Extra"/>: called once with each transaction as it is
    /// read, its <c>Extra</c> complete; a transaction it declines is given out with an empty <c>Extra</c>, and what that
    /// held (a BAI2 record's text, a camt entry and its parsed details) is not kept with it. Every other field, the
    /// warnings and the errors are the same. Null (the default) keeps every transaction's. For a caller that keeps
    /// many transactions and reads the <c>Extra</c> of a few: the match run keeps it where repeats' identity keys and
    /// deposit reconciliation read it.
    /// The transaction is lent for the call: a reader may let its <c>Extra</c> read a buffer it reuses afterwards, so
    /// the function must keep neither. A file read in parts asks from several threads at once. Each transaction given
    /// out was asked once (a file read again after its read in parts failed is asked again), but one whose
    /// <c>Extra</c> <see cref="WithoutExtra"/> left empty may not be asked at all.
    /// </summary>
    public Func<BankTransaction, bool>? KeepExtra { get; init; }

    /// <summary>
    /// <see cref="KeepExtra"/> for where every reader's transactions of <paramref name="format"/> pass: null for BAI2 and
    /// fixed-width lockbox, whose readers ask themselves with the data lent, so as to copy no record text (BAI2) and
    /// decode no check number (lockbox) for a transaction that neither keeps its <c>Extra</c> nor is asked by reading it.
    /// </summary>
    internal Func<BankTransaction, bool>? KeepExtraOnceRead(BankFileFormat format) => format is BankFileFormat.Bai2 or BankFileFormat.Lockbox ? null : KeepExtra;
}

/// <summary>Everything read from one bank file.</summary>
public sealed record BankFileReadResult(
    string FileName,
    BankFileFormat Format,
    IReadOnlyList<BankTransaction> Transactions,
    IReadOnlyList<ParseWarning> Warnings);

/// <summary>Detects a bank file's format from its content and reads it with the right reader.</summary>
public static class BankFiles
{
    /// <summary>How many leading bytes <see cref="Detect"/> wants to see.</summary>
    public const int DetectionWindow = 4096;

    /// <summary>
    /// Tells the format from the first bytes of a file: BAI2 starts with the record <c>01,</c>; camt is XML
    /// whose document names a <c>camt.053</c> or <c>camt.054</c> namespace or root element; a lockbox file
    /// starts with a fixed-width type 1 record.
    /// </summary>
    public static BankFileFormat Detect(ReadOnlySpan<byte> head)
    {
        // Skip a UTF-8 byte order mark and leading white space.
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        head = head.TrimStart(" \t\r\n"u8);
        if (head.StartsWith("01,"u8))
        {
            return BankFileFormat.Bai2;
        }

        if (head.StartsWith("<"u8))
        {
            if (head.IndexOf("camt.054"u8) >= 0 || head.IndexOf("BkToCstmrDbtCdtNtfctn"u8) >= 0)
            {
                return BankFileFormat.Camt054;
            }

            // camt.053, or XML whose root we cannot see yet: the camt reader names the problem precisely.
            return BankFileFormat.Camt053;
        }

        if (head.Length > 0 && head[0] == (byte)'1')
        {
            return BankFileFormat.Lockbox;
        }

        return BankFileFormat.Unknown;
    }

    /// <summary>
    /// Tells the format from the first bytes of a file, knowing the lockbox layout in use. Content alone cannot tell
    /// a CSV remittance file apart, so a file is <see cref="BankFileFormat.LockboxCsv"/> only when the layout has a
    /// CSV mapping and the file is not BAI2 or XML, and either is no fixed-width lockbox file either or its first
    /// line is a CSV header naming a mapped column.
    /// </summary>
    public static BankFileFormat Detect(ReadOnlySpan<byte> head, LockboxLayout? layout)
    {
        var format = Detect(head);
        if (layout?.Csv is not { } csv)
        {
            return format;
        }

        return format switch
        {
            BankFileFormat.Unknown => BankFileFormat.LockboxCsv,
            BankFileFormat.Lockbox when LooksLikeCsvHeader(head, csv) => BankFileFormat.LockboxCsv,
            _ => format,
        };
    }

    /// <summary>Detects the format of the file at <paramref name="path"/>.</summary>
    public static BankFileFormat Detect(string path) => Detect(path, null);

    /// <summary>Detects the format of the file at <paramref name="path"/>, knowing the lockbox layout in use.</summary>
    public static BankFileFormat Detect(string path, LockboxLayout? layout)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[DetectionWindow];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Detect(buffer.AsSpan(0, read), layout);
    }

    private static bool LooksLikeCsvHeader(ReadOnlySpan<byte> head, LockboxCsvMapping csv)
    {
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        var end = head.IndexOfAny((byte)'\r', (byte)'\n');
        var first = System.Text.Encoding.UTF8.GetString(end < 0 ? head : head[..end]);
        return first.Contains(csv.Delimiter, StringComparison.Ordinal)
            && csv.Columns.Values.Any(header => first.Contains(header, StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads a whole file. Either every transaction comes back, or a <see cref="BankFileFormatException"/>
    /// says why not: a bad file is never half read.
    /// </summary>
    public static async Task<BankFileReadResult> ReadAllAsync(string path, BankFileReadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = Detect(path, options.LockboxLayout);
        var warnings = new List<ParseWarning>();
        var transactions = new List<BankTransaction>();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await foreach (var transaction in ReadAsync(stream, path, format, options, warnings, cancellationToken))
        {
            transactions.Add(transaction);
        }

        return new BankFileReadResult(path, format, transactions, warnings);
    }

    /// <summary>Streams the transactions of a file in a known format, in file order.</summary>
    public static async IAsyncEnumerable<BankTransaction> ReadAsync(
        Stream stream,
        string fileName,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = format switch
        {
            BankFileFormat.Bai2 => Bai2Reader.ReadAsync(stream, fileName, new Bai2ReaderOptions { Lenient = options.Lenient, KeepExtra = options.KeepExtra }, warnings, cancellationToken),
            BankFileFormat.Camt053 or BankFileFormat.Camt054 => CamtReader.ReadAsync(stream, fileName, new CamtReaderOptions { MaxDocumentCharacters = options.MaxDocumentCharacters, WithoutExtra = options.WithoutExtra }, warnings, cancellationToken),
            BankFileFormat.Lockbox => LockboxReader.ReadAsync(stream, fileName, options.LockboxLayout ?? LockboxLayout.Default, warnings, options.KeepExtra, cancellationToken),
            BankFileFormat.LockboxCsv => LockboxCsvReader.ReadAsync(stream, fileName, options.LockboxLayout ?? throw new ArgumentException("A CSV remittance file needs a layout with a CSV column mapping.", nameof(options)), warnings, cancellationToken),
            _ => throw UnknownFormatException.Create(fileName),
        };

        var keepExtra = options.KeepExtraOnceRead(format);
        await foreach (var transaction in source.WithCancellation(cancellationToken))
        {
            if (keepExtra is not null)
            {
                transaction.AskKeepExtra(keepExtra);
            }

            yield return transaction;
        }
    }
}

/// <summary>The file is none of the bank-file formats CashApp reads.</summary>
public sealed class UnknownFormatException : BankFileFormatException
{
    private UnknownFormatException(string fileName, string message)
        : base(fileName, 1, "UNKNOWN_FORMAT", message)
    {
    }

    internal static UnknownFormatException Create(string fileName) =>
        new(fileName, $"{fileName}:1: not a bank file CashApp can read: expected BAI2 (first record '01,'), ISO 20022 camt.053/camt.054 XML, or a lockbox file (first record type '1').");
}
