using System.Collections.Concurrent;

namespace CashApp.Grpc.Cli;

/// <summary>
/// Output held in memory, as the chunks a <see cref="ParseRowWriter"/> filled, until <see cref="CopyTo(Stream)"/> or
/// <see cref="MoveTo"/> hands it on: output held back until its input is known to be valid, with no copy as it grows
/// and no 2 GB limit. The writer takes its chunks from here (<see cref="NewChunk"/>) and gives each back filled, so a
/// byte is written once into the memory that holds it; a spool made with a pool of chunks takes them from the pool,
/// and <see cref="MoveTo"/> returns them to it, so that memory written out is filled again instead of new memory
/// (copying rows into a spool of its own and the first touch of every page of it were a tenth of a parse's CPU).
/// </summary>
internal sealed class SpooledBytes(int chunkSize = 1 << 20, ConcurrentStack<byte[]>? pool = null)
{
    private readonly List<(byte[] Chunk, int Count)> chunks = [];

    /// <summary>How many bytes are held.</summary>
    public long Length { get; private set; }

    /// <summary>The size of the chunks <see cref="NewChunk"/> gives.</summary>
    public int ChunkSize => chunkSize;

    /// <summary>An empty chunk of <see cref="ChunkSize"/> bytes to fill, from the pool when it has one.</summary>
    public byte[] NewChunk() =>
        pool is not null && pool.TryPop(out var chunk)
            ? chunk

            // Every byte of a chunk is written before it is read: no need to clear it first.
            : GC.AllocateUninitializedArray<byte>(chunkSize);

    /// <summary>Keeps the first <paramref name="count"/> bytes of <paramref name="chunk"/>, which the caller no longer writes to.</summary>
    public void Keep(byte[] chunk, int count)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, chunk.Length);
        chunks.Add((chunk, count));
        Length += count;
    }

    /// <summary>Writes everything held, in order, to <paramref name="destination"/>.</summary>
    public void CopyTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (var (chunk, count) in chunks)
        {
            destination.Write(chunk, 0, count);
        }
    }

    /// <summary>Writes everything held, in order, to <paramref name="destination"/>, then empties the spool, its chunks back in the pool.</summary>
    public void MoveTo(Stream destination)
    {
        CopyTo(destination);
        foreach (var (chunk, _) in chunks)
        {
            if (chunk.Length == chunkSize)
            {
                pool?.Push(chunk);
            }
        }

        chunks.Clear();
        Length = 0;
    }
}
