using System.Buffers;
using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Bai2;

/// <content>
/// Framing: finds where the next logical record ends, without decoding it. A logical record is one physical
/// line and the <c>88</c> lines that follow it. The framer answers Done, NeedMoreData or InvalidData; it copies a
/// complete record into the reader's own buffer, so decoding never touches the pipe's memory.
/// </content>
public sealed partial class Bai2RecordReader
{
    /// <summary>
    /// Frames the next logical record at the reader's position and copies it into <see cref="record"/>.
    /// Done: a record was copied and the reader advanced past it. NeedMoreData: the record may go on in bytes
    /// not yet seen (or, when final, nothing is left).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private OperationStatus Frame(ref SequenceReader<byte> reader, bool isFinalBlock)
    {
        if (reader.End)
        {
            return OperationStatus.NeedMoreData;
        }

        var span = reader.UnreadSpan;
        var spanIsAll = span.Length == reader.Remaining;
        if (TryFrame(span, isFinalBlock && spanIsAll, out var frame))
        {
            Accept(span[..frame.RecordLength], frame);
            reader.Advance(frame.Consumed);
            return OperationStatus.Done;
        }

        if (!spanIsAll)
        {
            return FrameAcrossSegments(ref reader, isFinalBlock);
        }

        CheckLength(reader.Remaining);
        return OperationStatus.NeedMoreData;
    }

    /// <summary>The slow path: the record starts near the end of one segment and goes on in the next.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private OperationStatus FrameAcrossSegments(ref SequenceReader<byte> reader, bool isFinalBlock)
    {
        // Copy a growing window of the sequence until it holds the whole record: records are short, so the
        // first window almost always does, and a long buffered tail is never copied whole.
        var window = Math.Max(reader.UnreadSpan.Length + 1024, 4096);
        while (true)
        {
            var take = (int)Math.Min(window, reader.Remaining);
            var all = take == reader.Remaining;
            var copy = ArrayPool<byte>.Shared.Rent(take);
            try
            {
                reader.Sequence.Slice(reader.Position, take).CopyTo(copy);
                var span = copy.AsSpan(0, take);
                if (TryFrame(span, isFinalBlock && all, out var frame))
                {
                    Accept(span[..frame.RecordLength], frame);
                    reader.Advance(frame.Consumed);
                    return OperationStatus.Done;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }

            if (all)
            {
                CheckLength(reader.Remaining);
                return OperationStatus.NeedMoreData;
            }

            CheckLength(take);
            window = checked(window * 2);
        }
    }

    private void CheckLength(long pending)
    {
        if (pending > maxRecordBytes)
        {
            Bai2Throw.Format(new Bai2Location(fileName, nextLineNumber, nextByteOffset, string.Empty, -1), Bai2ErrorCodes.RecordTooLong, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordTooLong, maxRecordBytes));
        }
    }

    /// <summary>Where a framed record ends.</summary>
    private struct FrameResult
    {
        /// <summary>Bytes of the record, line ends included.</summary>
        public int RecordLength;

        /// <summary>Bytes to consume: the record and, after a record that ends mid-line, the spaces before the next.</summary>
        public int Consumed;

        /// <summary>Physical lines the record spans ('\n' consumed).</summary>
        public int NewLines;

        /// <summary>The record ended at a '/' followed on the same line by a further record (lenient mode).</summary>
        public bool EndedMidLine;
    }

    /// <summary>
    /// Frames one logical record at the start of <paramref name="span"/>. False when the bytes seen so far do not
    /// show where it ends; with <paramref name="isFinal"/> the end of the span ends the record.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFrame(ReadOnlySpan<byte> span, bool isFinal, out FrameResult frame)
    {
        frame = default;
        lineBreakCount = 0;
        var pos = 0;
        while (true)
        {
            // One physical line (or, in lenient mode, up to a '/' that a further record follows on the line).
            var rest = span[pos..];
            var newLine = rest.IndexOf((byte)'\n');
            var lineLength = newLine < 0 ? rest.Length : newLine;
            if (lenient)
            {
                var split = FindFurtherRecord(rest[..lineLength], out var nextStart);
                if (split >= 0)
                {
                    frame.RecordLength = pos + split + 1;
                    frame.Consumed = pos + nextStart;
                    frame.EndedMidLine = true;
                    return true;
                }
            }

            if (newLine < 0)
            {
                if (!isFinal)
                {
                    return false;
                }

                pos = span.Length;
                break;
            }

            AddLineBreak(pos + newLine);
            pos += newLine + 1;
            frame.NewLines++;

            // Does an 88 continuation follow? "88" and a non-digit: "88:" is a malformed continuation the decoder names.
            var available = span.Length - pos;
            if (available >= 3)
            {
                if (span[pos] == (byte)'8' && span[pos + 1] == (byte)'8' && !IsDigit(span[pos + 2]))
                {
                    continue;
                }

                // Lenient: a 16 whose text a bank broke onto a line of its own, with no 88 (moov-io sample3).
                if (lenient && span[0] == (byte)'1' && span[1] == (byte)'6' && !StartsAnyRecord(span[pos..]) && !IsBlankStart(span[pos..]))
                {
                    continue;
                }

                break;
            }

            if (isFinal)
            {
                if (available == 2 && span[pos] == (byte)'8' && span[pos + 1] == (byte)'8')
                {
                    continue;
                }

                break;
            }

            // Fewer than three bytes of the next line are here: they may yet turn out to start "88,", or (lenient,
            // after a 16) to be a line of text without a record code.
            if (available == 0 || (span[pos] == (byte)'8' && (available == 1 || span[pos + 1] == (byte)'8')) || (lenient && span[0] == (byte)'1' && span[1] == (byte)'6'))
            {
                return false;
            }

            break;
        }

        frame.RecordLength = pos;
        frame.Consumed = pos;
        return true;
    }

    /// <summary>
    /// In lenient mode, finds a '/' on the line followed by one or more spaces and a further record ("/ 16,", "/   02,"): some
    /// banks put several records on one physical line. Returns the index of the '/' and where the further record
    /// starts, or -1. An 88 is never taken as a further record, since it would continue the record before it.
    /// </summary>
    private static int FindFurtherRecord(ReadOnlySpan<byte> line, out int nextStart)
    {
        nextStart = -1;
        var from = 0;
        while (true)
        {
            var slash = line[from..].IndexOf((byte)'/');
            if (slash < 0)
            {
                return -1;
            }

            slash += from;
            var start = slash + 1;
            while (start < line.Length && line[start] == (byte)' ')
            {
                start++;
            }

            // At least one space between: "INV 12/16,17" is text, "PPD/ 16,142,..." is a further record.
            if (start > slash + 1 && StartsRecord(line[start..]))
            {
                nextStart = start;
                return slash;
            }

            from = slash + 1;
        }
    }

    /// <summary>True when the bytes start with a record code other than 88 and a comma.</summary>
    internal static bool StartsRecord(ReadOnlySpan<byte> text)
    {
        if (text.Length < 3 || text[2] != (byte)',')
        {
            return false;
        }

        return (text[0], text[1]) switch
        {
            ((byte)'0', (byte)'1' or (byte)'2' or (byte)'3') => true,
            ((byte)'1', (byte)'6') => true,
            ((byte)'4', (byte)'9') => true,
            ((byte)'9', (byte)'8' or (byte)'9') => true,
            _ => false,
        };
    }

    /// <summary>Remembers where a line of the record being framed ends, so decoding need not search again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddLineBreak(int index)
    {
        if (lineBreakCount == lineBreaks.Length)
        {
            Array.Resize(ref lineBreaks, lineBreaks.Length * 2);
        }

        lineBreaks[lineBreakCount++] = index;
    }

    /// <summary>True when the bytes start with two digits and a comma, a record code of any kind.</summary>
    private static bool StartsAnyRecord(ReadOnlySpan<byte> text) =>
        text.Length >= 3 && IsDigit(text[0]) && IsDigit(text[1]) && text[2] == (byte)',';

    /// <summary>True when the line at the start of the bytes is empty or spaces.</summary>
    private static bool IsBlankStart(ReadOnlySpan<byte> text)
    {
        var newLine = text.IndexOf((byte)'\n');
        return IsBlank(newLine < 0 ? text : text[..newLine]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>Takes a framed record into the reader's own buffer and moves the line and byte counters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accept(ReadOnlySpan<byte> bytes, in FrameResult frame)
    {
        if (bytes.Length > record.Length)
        {
            CheckLength(bytes.Length);
            record = new byte[Math.Max(bytes.Length, record.Length * 2)];
        }

        bytes.CopyTo(record);
        recordLength = bytes.Length;
        LineNumber = nextLineNumber;
        ByteOffset = nextByteOffset;
        nextLineNumber += frame.NewLines;
        nextByteOffset += frame.Consumed;
        if (frame.EndedMidLine)
        {
            Deviation(new Bai2Location(fileName, nextLineNumber, nextByteOffset, string.Empty, -1), Bai2ErrorCodes.SeveralRecordsOnLine, Bai2ErrorMessages.Format(Bai2ErrorMessages.SeveralRecordsOnLine, Bai2ErrorMessages.Show(bytes[..Math.Min(bytes.Length, 3)]) + "..."));
        }
    }
}
