using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// Streaming reader of fixed-width lockbox files (LOCKBOX.md): one payment per check, in file order, with the
/// control totals of every batch and lockbox and the file's record count checked as it goes. Memory stays bounded
/// by the pipe's buffer and one check, whatever the file's size.
/// </summary>
public static class LockboxReader
{
    internal static readonly StreamPipeReaderOptions PipeOptions = new(bufferSize: 1 << 16, minimumReadSize: 1 << 12, leaveOpen: true);

    /// <summary>
    /// Streams one payment per check. A bad record, a control total that does not add up or a truncated file throws
    /// <see cref="LockboxFormatException"/> naming the line; payments already yielded stay valid, so a caller that
    /// must not act on half a file collects them first (<see cref="BankFiles.ReadAllAsync"/> does).
    /// </summary>
    public static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, layout, warnings, keepExtra: null, cancellationToken);

    /// <summary>
    /// <see cref="ReadAsync(Stream, string, LockboxLayout, ICollection{ParseWarning}?, CancellationToken)"/>, asking
    /// <paramref name="keepExtra"/> (<see cref="BankFileReadOptions.KeepExtra"/>) about each payment as it is completed.
    /// </summary>
    internal static IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings, Func<BankTransaction, bool>? keepExtra, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(layout);
        return ReadAsync(PipeReader.Create(stream, PipeOptions), ownsReader: true, fileName, layout, warnings, keepExtra, cancellationToken);
    }

    /// <summary>Streams one payment per check from a pipe; the pipe is completed at the end when <paramref name="ownsReader"/>.</summary>
    internal static async IAsyncEnumerable<BankTransaction> ReadAsync(
        PipeReader reader,
        bool ownsReader,
        string fileName,
        LockboxLayout layout,
        ICollection<ParseWarning>? warnings,
        Func<BankTransaction, bool>? keepExtra,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var decoder = new LockboxDecoder(fileName, layout, warnings) { KeepExtra = keepExtra };
        try
        {
            while (true)
            {
                var completed = await FeedAsync(reader, decoder, cancellationToken).ConfigureAwait(false);

                var output = decoder.Output;
                for (var i = 0; i < output.Count; i++)
                {
                    yield return output[i];
                }

                output.Clear();
                if (completed)
                {
                    break;
                }
            }

            decoder.End();
            foreach (var transaction in decoder.Output)
            {
                yield return transaction;
            }
        }
        finally
        {
            if (ownsReader)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads what the pipe has, frames the whole records in it into the decoder, and says whether the pipe is done.</summary>
    internal static async ValueTask<bool> FeedAsync(PipeReader reader, LockboxDecoder decoder, CancellationToken cancellationToken)
    {
        var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        var consumed = buffer.Start;
        try
        {
            consumed = decoder.Frame(buffer, result.IsCompleted);
            if (!result.IsCompleted)
            {
                decoder.CheckUnfinishedLine(buffer.Length - buffer.Slice(buffer.Start, consumed).Length);
            }
        }
        finally
        {
            reader.AdvanceTo(consumed, buffer.End);
        }

        return result.IsCompleted;
    }

    /// <summary>
    /// Checks a whole lockbox file (record order, every field the reader uses, every control total and the record
    /// count) without building payments: a preflight that allocates nothing per check. Throws
    /// <see cref="LockboxFormatException"/> exactly where <see cref="ReadAsync(Stream, string, LockboxLayout, ICollection{ParseWarning}?, CancellationToken)"/> would.
    /// </summary>
    public static async Task<LockboxSummary> ValidateAsync(Stream stream, string fileName, LockboxLayout layout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(layout);
        var reader = PipeReader.Create(stream, PipeOptions);
        var decoder = new LockboxDecoder(fileName, layout, null, materialize: false);
        try
        {
            while (true)
            {
                var completed = await FeedAsync(reader, decoder, cancellationToken).ConfigureAwait(false);

                if (completed)
                {
                    break;
                }
            }

            decoder.End();
            return decoder.Summary;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Checks a lockbox file held in memory without building payments; see <see cref="ValidateAsync"/>.</summary>
    public static LockboxSummary Validate(ReadOnlySpan<byte> content, string fileName, LockboxLayout layout)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(layout);
        var decoder = new LockboxDecoder(fileName, layout, null, materialize: false);
        decoder.FrameAll(content);
        decoder.End();
        return decoder.Summary;
    }

    /// <summary>
    /// Reads a lockbox file held in memory, synchronously: the same checks as <see cref="ReadAsync(Stream, string, LockboxLayout, ICollection{ParseWarning}?, CancellationToken)"/>.
    /// </summary>
    public static IReadOnlyList<BankTransaction> Read(ReadOnlySpan<byte> content, string fileName, LockboxLayout layout, ICollection<ParseWarning>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(layout);
        var decoder = new LockboxDecoder(fileName, layout, warnings);
        decoder.FrameAll(content);
        decoder.End();
        return decoder.Output;
    }
}

/// <summary>What a checked lockbox file holds: counts of its 8, 7 and 6 records, the checks' total and all records.</summary>
public readonly record struct LockboxSummary(int Lockboxes, int Batches, int Checks, long AmountMinor, int Records);
