using System.Runtime.CompilerServices;

namespace CashApp.Grpc.Cli;

/// <summary>
/// A write-only stream that keeps what is written in memory, in chunks (1 MiB unless told otherwise), until <see cref="CopyTo(Stream)"/>
/// hands it on: output held back until its input is known to be valid, with no copy as it grows and no 2 GB limit.
/// </summary>
internal sealed class SpooledBytes : Stream
{
    private readonly int chunkSize;
    private readonly List<byte[]> chunks = [];
    private int used;
    private long length;

    /// <summary>Creates an empty spool that grows in chunks of <paramref name="chunkSize"/> bytes (1 MiB by default).</summary>
    public SpooledBytes(int chunkSize = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        this.chunkSize = chunkSize;
        used = chunkSize;
    }

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => length;

    /// <inheritdoc/>
    public override long Position
    {
        get => length;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        length += buffer.Length;
        while (!buffer.IsEmpty)
        {
            if (used == chunkSize)
            {
                // Every byte of a chunk is written before it is read: no need to clear it first.
                chunks.Add(GC.AllocateUninitializedArray<byte>(chunkSize));
                used = 0;
            }

            var n = Math.Min(buffer.Length, chunkSize - used);
            buffer[..n].CopyTo(chunks[^1].AsSpan(used));
            used += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Writes everything held, in order, to <paramref name="destination"/>.</summary>
    public new void CopyTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        for (var i = 0; i < chunks.Count; i++)
        {
            destination.Write(chunks[i], 0, i == chunks.Count - 1 ? used : chunkSize);
        }
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
}
