using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.CompilerServices;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp parse</c>: one CSV row per transaction of a bank file, in file order.</summary>
internal static class ParseCommand
{
    /// <summary>How many transactions go from the reading thread to the writing thread at a time.</summary>
    private const int BlockSize = 512;

    /// <summary>
    /// Files smaller than this are read and written on one thread: their rows take a few milliseconds, less than starting
    /// the writing thread and compiling its queue's code (about 30 methods of the framework's generics over our types).
    /// </summary>
    internal const int SmallFileBytes = 1 << 18;

    /// <summary>The columns, in order; <see cref="ParseRowWriter"/> writes a row's values in this order.</summary>
    internal static readonly string[] Columns =
    [
        "payment_ref", "direction", "amount", "currency", "format", "line", "is_payment", "type_code", "value_date",
        "payer_name", "payer_account", "payer_id", "remittance", "text",
    ];

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A bank file: BAI2, camt.053/054 or lockbox (detected from content)." };
        var layout = new Option<FileInfo?>("--lockbox-layout") { Description = "A lockbox layout JSON file (LOCKBOX.md)." };
        var lenient = new Option<bool>("--lenient") { Description = "Accept known bank deviations as warnings (printed on standard error)." };
        var command = new Command("parse", "Read one bank file and write its transactions, credits and debits, as CSV on standard output.")
        {
            file, layout, lenient,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var layoutPath = parse.GetValue(layout)?.FullName;
            if (!await CashAppCommand.AllFiles("parse", path, layoutPath).ConfigureAwait(false))
            {
                return 2;
            }

            // A layout that cannot be read is refused as a bank file is, with its file and line (it once ended the command
            // with an unhandled exception).
            LockboxLayout? lockboxLayout;
            try
            {
                lockboxLayout = layoutPath is null ? null : LockboxLayout.Load(layoutPath);
            }
            catch (LockboxLayoutException ex)
            {
                await Console.Error.WriteLineAsync($"cashapp parse: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                return 1;
            }

            var options = new BankFileReadOptions
            {
                Lenient = parse.GetValue(lenient),
                LockboxLayout = lockboxLayout,
            };
            await using var stdout = Console.OpenStandardOutput();
            return await RunAsync(path, options, stdout, Console.Error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> and writes its rows to <paramref name="output"/>; 0, or 1 with the
    /// file, line and reason on <paramref name="error"/> and nothing on <paramref name="output"/> (a file read in parts
    /// whose bytes are rewritten in place after it has been checked may leave the rows before the change). A strict BAI2 or a
    /// fixed-width lockbox file of two parts or more (<paramref name="partBytes"/>, <see cref="BankFileParts.DefaultPartBytes"/>
    /// when 0) is read in parts on every core; any other file on one thread, its rows written on a second unless the file
    /// is smaller than <paramref name="smallFileBytes"/>.
    /// </summary>
    internal static async Task<int> RunAsync(string path, BankFileReadOptions options, Stream output, TextWriter error, CancellationToken cancellationToken, int partBytes = 0, int smallFileBytes = SmallFileBytes)
    {
        // An invalid file prints nothing on standard output, so no row goes out before the whole file has been checked.
        // The rows are made as the transactions stream in and kept as CSV bytes, never as transactions: a 100 MB file
        // holds 1.6M transactions, and keeping them all alive cost more in the collector than reading them did.
        var warnings = new List<ParseWarning>();
        try
        {
            var format = BankFiles.Detect(path, options.LockboxLayout);
            partBytes = partBytes > 0 ? partBytes : BankFileParts.DefaultPartBytes;
            if (BankFileParts.CanRead(format, options) && new FileInfo(path).Length >= 2L * partBytes)
            {
                var rows = new RowsInOrder(output, error, warnings);
                var parts = await BankFileParts.ReadRowsAsync(
                    path,
                    format,
                    options,
                    warnings,
                    rows.CreatePart,
                    [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (PartRows part, in BankRow row) => part.Writer.Write(in row),
                    rows.Complete,
                    rows.Release,
                    partBytes,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                rows.CheckAllWritten(parts.Count);
            }
            else
            {
                var all = new SpooledBytes();
                await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous))
                {
                    var transactions = BankFiles.ReadAsync(stream, path, format, options with { WithoutExtra = true }, warnings, cancellationToken).ToBlockingEnumerable(cancellationToken);
                    // A pipe has no length: it is read as a big file is.
                    if (stream.CanSeek && stream.Length < smallFileBytes)
                    {
                        Write(transactions, all);
                    }
                    else
                    {
                        ReadAndWrite(transactions, all);
                    }
                }

                WriteWarnings(error, warnings);
                all.CopyTo(output);
            }
        }
        catch (BankFileFormatException ex)
        {
            await error.WriteLineAsync($"cashapp parse: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            // The file could not be read to its end (it changed, or the disk failed): said as plainly as a format error.
            await error.WriteLineAsync($"cashapp parse: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
            return 1;
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static void WriteWarnings(TextWriter error, List<ParseWarning> warnings)
    {
        foreach (var warning in warnings)
        {
            error.WriteLine(warning.ToString());
        }
    }

    /// <summary>Reads <paramref name="transactions"/> and writes their rows to <paramref name="rows"/>, on this thread.</summary>
    private static void Write(IEnumerable<BankTransaction> transactions, SpooledBytes rows)
    {
        var writer = new ParseRowWriter(rows);
        writer.WriteHeader(Columns);
        foreach (var transaction in transactions)
        {
            writer.Write(transaction);
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads <paramref name="transactions"/> on this thread and writes their rows to <paramref name="rows"/> on another,
    /// in blocks of <see cref="BlockSize"/> in file order: the reader and the row writer each take a core of their own
    /// (the rows were a fifth of a BAI2 file's CPU and a quarter of a lockbox file's). One writer, fed in order, so the
    /// bytes are the same as one thread's. When the reading throws, the rows written so far are finished and the
    /// exception goes on; when the writing throws, the reading stops and the writer's exception goes on.
    /// </summary>
    private static void ReadAndWrite(IEnumerable<BankTransaction> transactions, SpooledBytes rows)
    {
        using var stop = new CancellationTokenSource();
        using var blocks = new BlockingCollection<(BankTransaction[] Block, int Count)>(boundedCapacity: 16);
        var writing = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    var writer = new ParseRowWriter(rows);
                    writer.WriteHeader(Columns);
                    foreach (var (block, count) in blocks.GetConsumingEnumerable())
                    {
                        for (var i = 0; i < count; i++)
                        {
                            writer.Write(block[i]);
                        }
                    }

                    writer.Flush();
                }
                catch
                {
                    stop.Cancel();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            var block = new BankTransaction[BlockSize];
            var count = 0;
            foreach (var transaction in transactions)
            {
                block[count++] = transaction;
                if (count == BlockSize)
                {
                    blocks.Add((block, count), stop.Token);
                    block = new BankTransaction[BlockSize];
                    count = 0;
                }
            }

            if (count > 0)
            {
                blocks.Add((block, count), stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The writer failed: its exception is the one to report, below.
        }
        finally
        {
            blocks.CompleteAdding();
            Task.WaitAny(writing);
        }

        writing.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The rows of a file read in parts, written out in file order as soon as they may be. Until the checking reader
    /// has read the whole file without error (<see cref="Release"/>) every part's rows are held, so an invalid file
    /// still prints nothing; from then on a part's rows go out as soon as it and every part before it are complete,
    /// and their chunks go back to the pool for the parts still being read. The checking reader runs ahead of the parts,
    /// so most rows are never held: holding them all, in memory touched for the first time, was a tenth of a parse's
    /// CPU (the kernel's page faults) and most of its peak memory. The warnings, which come from the checking reader
    /// alone, go to standard error when it is done, before the first row, as when everything was held.
    /// </summary>
    private sealed class RowsInOrder(Stream output, TextWriter error, List<ParseWarning> warnings)
    {
        // Chunks of 128 KiB: 85,000 bytes or more go to the large object heap, which the collector never copies.
        private const int ChunkSize = 1 << 17;

        private readonly ConcurrentStack<byte[]> pool = new();
        private readonly Dictionary<int, SpooledBytes> complete = [];
        private readonly Lock gate = new();
        private int next;
        private bool released;

        /// <summary>Makes the rows of the part of <paramref name="index"/>.</summary>
        public PartRows CreatePart(int index) => new(index, new SpooledBytes(ChunkSize, pool));

        /// <summary>Finishes a part's rows, and writes them out if they may go now.</summary>
        public void Complete(PartRows part)
        {
            part.Writer.Flush();
            lock (gate)
            {
                complete.Add(part.Index, part.Bytes);
                WriteReady();
            }
        }

        /// <summary>The whole file has been checked: writes the warnings, the header and the parts complete so far.</summary>
        public void Release()
        {
            lock (gate)
            {
                WriteWarnings(error, warnings);
                var header = new ParseRowWriter(output, 1 << 12);
                header.WriteHeader(Columns);
                header.Flush();
                released = true;
                WriteReady();
            }
        }

        /// <summary>Throws unless every one of the file's <paramref name="parts"/> has been written out.</summary>
        public void CheckAllWritten(int parts)
        {
            lock (gate)
            {
                if (next != parts)
                {
                    throw new InvalidOperationException($"{next} of the file's {parts} parts were written out.");
                }
            }
        }

        private void WriteReady()
        {
            while (released && complete.Remove(next, out var rows))
            {
                rows.MoveTo(output);
                next++;
            }
        }
    }

    /// <summary>The rows of one part of a file read in parts.</summary>
    private sealed class PartRows(int index, SpooledBytes bytes)
    {
        public int Index => index;

        public SpooledBytes Bytes => bytes;

        public ParseRowWriter Writer { get; } = new(bytes);
    }
}
