using System.Runtime.CompilerServices;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Lockbox;
using Microsoft.Win32.SafeHandles;

namespace CashApp.Parsers.Common;

/// <summary>
/// Reads a large bank file on several threads, with the same transactions, in the same order, and the same first
/// error as the one-thread reader. One thread reads the whole file with the format's own reader, checking every
/// record, total and count but building no transaction, and marks where a part may start: a copy of its state at a
/// record boundary (BAI2: any record of a strict file; lockbox: after a batch total). Worker threads read the parts
/// from those states and build their transactions. A file that fails fails with the first error in file order:
/// a part's error before the checking reader's, which lies after every part it marked.
/// </summary>
/// <remarks>
/// Only formats and options whose reading is the same from a copied state are read in parts: BAI2 in strict mode
/// (lenient mode may put several records on one line, and numbers their references by line) and fixed-width
/// lockbox files. Warnings come from the checking reader alone, in file order.
/// </remarks>
public static partial class BankFileParts
{
    /// <summary>How many bytes of a file a part holds at least (the last excepted), unless told otherwise.</summary>
    public const int DefaultPartBytes = 1 << 20;

    /// <summary>True when files of <paramref name="format"/> read with <paramref name="options"/> can be read in parts.</summary>
    public static bool CanRead(BankFileFormat format, BankFileReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return format switch
        {
            BankFileFormat.Bai2 => !options.Lenient,
            BankFileFormat.Lockbox => true,
            _ => false,
        };
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> in parts: each part's transactions, in file order, go to
    /// <paramref name="add"/> on a worker thread into the part <paramref name="createPart"/> made for it, and
    /// <paramref name="complete"/> finishes it on the same thread. Returns the parts in file order once the whole
    /// file has been checked and read; throws the <see cref="BankFileFormatException"/> of the first error in file
    /// order otherwise.
    /// </summary>
    /// <param name="createPart">Makes the container of one part.</param>
    /// <inheritdoc cref="ReadAsync{TPart}(string, BankFileFormat, BankFileReadOptions, ICollection{ParseWarning}?, Func{int, TPart}, Action{TPart, BankTransaction}, Action{TPart}?, Action?, int, int, CancellationToken)" path="/param[@name!='createPart']"/>
    /// <inheritdoc cref="ReadAsync{TPart}(string, BankFileFormat, BankFileReadOptions, ICollection{ParseWarning}?, Func{int, TPart}, Action{TPart, BankTransaction}, Action{TPart}?, Action?, int, int, CancellationToken)" path="/typeparam"/>
    public static Task<IReadOnlyList<TPart>> ReadAsync<TPart>(
        string path,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        Func<TPart> createPart,
        Action<TPart, BankTransaction> add,
        Action<TPart>? complete = null,
        int partBytes = 0,
        int workers = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createPart);
        return ReadAsync(path, format, options, warnings, _ => createPart(), add, complete, checkedWhole: null, partBytes, workers, cancellationToken);
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> in parts, as the overload above does, with each part's index (its place in
    /// file order) given to <paramref name="createPart"/>, and <paramref name="checkedWhole"/> called once the checking
    /// reader has read the whole file without error: from then on the file can fail only if reading a part fails,
    /// which reads the same bytes again (<see cref="PartReader"/>) and so fails only if they were rewritten in place
    /// meanwhile, so a caller may act on parts as they complete
    /// instead of after the last one (<c>cashapp parse</c> writes them out).
    /// </summary>
    /// <typeparam name="TPart">What the caller makes of a part's transactions (a list, CSV rows).</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="format">Its format; see <see cref="CanRead"/>.</param>
    /// <param name="options">How to read it.</param>
    /// <param name="warnings">Receives the warnings, in file order; may be null.</param>
    /// <param name="createPart">Makes the container of the part of the index given, on the worker that reads it.</param>
    /// <param name="add">Adds a transaction to its part; called on worker threads, one part at a time per thread.</param>
    /// <param name="complete">Finishes a part after its last transaction; may be null.</param>
    /// <param name="checkedWhole">
    /// Called on the checking reader's thread once it has read the whole file without error, with no part failed so far,
    /// after every warning has been added and every part handed to the workers (some may still be reading); may be null.
    /// A file that grew or shrank while the checking reader read it fails before this, with an <see cref="IOException"/>.
    /// </param>
    /// <param name="partBytes">How many bytes a part holds at least; <see cref="DefaultPartBytes"/> when 0.</param>
    /// <param name="workers">How many threads read parts; the processor count when 0.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static Task<IReadOnlyList<TPart>> ReadAsync<TPart>(
        string path,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        Func<int, TPart> createPart,
        Action<TPart, BankTransaction> add,
        Action<TPart>? complete,
        Action? checkedWhole,
        int partBytes = 0,
        int workers = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(add);
        var keepExtra = options.KeepExtraOnceRead(format);
        return ReadCoreAsync(
            path,
            format,
            options,
            warnings,
            createPart,
            (reader, part, bytes, isFinal, container) => reader.Read(part.State, bytes, part, isFinal, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) =>
            {
                if (keepExtra is not null)
                {
                    t.AskKeepExtra(keepExtra);
                }

                add(container, t);
            }),
            complete,
            checkedWhole,
            partBytes,
            workers,
            cancellationToken);
    }

    /// <summary>The reading in parts of both overloads: <paramref name="readPart"/> reads a part's bytes into its container.</summary>
    private static async Task<IReadOnlyList<TPart>> ReadCoreAsync<TPart>(
        string path,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        Func<int, TPart> createPart,
        Action<PartReader, Part, ReadOnlyMemory<byte>, bool, TPart> readPart,
        Action<TPart>? complete,
        Action? checkedWhole,
        int partBytes,
        int workers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createPart);
        if (!CanRead(format, options))
        {
            throw new ArgumentException($"{format} files read with these options are not read in parts.", nameof(format));
        }

        partBytes = partBytes > 0 ? partBytes : DefaultPartBytes;
        workers = workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount);
        PartReader reader = format == BankFileFormat.Bai2
            ? new Bai2PartReader(path, new Bai2ReaderOptions { Lenient = false, KeepExtra = options.KeepExtra }, partBytes, options.WithoutExtra)
            : new LockboxPartReader(path, options.LockboxLayout ?? LockboxLayout.Default, partBytes, options.WithoutExtra, options.KeepExtra);

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);

        // The file as it is now is what gets read: the checking reader must end exactly here, and no part reads past
        // it, so a file still being written (an upload, an append) fails before anything is given to the caller
        // instead of a part reading bytes the checking reader never saw.
        var fileLength = RandomAccess.GetLength(handle);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var parts = new PartQueue(stop.Token);
        var results = new PartResults<TPart>();
        var firstError = int.MaxValue;

        void Work()
        {
            var buffer = Array.Empty<byte>();
            while (parts.TryTake(out var part))
            {
                // A part after one that failed is of no use: the file is rejected at the earlier error.
                if (part.Index > Volatile.Read(ref firstError))
                {
                    continue;
                }

                try
                {
                    var end = part.ToEndOfFile ? fileLength : Math.Min(part.End + reader.Lookahead, fileLength);
                    var length = checked((int)(end - part.Start));
                    if (buffer.Length < length)
                    {
                        buffer = GC.AllocateUninitializedArray<byte>(Math.Max(length, buffer.Length * 2));
                    }

                    ReadExactly(path, handle, buffer.AsSpan(0, length), part.Start);
                    var container = createPart(part.Index);
                    readPart(reader, part, buffer.AsMemory(0, length), end == fileLength, container);
                    complete?.Invoke(container);
                    results.Set(part.Index, container);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    results.Fail(part.Index, ex);
                    int seen;
                    while (part.Index < (seen = Volatile.Read(ref firstError)) && Interlocked.CompareExchange(ref firstError, part.Index, seen) != seen)
                    {
                    }
                }
            }
        }

        var threads = new Task[workers];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = Task.Factory.StartNew(Work, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var count = 0;
        Exception? checkError = null;
        try
        {
            (long Offset, object State)? previous = null;
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await reader.CheckAsync(
                stream,
                warnings,
                (offset, state) =>
                {
                    if (previous is { } p)
                    {
                        parts.Add(new Part(count++, p.State, p.Offset, offset, ToEndOfFile: false));
                    }

                    previous = (offset, state);
                },
                stop.Token).ConfigureAwait(false);
            if (stream.Position != fileLength)
            {
                throw new IOException($"{path}: the file changed while it was being read: {fileLength:N0} bytes when opened, {stream.Position:N0} read.");
            }

            parts.Add(new Part(count++, previous!.Value.State, previous.Value.Offset, fileLength, ToEndOfFile: true));

            // A part that has failed already fails the file: its caller is told nothing is checked.
            if (Volatile.Read(ref firstError) == int.MaxValue)
            {
                checkedWhole?.Invoke();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            checkError = ex;
        }
        finally
        {
            parts.CompleteAdding();
            try
            {
                await Task.WhenAll(threads).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Reported below.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();

        // Every part marked lies before the checking reader's error: a part's error comes first.
        if (results.FirstError is { } partError)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(partError);
        }

        if (checkError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(checkError);
        }

        return results.InOrder(count);
    }

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new IOException($"{path}: the file got shorter while it was being read.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>
    /// The parts, from the checking reader to the workers in file order: a lock and an array. The framework's
    /// <c>BlockingCollection</c> of our <see cref="Part"/> did the same, but its code over our type cannot be compiled ahead
    /// of time (ReadyToRun), so every process that read a file in parts compiled about 20 of its methods at start-up.
    /// </summary>
    internal sealed class PartQueue : IDisposable
    {
        private readonly object gate = new();
        private readonly CancellationToken cancellationToken;
        private readonly CancellationTokenRegistration registration;
        private Part[] items = new Part[16];
        private int head;
        private int tail;
        private bool completed;

        /// <summary>A queue whose <see cref="Add"/> and <see cref="TryTake"/> throw once <paramref name="cancellationToken"/> is cancelled.</summary>
        public PartQueue(CancellationToken cancellationToken)
        {
            this.cancellationToken = cancellationToken;
            registration = cancellationToken.Register(static queue => ((PartQueue)queue!).WakeAll(), this);
        }

        /// <summary>Adds a part at the end.</summary>
        public void Add(Part part)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (gate)
            {
                if (completed)
                {
                    throw new InvalidOperationException("No part may be added once the parts are complete.");
                }

                if (tail == items.Length)
                {
                    var larger = new Part[items.Length * 2];
                    Array.Copy(items, larger, tail);
                    items = larger;
                }

                items[tail++] = part;
                Monitor.Pulse(gate);
            }
        }

        /// <summary>No part follows: a worker waiting for one is told there is none.</summary>
        public void CompleteAdding() => WakeAll(complete: true);

        /// <summary>Takes the first part not yet taken, waiting for one; false once every part has been taken and no more will come.</summary>
        public bool TryTake(out Part part)
        {
            lock (gate)
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (head < tail)
                    {
                        part = items[head];
                        items[head++] = default;
                        return true;
                    }

                    if (completed)
                    {
                        part = default;
                        return false;
                    }

                    Monitor.Wait(gate);
                }
            }
        }

        public void Dispose() => registration.Dispose();

        private void WakeAll(bool complete = false)
        {
            lock (gate)
            {
                completed |= complete;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>
    /// The parts the workers have read, by index, and the error of the first part (in file order) that failed: a lock and
    /// an array, for the same reason as <see cref="PartQueue"/> (the framework's concurrent dictionary over our part).
    /// </summary>
    /// <typeparam name="TPart">What the caller makes of a part.</typeparam>
    internal sealed class PartResults<TPart>
    {
        private readonly Lock gate = new();
        private TPart[] parts = new TPart[16];
        private int filled;
        private int firstErrorIndex = int.MaxValue;

        /// <summary>The error of the first part in file order that failed; null when none did.</summary>
        public Exception? FirstError { get; private set; }

        /// <summary>Keeps the part of <paramref name="index"/>.</summary>
        public void Set(int index, TPart part)
        {
            lock (gate)
            {
                if (index >= parts.Length)
                {
                    var larger = new TPart[Math.Max(parts.Length * 2, index + 1)];
                    Array.Copy(parts, larger, parts.Length);
                    parts = larger;
                }

                parts[index] = part;
                filled++;
            }
        }

        /// <summary>Notes that the part of <paramref name="index"/> failed with <paramref name="error"/>.</summary>
        public void Fail(int index, Exception error)
        {
            lock (gate)
            {
                if (index < firstErrorIndex)
                {
                    firstErrorIndex = index;
                    FirstError = error;
                }
            }
        }

        /// <summary>The first <paramref name="count"/> parts, in file order; every one of them must have been kept.</summary>
        public IReadOnlyList<TPart> InOrder(int count)
        {
            lock (gate)
            {
                if (filled != count)
                {
                    throw new InvalidOperationException($"{filled} of the file's {count} parts were read.");
                }

                var ordered = new TPart[count];
                Array.Copy(parts, ordered, count);
                return ordered;
            }
        }
    }

    /// <summary>A part of a file: from <paramref name="Start"/> (where <paramref name="State"/> stands) to <paramref name="End"/>.</summary>
    internal readonly record struct Part(int Index, object State, long Start, long End, bool ToEndOfFile);

    /// <summary>One format's reading in parts.</summary>
    internal abstract class PartReader
    {
        /// <summary>Bytes after a part's end that its reader must see to know that its last record ends there.</summary>
        public abstract int Lookahead { get; }

        /// <summary>
        /// Reads the whole file as the one-thread reader does, building no transaction, and calls
        /// <paramref name="mark"/> with the offset and a copy of the state where each part starts (the first at 0).
        /// Throws where the one-thread reader would.
        /// </summary>
        public abstract Task CheckAsync(Stream stream, ICollection<ParseWarning>? warnings, Action<long, object> mark, CancellationToken cancellationToken);

        /// <summary>Reads one part from its state: <paramref name="bytes"/> start at the part's start.</summary>
        public abstract void Read(object state, ReadOnlyMemory<byte> bytes, Part part, bool isFinal, Action<BankTransaction> add);

        /// <summary>
        /// Reads one part as <see cref="Read"/> does, giving each transaction's row: by default the row of each
        /// transaction <see cref="Read"/> builds; a format may make the rows without the transactions.
        /// </summary>
        public virtual void ReadRows(object state, ReadOnlyMemory<byte> bytes, Part part, bool isFinal, BankRowSink add) =>
            Read(state, bytes, part, isFinal, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) => add(BankRow.Of(t)));
    }
}
