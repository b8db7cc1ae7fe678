using System.Buffers;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Bai2;

/// <summary>What <see cref="Bai2RecordReader.Read"/> found.</summary>
public enum Bai2ReadStatus
{
    /// <summary>A record was read; its values are on the reader until the next call.</summary>
    Record,

    /// <summary>The record goes on in bytes not yet given: call again with more, the unread bytes kept.</summary>
    NeedMoreData,

    /// <summary>The file ended after its 99 file trailer, every total reconciled.</summary>
    EndOfFile,
}

/// <summary>Options of the BAI2 reader.</summary>
public readonly record struct Bai2ReaderOptions
{
    /// <summary>Creates the default options: strict, USD default currency, 1 MiB record limit.</summary>
    public Bai2ReaderOptions()
    {
    }

    /// <summary>
    /// Accept known bank deviations (trailers that do not reconcile, a 98 with two fields, 49 counts without the
    /// 88s, several records on one physical line, a malformed "88:" continuation, empty lines), reporting each as
    /// a <see cref="ParseWarning"/> with its line. Never guesses an amount.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>The currency of accounts whose 03 and 02 records give none (the specification's default is USD).</summary>
    public string DefaultCurrency { get; init; } = "USD";

    /// <summary>The longest logical record accepted, in bytes; it bounds the reader's memory.</summary>
    public int MaxRecordBytes { get; init; } = 1 << 20;

    /// <summary>Which transactions keep their <see cref="BankTransaction.Extra"/> (<see cref="BankFileReadOptions.KeepExtra"/>); null keeps every one's.</summary>
    public Func<BankTransaction, bool>? KeepExtra { get; init; }
}

/// <summary>
/// The low-level BAI2 reader: frames logical records (a record and its <c>88</c> continuations), decodes their
/// fields and checks the structure, control totals and record counts as the bytes come in. Feed it a
/// <see cref="SequenceReader{T}"/> over the bytes at hand; it keeps its own state between calls, so one instance
/// reads one file across any number of buffers and awaits. Values of the current record stay valid until the next
/// <see cref="Read"/>. Not thread-safe.
/// </summary>
public sealed partial class Bai2RecordReader
{
    private static readonly string[] CodeText = ["01", "02", "03", "16", "49", "88", "98", "99"];

    private readonly string fileName;
    private readonly bool lenient;
    private readonly int maxRecordBytes;
    private readonly CurrencyCode defaultCurrency;
    private ICollection<ParseWarning>? warnings;

    private byte[] record = new byte[4096];
    private int recordLength;
    private long nextLineNumber = 1;
    private long nextByteOffset;
    private bool startChecked;
    private bool finished;
    private string code = string.Empty;

    /// <summary>Creates a reader for one file.</summary>
    /// <param name="fileName">The file's name as errors and warnings should give it.</param>
    /// <param name="options">Strict or lenient, and the default currency.</param>
    /// <param name="warnings">Receives lenient-mode warnings; may be null.</param>
    public Bai2RecordReader(string fileName, Bai2ReaderOptions options, ICollection<ParseWarning>? warnings)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        this.fileName = fileName;
        lenient = options.Lenient;
        maxRecordBytes = options.MaxRecordBytes > 0 ? options.MaxRecordBytes : 1 << 20;
        if (!CurrencyCode.TryParse(options.DefaultCurrency ?? "USD", out defaultCurrency))
        {
            throw new ArgumentException($"'{options.DefaultCurrency}' is not a known ISO 4217 currency code.", nameof(options));
        }

        this.warnings = warnings;
    }

    /// <summary>The file name errors and warnings give.</summary>
    public string FileName => fileName;

    /// <summary>The code of the current record.</summary>
    public Bai2RecordCode RecordCode { get; private set; }

    /// <summary>1-based physical line where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>0-based offset in the file of the current record's first byte.</summary>
    public long ByteOffset { get; private set; }

    /// <summary>Physical records (the record and its 88 continuations) the current record spans.</summary>
    public int PhysicalRecordCount { get; private set; }

    /// <summary>The file header, once read.</summary>
    public Bai2FileHeader? FileHeader { get; private set; }

    /// <summary>The header of the current group.</summary>
    public Bai2GroupHeader? GroupHeader { get; private set; }

    /// <summary>The current account's number, once its 03 record is read.</summary>
    public string? AccountNumber { get; private set; }

    /// <summary>The current account's currency: its 03's, else its group's, else the default.</summary>
    public CurrencyCode Currency { get; private set; }

    /// <summary>The balances and summaries of the current 03 record.</summary>
    public ReadOnlySpan<Bai2AccountSummary> Summaries => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(summaries);

    /// <summary>The type code of the current 16 record.</summary>
    public Bai2TypeCode TypeCode { get; private set; }

    /// <summary>The amount of the current 16 record (unsigned) or trailer (signed), in minor units.</summary>
    public long Amount { get; private set; }

    /// <summary>The funds type and availability of the current 16 record.</summary>
    public Bai2Availability Availability { get; private set; }

    /// <summary>The bank reference number of the current 16 record; empty when not given.</summary>
    public ReadOnlySpan<byte> BankReference => record.AsSpan(bankReference.Start, bankReference.Length);

    /// <summary>The customer reference number of the current 16 record; empty when not given.</summary>
    public ReadOnlySpan<byte> CustomerReference => record.AsSpan(customerReference.Start, customerReference.Length);

    /// <summary>The text of the current 16 record with its continuations joined, verbatim.</summary>
    public ReadOnlySpan<byte> Text => record.AsSpan(textStart, textLength);

    /// <summary>Where in <see cref="Text"/> each 88 continuation's text starts.</summary>
    public ReadOnlySpan<int> TextContinuationStarts => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(textPieces);

    /// <summary>The record count the current trailer gives.</summary>
    public int TrailerRecordCount { get; private set; }

    /// <summary>The account or group count the current 98 or 99 gives; null when a 98 leaves it out.</summary>
    public int? TrailerItemCount { get; private set; }

    /// <summary>
    /// Reads the next record from <paramref name="reader"/>, advancing it past what was used. Throws
    /// <see cref="Bai2FormatException"/> for an invalid file.
    /// </summary>
    /// <param name="reader">The bytes at hand; on NeedMoreData its position is where reading must go on.</param>
    /// <param name="isFinalBlock">True when no bytes follow those in <paramref name="reader"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Bai2ReadStatus Read(ref SequenceReader<byte> reader, bool isFinalBlock)
    {
        while (true)
        {
            if (finished && reader.End)
            {
                return Bai2ReadStatus.EndOfFile;
            }

            if (!startChecked)
            {
                if (reader.Remaining < 3 && !isFinalBlock)
                {
                    return Bai2ReadStatus.NeedMoreData;
                }

                // A UTF-8 byte order mark before the 01 record.
                if (reader.IsNext("\uFEFF"u8, advancePast: true))
                {
                    nextByteOffset = 3;
                }

                startChecked = true;
            }

            if (Frame(ref reader, isFinalBlock) == System.Buffers.OperationStatus.NeedMoreData)
            {
                if (!isFinalBlock)
                {
                    return Bai2ReadStatus.NeedMoreData;
                }

                EndOfData();
                finished = true;
                return Bai2ReadStatus.EndOfFile;
            }

            if (DecodeRecord())
            {
                return Bai2ReadStatus.Record;
            }
        }
    }

    /// <summary>Decodes the current record's bytes. False for a line that carries no record (an empty line).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool DecodeRecord()
    {
        StartCursor();
        var first = record.AsSpan(0, lineEnd);
        if (IsBlank(first))
        {
            BlankLine();
            return false;
        }

        if (state == StructureState.Ended)
        {
            Bai2Throw.Format(new Bai2Location(fileName, LineNumber, ByteOffset, string.Empty, -1), Bai2ErrorCodes.DataAfterFileTrailer, Bai2ErrorMessages.Format(Bai2ErrorMessages.DataAfterFileTrailer, Bai2ErrorMessages.Show(first)));
        }

        var recordCode = ReadRecordCode(first);
        code = CodeText[recordCode switch
        {
            Bai2RecordCode.FileHeader => 0,
            Bai2RecordCode.GroupHeader => 1,
            Bai2RecordCode.AccountIdentifier => 2,
            Bai2RecordCode.TransactionDetail => 3,
            Bai2RecordCode.AccountTrailer => 4,
            Bai2RecordCode.Continuation => 5,
            Bai2RecordCode.GroupTrailer => 6,
            _ => 7,
        }];
        RecordCode = recordCode;
        CheckOrder(recordCode);
        switch (recordCode)
        {
            case Bai2RecordCode.FileHeader:
                DecodeFileHeader();
                break;
            case Bai2RecordCode.GroupHeader:
                DecodeGroupHeader();
                break;
            case Bai2RecordCode.AccountIdentifier:
                DecodeAccount();
                break;
            case Bai2RecordCode.TransactionDetail:
                DecodeDetail();
                break;
            case Bai2RecordCode.AccountTrailer:
                DecodeAccountTrailer();
                break;
            case Bai2RecordCode.GroupTrailer:
                DecodeGroupTrailer();
                break;
            default:
                DecodeFileTrailer();
                break;
        }

        PhysicalRecordCount = lineIndex + 1 - unmarkedContinuations;
        Reconcile(recordCode);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Bai2RecordCode ReadRecordCode(ReadOnlySpan<byte> first)
    {
        if (first.Length >= 3 && IsDigit(first[0]) && IsDigit(first[1]) && first[2] == (byte)',')
        {
            var value = ((first[0] - '0') * 10) + (first[1] - '0');
            switch (value)
            {
                case 1:
                case 2:
                case 3:
                case 16:
                case 49:
                case 98:
                case 99:
                    return (Bai2RecordCode)value;
                case 88:
                    Bai2Throw.Format(new Bai2Location(fileName, LineNumber, ByteOffset, "88", -1), Bai2ErrorCodes.OrphanContinuation, Bai2ErrorMessages.OrphanContinuation);
                    break;
            }
        }

        // "99" alone on the last line, without a comma, is no record either: name what is there.
        var shown = first.Length > 2 ? first[..Math.Min(first.Length, 3)] : first;

        // A line of text right after a 16, without an 88 before it: the lenient framer joins it to the 16.
        var textOfDetail = !lenient && RecordCode == Bai2RecordCode.TransactionDetail && !StartsAnyRecord(first) && !IsBlankStart(first);
        Bai2Throw.Format(
            new Bai2Location(fileName, LineNumber, ByteOffset, string.Empty, 0, "record code"),
            Bai2ErrorCodes.UnknownRecord,
            Bai2ErrorMessages.Format(Bai2ErrorMessages.UnknownRecord, Bai2ErrorMessages.Show(shown)) + (textOfDetail ? Bai2ErrorMessages.AcceptedWhenLenient : string.Empty));
        return default;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IsEmpty || (!IsDigit(line[0]) && line.IndexOfAnyExcept(" \t\r\u001A"u8) < 0);

    private void BlankLine()
    {
        if (lineIndexCount() > 1)
        {
            Bai2Throw.Format(new Bai2Location(fileName, LineNumber + 1, ByteOffset, "88", -1), Bai2ErrorCodes.OrphanContinuation, Bai2ErrorMessages.OrphanContinuation);
        }

        // Empty lines after the file trailer are end-of-file padding; anywhere else they are a deviation.
        if (state != StructureState.Ended)
        {
            Deviation(new Bai2Location(fileName, LineNumber, ByteOffset, string.Empty, -1), Bai2ErrorCodes.BlankLine, Bai2ErrorMessages.BlankLine);
        }

        int lineIndexCount() => record.AsSpan(0, recordLength).TrimEnd((byte)'\n').Count((byte)'\n') + 1;
    }

    /// <summary>A known deviation: a warning in lenient mode, an error otherwise.</summary>
    private void Deviation(Bai2Location location, string errorCode, string detail)
    {
        if (!lenient)
        {
            Bai2Throw.Format(location, errorCode, detail + Bai2ErrorMessages.AcceptedWhenLenient);
        }

        warnings?.Add(new ParseWarning(fileName, location.LineNumber, errorCode, location.ShortMessage(detail)));
    }

    /// <summary>
    /// True for a reader whose records nobody reads (<see cref="BankFileParts"/>' checking reader): it checks all a
    /// reader checks, with the same errors, and leaves a 16 record's <see cref="Text"/> and
    /// <see cref="TextContinuationStarts"/> unset. Its copies (<see cref="CloneForPart"/>) read everything.
    /// </summary>
    private bool checkOnly;

    /// <summary>Makes this a reader that only checks (see <see cref="checkOnly"/>).</summary>
    internal void CheckOnly() => checkOnly = true;

    /// <summary>0-based offset in the file of the byte after the current record: where the next record starts.</summary>
    internal long NextByteOffset => nextByteOffset;

    /// <summary>
    /// A copy of this reader's whole state, with no warnings collection: reading on from where this reader stands,
    /// over the same bytes, it reads what this one would (<see cref="BankFileParts"/> reads parts of a checked file
    /// with such copies). This reader may go on reading; the copy shares nothing it changes.
    /// </summary>
    internal Bai2RecordReader CloneForPart()
    {
        var copy = (Bai2RecordReader)MemberwiseClone();
        copy.warnings = null;
        copy.checkOnly = false;
        copy.record = (byte[])record.Clone();
        copy.lineBreaks = (int[])lineBreaks.Clone();
        copy.summaries = [.. summaries];
        copy.textPieces = [.. textPieces];
        return copy;
    }

    /// <summary>Decodes bytes of the file as text.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes);
}
