using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// A fixed-width lockbox file read in parts (<see cref="BankFileParts"/>): the checking decoder is the one-thread
/// path's decoder over the same pipe, building no payment; a part starts after a batch total.
/// </summary>
/// <remarks>
/// With <paramref name="withoutExtra"/> (<c>cashapp parse</c>'s rows) a part's payments carry no extra data; otherwise
/// <paramref name="keepExtra"/> (<see cref="BankFileReadOptions.KeepExtra"/>) is asked about each as its decoder completes it.
/// </remarks>
internal sealed class LockboxPartReader(string fileName, LockboxLayout layout, int partBytes, bool withoutExtra = false, Func<BankTransaction, bool>? keepExtra = null) : BankFileParts.PartReader
{
    // 64 KiB of lines at a time; smaller parts (tests) are cut as finely as their parts, lines longer than a slice included.
    private readonly int sliceBytes = Math.Min(1 << 16, partBytes);

    /// <summary>A part ends with its last line's line feed: nothing after it is needed.</summary>
    public override int Lookahead => 0;

    public override async Task CheckAsync(Stream stream, ICollection<ParseWarning>? warnings, Action<long, object> mark, CancellationToken cancellationToken)
    {
        var decoder = new LockboxDecoder(fileName, layout, warnings, materialize: false);
        mark(0, decoder.CloneForPart());
        decoder.MarkParts(partBytes, mark);
        var reader = PipeReader.Create(stream, LockboxReader.PipeOptions);
        try
        {
            while (!await LockboxReader.FeedAsync(reader, decoder, cancellationToken).ConfigureAwait(false))
            {
            }

            decoder.End();
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Read(object state, ReadOnlyMemory<byte> bytes, BankFileParts.Part part, bool isFinal, Action<BankTransaction> add)
    {
        // A slice of lines at a time, its payments handed on before the next: a part's payments are not all kept alive
        // at once (they would outlive a collection or two and be copied).
        var decoder = (LockboxDecoder)state;
        decoder.WithoutExtra = withoutExtra;
        decoder.KeepExtra = keepExtra;
        var span = bytes.Span;
        while (span.Length > sliceBytes)
        {
            var used = decoder.FramePart(span[..sliceBytes], isFinal: false);
            if (used == 0)
            {
                break;
            }

            span = span[used..];
            Drain(decoder, add);
        }

        decoder.FramePart(span, isFinal);
        EndPart(decoder, part);
        Drain(decoder, add);
    }

    /// <summary>
    /// Each check's row given as soon as the check is complete, made from its records without the payment and its
    /// strings (<see cref="LockboxDecoder.ReadRows"/>): nothing of a check outlives it, so the part is read in one go.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ReadRows(object state, ReadOnlyMemory<byte> bytes, BankFileParts.Part part, bool isFinal, BankRowSink add)
    {
        var decoder = (LockboxDecoder)state;
        decoder.WithoutExtra = true;
        decoder.ReadRows(add);
        decoder.FramePart(bytes.Span, isFinal);
        EndPart(decoder, part);
    }

    /// <summary>The end of a part: the file's end checked in the last, the end the checking decoder marked in the others.</summary>
    private void EndPart(LockboxDecoder decoder, BankFileParts.Part part)
    {
        if (part.ToEndOfFile)
        {
            decoder.End();
        }
        else if (decoder.NextOffset != part.End)
        {
            throw new InvalidOperationException($"{fileName}: the part from byte {part.Start} ended at byte {decoder.NextOffset}, not at byte {part.End} where the checking decoder marked it.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Drain(LockboxDecoder decoder, Action<BankTransaction> add)
    {
        var output = decoder.Output;
        for (var i = 0; i < output.Count; i++)
        {
            add(output[i]);
        }

        output.Clear();
    }
}
