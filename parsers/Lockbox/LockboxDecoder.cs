using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// The lockbox state machine: takes one physical line at a time (framing is <see cref="LockboxReader"/>'s and
/// <see cref="Frame"/>'s), checks record order and control totals, and assembles one payment per check from its
/// <c>6</c> record and the <c>4</c> records after it. Payments go to <see cref="Output"/> as soon as the next
/// record shows that the check is complete. A class, so that its state crosses the reader's awaits.
/// </summary>
internal sealed partial class LockboxDecoder
{
    private const byte Space = (byte)' ';

    private readonly LockboxCompiledLayout c;
    private readonly LockboxLayout layout;
    private readonly string fileName;
    private ICollection<ParseWarning>? warnings;
    private readonly string currency;
    private List<RemittanceLine> remittance = [];
    private LockboxStringPool names = new();
    private LockboxStringPool accounts = new();
    private bool materialize;
    private string?[] extras;
    private LockboxLentExtra? lentExtra;
    private byte[] checkNumber = new byte[16];
    private int checkNumberLength;
    private byte[] scratch = new byte[256];
    private char[] chars = new char[64];

    // Position.
    private long lineNumber;
    private long lineOffset;
    private long nextOffset;
    private int records;
    private long headerLine;
    private long trailerLine;

    // The open batch (5 .. 7) and lockbox (batches since the last 8).
    private long batchLine;
    private int batchChecks;
    private long batchAmount;
    private int lockboxBatches;
    private int lockboxChecks;
    private long lockboxAmount;
    private string? lockbox;
    private DateOnly? depositDate;
    private string?[]? batchExtras;

    // The check being assembled (a 6 and the 4s after it).
    private bool pending;
    private long checkLine;
    private string checkRef = string.Empty;
    private long checkAmount;
    private string? checkName;
    private string? checkAccount;
    private string?[]? checkExtras;
    private StringBuilder checkText = new();
    private bool checkTextFilled;
    private byte[] checkBatchItem = new byte[32];
    private int checkBatchLength;
    private int checkItemLength;
    private int overflowCount;
    private long lastOverflowLine;

    /// <summary>Creates a decoder; without <paramref name="materialize"/> it checks the file and counts, building no payment.</summary>
    public LockboxDecoder(string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, bool materialize = true)
    {
        this.materialize = materialize;
        this.fileName = fileName;
        this.layout = layout;
        this.warnings = warnings;
        c = layout.Compiled;
        currency = layout.Currency;
        extras = new string?[c.ExtraKeys.Length];
    }

    /// <summary>
    /// When set, payments carry no extra data (<see cref="BankFileReadOptions.WithoutExtra"/>): no check number or extra
    /// field is decoded into a string, and <see cref="BankTransaction.Extra"/> is empty. Set on a part's decoder only.
    /// </summary>
    internal bool WithoutExtra { get; set; }

    /// <summary>
    /// <see cref="BankFileReadOptions.KeepExtra"/>, asked here about each payment as it is completed, with its extra
    /// data lent (<see cref="LockboxLentExtra"/>): the check number is decoded and the values copied only if the question
    /// reads them or the payment keeps them, and a payment it declines gets none. Null keeps every payment's. Set on a
    /// payments decoder only.
    /// </summary>
    internal Func<BankTransaction, bool>? KeepExtra { get; set; }

    /// <summary>Payments completed so far; the caller drains it.</summary>
    public List<BankTransaction> Output { get; private set; } = [];

    /// <summary>
    /// The check being assembled as a row (<see cref="ReadRows"/>): its values as chars rather than strings, and where
    /// its rows go. Null unless a part is read as rows.
    /// </summary>
    private CheckRow? row;

    /// <summary>
    /// Gives each payment to <paramref name="add"/> as its row (<see cref="BankRow"/>) as soon as it is complete, instead
    /// of building it into <see cref="Output"/>: the row's values are the transaction's, made without its strings. Set
    /// on a part's decoder only (<see cref="LockboxPartReader.ReadRows"/>).
    /// </summary>
    internal void ReadRows(BankRowSink add) => (row ??= new CheckRow()).Add = add;

    private int summaryChecks;
    private long summaryAmount;
    private int summaryBatches;
    private int summaryLockboxes;

    /// <summary>What the file held, once <see cref="End"/> has checked it.</summary>
    public LockboxSummary Summary => new(summaryLockboxes, summaryBatches, summaryChecks, summaryAmount, records);

    /// <summary>Lines framed so far.</summary>
    public long LineNumber => lineNumber;

    /// <summary>
    /// Frames the complete lines of <paramref name="buffer"/> and decodes each; the last line without a line feed
    /// is decoded only when <paramref name="isFinal"/>. Returns how far the buffer was consumed.
    /// </summary>
    public SequencePosition Frame(in ReadOnlySequence<byte> buffer, bool isFinal)
    {
        if (buffer.IsSingleSegment)
        {
            var used = FrameSpan(buffer.FirstSpan, isFinal);
            return buffer.GetPosition(used);
        }

        return FrameSegments(buffer, isFinal);
    }

    /// <summary>
    /// Where a part of the file may start (<see cref="BankFileParts"/>): after a batch total, at least this many bytes
    /// after the last mark, the decoder calls <see cref="partMark"/> with the offset and a copy of itself. 0: never.
    /// </summary>
    private int partBytes;
    private long partMarked;
    private Action<long, object>? partMark;

    /// <summary>Offset in the file of the byte after the last line framed.</summary>
    internal long NextOffset => nextOffset;

    /// <summary>Marks a part's start after a batch total every <paramref name="bytes"/> bytes or more; see <see cref="partMark"/>.</summary>
    internal void MarkParts(int bytes, Action<long, object> mark)
    {
        partBytes = bytes;
        partMark = mark;
    }

    /// <summary>
    /// A copy of this decoder's state that builds payments and collects no warnings: framing the lines after where
    /// this decoder stands, it reads what a building decoder would. Taken between batches, where no check is being
    /// assembled, so the state a checking decoder leaves out is not needed.
    /// </summary>
    internal LockboxDecoder CloneForPart()
    {
        var copy = (LockboxDecoder)MemberwiseClone();
        copy.materialize = true;
        copy.warnings = null;
        copy.partMark = null;
        copy.remittance = [];
        copy.names = new LockboxStringPool();
        copy.accounts = new LockboxStringPool();
        copy.extras = new string?[extras.Length];
        copy.lentExtra = null;
        copy.checkNumber = new byte[checkNumber.Length];
        copy.checkText = new StringBuilder();
        copy.Output = [];
        copy.scratch = new byte[scratch.Length];
        copy.chars = new char[chars.Length];
        copy.checkBatchItem = (byte[])checkBatchItem.Clone();
        copy.row = null;
        return copy;
    }

    /// <summary>The values of the check being assembled as its row holds them (<see cref="ReadRows"/>).</summary>
    private sealed class CheckRow
    {
        private BankRowDocument[] documents = new BankRowDocument[8];

        public BankRowSink Add { get; set; } = null!;

        public LockboxRowText Reference { get; } = new();

        public LockboxRowText Name { get; } = new();

        public LockboxRowText Account { get; } = new();

        public LockboxRowText Text { get; } = new();

        /// <summary>The invoice numbers, one after another; <see cref="Documents"/> says where each lies.</summary>
        public LockboxRowText Numbers { get; } = new();

        public int DocumentCount { get; private set; }

        public ReadOnlySpan<BankRowDocument> Documents => documents.AsSpan(0, DocumentCount);

        /// <summary>A new check: no documents yet.</summary>
        public void Start()
        {
            Numbers.Clear();
            DocumentCount = 0;
        }

        /// <summary>An invoice of the check, as <see cref="Invoices"/> makes its <see cref="RemittanceLine"/>.</summary>
        public void AddInvoice(ReadOnlySpan<byte> number, long? amount)
        {
            var start = Numbers.Append(number);
            if (DocumentCount == documents.Length)
            {
                Array.Resize(ref documents, documents.Length * 2);
            }

            documents[DocumentCount++] = new BankRowDocument(start, Numbers.Length - start, amount, RemittanceKind.Invoice);
        }
    }

    /// <summary>
    /// Frames a part of a file: whole lines, and the last line without a line feed when <paramref name="isFinal"/>.
    /// Returns how many bytes it framed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int FramePart(ReadOnlySpan<byte> part, bool isFinal) => FrameSpan(part, isFinal);

    /// <summary>Frames a whole file held in one span.</summary>
    public void FrameAll(ReadOnlySpan<byte> content) => FrameSpan(content, isFinal: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FrameSpan(ReadOnlySpan<byte> span, bool isFinal)
    {
        var position = 0;
        while (true)
        {
            var rest = span[position..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            Line(rest[..newline], newline + 1);
            position += newline + 1;
        }

        if (isFinal && position < span.Length)
        {
            Line(span[position..], span.Length - position);
            position = span.Length;
        }

        return position;
    }

    // The slow path: a line that crosses from one segment into the next is copied into a scratch buffer.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private SequencePosition FrameSegments(in ReadOnlySequence<byte> buffer, bool isFinal)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!reader.End)
        {
            reader.Advance(FrameSpan(reader.UnreadSpan, isFinal: false));
            if (reader.End || !reader.TryReadTo(out ReadOnlySequence<byte> crossing, (byte)'\n'))
            {
                break;
            }

            Line(Copy(crossing), (int)crossing.Length + 1);
        }

        if (isFinal && !reader.End)
        {
            var rest = reader.UnreadSequence;
            Line(Copy(rest), (int)rest.Length);
            reader.AdvanceToEnd();
        }

        return reader.Position;
    }

    private ReadOnlySpan<byte> Copy(in ReadOnlySequence<byte> line)
    {
        if (line.Length > scratch.Length)
        {
            scratch = new byte[Math.Max((int)line.Length, scratch.Length * 2)];
        }

        line.CopyTo(scratch);
        return scratch.AsSpan(0, (int)line.Length);
    }

    /// <summary>Throws when the buffered rest of an unfinished line is already longer than any record can be.</summary>
    public void CheckUnfinishedLine(long unconsumed)
    {
        if (unconsumed > c.RecordLength + 2 + 4096)
        {
            LockboxThrow.Format(fileName, lineNumber + 1, nextOffset, 0, null, LockboxErrors.LineTooLongCode, LockboxErrors.LineTooLong,
                unconsumed, c.RecordLength, layout.Name);
        }
    }

    /// <summary>The end of the file: completes the last check and checks that the file was whole.</summary>
    public void End()
    {
        FlushCheck();
        if (records == 0)
        {
            LockboxThrow.FileLevel(fileName, Math.Max(1, lineNumber), 0, LockboxErrors.EmptyFileCode, LockboxErrors.EmptyFile);
        }

        if (trailerLine == 0)
        {
            LockboxThrow.FileLevel(fileName, lineNumber, lineOffset, LockboxErrors.MissingTrailerCode, LockboxErrors.MissingTrailer, records);
        }
    }

    /// <summary>One physical line, without its line feed; <paramref name="physicalLength"/> counts the line feed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Line(ReadOnlySpan<byte> line, int physicalLength)
    {
        lineNumber++;
        lineOffset = nextOffset;
        nextOffset += physicalLength;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > c.RecordLength)
        {
            // Padding past the record length is harmless; anything else means the layout does not fit the file.
            if (line[c.RecordLength..].ContainsAnyExcept(Space))
            {
                LockboxThrow.Format(fileName, lineNumber, lineOffset, line[0], null, LockboxErrors.LineTooLongCode, LockboxErrors.LineTooLong,
                    line.Length, c.RecordLength, layout.Name);
            }

            line = line[..c.RecordLength];
        }

        if (line.IsEmpty || line[0] is Space or (byte)'\t')
        {
            if (!line.ContainsAnyExcept(Space, (byte)'\t'))
            {
                return; // a blank line, typically at the end of the file: not a record.
            }

            UnknownRecord(line[0]);
        }

        var type = line[0];
        if (trailerLine != 0)
        {
            // Block fill after the trailer: records of all 9s that complete the last block.
            if (!line.ContainsAnyExcept((byte)'9'))
            {
                return;
            }

            LockboxThrow.Format(fileName, lineNumber, lineOffset, type, null, LockboxErrors.RecordAfterTrailerCode, LockboxErrors.RecordAfterTrailer, trailerLine);
        }

        records++;
        if (headerLine == 0 && type != (byte)'1')
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, type, null, LockboxErrors.MissingHeaderCode, LockboxErrors.MissingHeader, LockboxThrow.RecordCode(type));
        }

        switch (type)
        {
            case (byte)'6':
                Detail(line);
                break;
            case (byte)'4':
                Overflow(line);
                break;
            case (byte)'5':
                BatchHeader(line);
                break;
            case (byte)'7':
                BatchTotal(line);
                break;
            case (byte)'8':
                LockboxTotal(line);
                break;
            case (byte)'9':
                Trailer(line);
                break;
            case (byte)'1':
                if (headerLine != 0)
                {
                    LockboxThrow.Format(fileName, lineNumber, lineOffset, type, null, LockboxErrors.DuplicateHeaderCode, LockboxErrors.DuplicateHeader, headerLine);
                }

                headerLine = lineNumber;
                break;
            case (byte)'2':
                FlushCheck();
                break;
            default:
                CustomRecord(line);
                break;
        }
    }

    private void UnknownRecord(byte type) =>
        LockboxThrow.Format(fileName, lineNumber, lineOffset, type, null, LockboxErrors.UnknownRecordTypeCode, LockboxErrors.UnknownRecordType,
            LockboxThrow.RecordCode(type), layout.Name);

    private void CustomRecord(ReadOnlySpan<byte> line)
    {
        var type = line[0];
        var extras = type < 128 ? c.CustomRecords[type] : null;
        if (extras is null)
        {
            UnknownRecord(type);
            return;
        }

        // A record type the layout adds: its fields are extra data of the check it follows, if any.
        if (pending)
        {
            AddExtras(line, extras, append: true);
        }
    }

    private void BatchHeader(ReadOnlySpan<byte> line)
    {
        FlushCheck();
        if (batchLine != 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'5', null, LockboxErrors.BatchNotClosedCode, LockboxErrors.BatchNotClosed, batchLine);
        }

        var number = Required(line, c.HeaderLockbox, "lockbox");
        if (lockbox is null || !AsciiEquals(number, lockbox))
        {
            if (lockbox is not null && lockboxBatches > 0)
            {
                LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'5', "lockbox", LockboxErrors.LockboxNotClosedCode, LockboxErrors.LockboxNotClosed, lockbox, lockboxBatches);
            }

            lockbox = Encoding.UTF8.GetString(number);
        }

        depositDate = Date(line, c.HeaderDepositDate, "deposit_date");
        batchExtras = null;
        if (c.HeaderExtras.Length > 0)
        {
            batchExtras = new string?[c.ExtraKeys.Length];
            foreach (var extra in c.HeaderExtras)
            {
                var value = Trim(extra.Slot.Of(line));
                batchExtras[extra.Key] = value.IsEmpty ? null : Encoding.UTF8.GetString(value);
            }
        }

        batchLine = lineNumber;
        batchChecks = 0;
        batchAmount = 0;
    }

    private void BatchTotal(ReadOnlySpan<byte> line)
    {
        FlushCheck();
        if (batchLine == 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'7', null, LockboxErrors.BatchTotalWithoutBatchCode, LockboxErrors.BatchTotalWithoutBatch);
        }

        var count = Number(line, c.BatchCount, "batch_count");
        if (count != batchChecks)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'7', "batch_count", LockboxErrors.BatchCountMismatchCode, LockboxErrors.BatchCountMismatch, count, batchChecks);
        }

        var amount = Number(line, c.BatchAmount, "batch_amount");
        if (amount != batchAmount)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'7', "batch_amount", LockboxErrors.BatchAmountMismatchCode, LockboxErrors.BatchAmountMismatch, amount, batchAmount);
        }

        lockboxBatches++;
        summaryBatches++;
        lockboxChecks += batchChecks;
        lockboxAmount = checked(lockboxAmount + batchAmount);
        batchLine = 0;
        if (partMark is not null && nextOffset - partMarked >= partBytes)
        {
            partMarked = nextOffset;
            partMark(nextOffset, CloneForPart());
        }
    }

    private void LockboxTotal(ReadOnlySpan<byte> line)
    {
        FlushCheck();
        if (batchLine != 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'8', null, LockboxErrors.BatchNotClosedCode, LockboxErrors.BatchNotClosed, batchLine);
        }

        var number = Trim(c.LockboxLockbox.Of(line));
        if (!number.IsEmpty && lockbox is not null && lockboxBatches > 0 && !AsciiEquals(number, lockbox))
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'8', "lockbox", LockboxErrors.LockboxMismatchCode, LockboxErrors.LockboxMismatch,
                Encoding.UTF8.GetString(number), lockbox);
        }

        var count = Number(line, c.LockboxCount, "lockbox_count");
        if (count != lockboxChecks)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'8', "lockbox_count", LockboxErrors.LockboxCountMismatchCode, LockboxErrors.LockboxCountMismatch, count, lockboxChecks);
        }

        var amount = Number(line, c.LockboxAmount, "lockbox_amount");
        if (amount != lockboxAmount)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'8', "lockbox_amount", LockboxErrors.LockboxAmountMismatchCode, LockboxErrors.LockboxAmountMismatch, amount, lockboxAmount);
        }

        summaryLockboxes++;
        lockboxBatches = 0;
        lockboxChecks = 0;
        lockboxAmount = 0;
    }

    private void Trailer(ReadOnlySpan<byte> line)
    {
        FlushCheck();
        if (batchLine != 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'9', null, LockboxErrors.BatchNotClosedCode, LockboxErrors.BatchNotClosed, batchLine);
        }

        if (lockboxBatches > 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'9', null, LockboxErrors.LockboxNotClosedCode, LockboxErrors.LockboxNotClosed, lockbox, lockboxBatches);
        }

        var count = Number(line, c.RecordCount, "record_count");
        if (count != records)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'9', "record_count", LockboxErrors.RecordCountMismatchCode, LockboxErrors.RecordCountMismatch, count, records);
        }

        trailerLine = lineNumber;
    }
}
