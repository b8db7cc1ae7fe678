using System.Buffers;
using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// BAI2 read in parts (<see cref="BankFileParts"/>): the checking reader is the record reader the one-thread path
/// uses, over the same pipe, without building transactions; a part may start after any record of a strict file.
/// </summary>
internal sealed class Bai2PartReader(string fileName, Bai2ReaderOptions options, int partBytes, bool withoutExtra = false) : BankFileParts.PartReader
{
    /// <summary>The framer decides that a record ends once it sees three bytes of the next line.</summary>
    public override int Lookahead => 16;

    public override async Task CheckAsync(Stream stream, ICollection<ParseWarning>? warnings, Action<long, object> mark, CancellationToken cancellationToken)
    {
        var reader = new Bai2RecordReader(fileName, options, warnings);
        reader.CheckOnly();
        mark(0, reader.CloneForPart());
        var marked = 0L;
        var none = new List<int>();
        await foreach (var _ in Bai2Reader.ReadBatchesAsync(
            stream,
            reader,
            none,
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (r, _) =>
            {
                if (r.NextByteOffset - marked >= partBytes)
                {
                    marked = r.NextByteOffset;
                    mark(marked, r.CloneForPart());
                }
            },
            cancellationToken).ConfigureAwait(false))
        {
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Read(object state, ReadOnlyMemory<byte> bytes, BankFileParts.Part part, bool isFinal, Action<BankTransaction> add)
    {
        var transactions = new Bai2Transactions(withoutExtra, options.KeepExtra);
        ReadRecords(state, bytes, part, isFinal, (reader) =>
        {
            if (transactions.TryCreate(reader, out var transaction))
            {
                add(transaction);
            }
        });
    }

    /// <summary>Each row made straight from its 16 record, without the transaction (<see cref="Bai2Transactions.TryRow"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ReadRows(object state, ReadOnlyMemory<byte> bytes, BankFileParts.Part part, bool isFinal, BankRowSink add)
    {
        var transactions = new Bai2Transactions(withoutExtra: true);
        ReadRecords(state, bytes, part, isFinal, (reader) => transactions.TryRow(reader, add));
    }

    /// <summary>Reads the part's records from its state, calling <paramref name="detail"/> at each 16 record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadRecords(object state, ReadOnlyMemory<byte> bytes, BankFileParts.Part part, bool isFinal, Action<Bai2RecordReader> detail)
    {
        var reader = (Bai2RecordReader)state;
        var sequence = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        while (part.ToEndOfFile || reader.NextByteOffset < part.End)
        {
            switch (reader.Read(ref sequence, isFinal))
            {
                case Bai2ReadStatus.Record:
                    if (reader.RecordCode == Bai2RecordCode.TransactionDetail)
                    {
                        detail(reader);
                    }

                    break;
                case Bai2ReadStatus.EndOfFile when part.ToEndOfFile:
                    return;
                default:
                    throw new InvalidOperationException($"{fileName}: the part from byte {part.Start} ended before byte {part.End}, where the checking reader saw a record end.");
            }
        }
    }
}
