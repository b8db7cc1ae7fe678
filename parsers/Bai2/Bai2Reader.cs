using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// Streaming BAI2 reader (Cash Management Balance Reporting Specifications version 2). Records come out as the
/// bytes come in, and memory stays bounded by the pipe's buffer and the longest logical record. Either every
/// record of a valid file comes back, or a <see cref="Bai2FormatException"/> says where and why: a file whose
/// totals do not reconcile or that is cut short fails before its last records are handed out, at the latest at
/// its trailer.
/// </summary>
public static partial class Bai2Reader
{
    private const int PipeBufferSize = 256 * 1024;

    /// <summary>Streams the transactions (16 records) of a BAI2 file, credits and debits, in file order.</summary>
    /// <param name="stream">The file's bytes; left open.</param>
    /// <param name="fileName">The name errors and warnings give.</param>
    /// <param name="options">Strict or lenient, and the default currency.</param>
    /// <param name="warnings">Receives lenient-mode warnings; may be null.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async IAsyncEnumerable<BankTransaction> ReadAsync(Stream stream, string fileName, Bai2ReaderOptions options, ICollection<ParseWarning>? warnings, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Bai2RecordReader(fileName, options, warnings);
        var transactions = new Bai2Transactions(keepExtra: options.KeepExtra);
        var batch = new List<BankTransaction>();
        await foreach (var _ in ReadBatchesAsync(stream, reader, batch, (r, b) =>
        {
            if (r.RecordCode == Bai2RecordCode.TransactionDetail && transactions.TryCreate(r, out var transaction))
            {
                b.Add(transaction);
            }
        }, cancellationToken).ConfigureAwait(false))
        {
            foreach (var transaction in batch)
            {
                yield return transaction;
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Streams every record of a BAI2 file as a typed record (01, 02, 03, 16, 49, 98, 99; 88 continuations are
    /// joined to the record they continue), in file order.
    /// </summary>
    public static async IAsyncEnumerable<Bai2Record> ReadRecordsAsync(Stream stream, string fileName, Bai2ReaderOptions options, ICollection<ParseWarning>? warnings, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Bai2RecordReader(fileName, options, warnings);
        var batch = new List<Bai2Record>();
        await foreach (var _ in ReadBatchesAsync(stream, reader, batch, static (r, b) => b.Add(r.CreateRecord()), cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in batch)
            {
                yield return item;
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// The one loop that touches the <see cref="PipeReader"/>: for each buffer, reads every complete record with
    /// <paramref name="onRecord"/> and then yields once, so the caller hands out what the buffer held.
    /// </summary>
    /// <typeparam name="T">What <paramref name="onRecord"/> collects.</typeparam>
    internal static async IAsyncEnumerable<int> ReadBatchesAsync<T>(Stream stream, Bai2RecordReader reader, List<T> batch, Action<Bai2RecordReader, List<T>> onRecord, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onRecord);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, minimumReadSize: PipeBufferSize / 4, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                bool ended;
                try
                {
                    ended = Drain(reader, buffer, result.IsCompleted, batch, onRecord, out consumed);
                }
                finally
                {
                    pipe.AdvanceTo(consumed, buffer.End);
                }

                yield return batch.Count;
                if (ended)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool Drain<T>(Bai2RecordReader reader, ReadOnlySequence<byte> buffer, bool isFinalBlock, List<T> batch, Action<Bai2RecordReader, List<T>> onRecord, out SequencePosition consumed)
    {
        var sequence = new SequenceReader<byte>(buffer);
        try
        {
            while (true)
            {
                switch (reader.Read(ref sequence, isFinalBlock))
                {
                    case Bai2ReadStatus.Record:
                        onRecord(reader, batch);
                        break;
                    case Bai2ReadStatus.EndOfFile:
                        return true;
                    default:
                        return false;
                }
            }
        }
        finally
        {
            consumed = sequence.Position;
        }
    }
}
