namespace CashApp.Grpc.Cli;

/// <summary>
/// Output held in memory, as the chunks a <see cref="ParseRowWriter"/> filled, until <see cref="CopyTo(Stream)"/> hands
/// it on: output held back until its input is known to be valid, with no copy as it grows and no 2 GB limit. The
/// writer gives up each chunk it filled and starts a new one, so a byte is written once into the memory that holds
/// it (copying from the writer's buffer into a spool of its own was a tenth of a whole parse's CPU: the copy, and the
/// first touch of every page of the spool inside it).
/// </summary>
internal sealed class SpooledBytes
{
    private readonly List<(byte[] Chunk, int Count)> chunks = [];

    /// <summary>How many bytes are held.</summary>
    public long Length { get; private set; }

    /// <summary>Keeps the first <paramref name="count"/> bytes of <paramref name="chunk"/>, which the caller no longer writes to.</summary>
    public void Keep(byte[] chunk, int count)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, chunk.Length);
        if (count > 0)
        {
            chunks.Add((chunk, count));
            Length += count;
        }
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
}
