using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.CompilerServices;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp parse</c>: one CSV row per transaction of a bank file, in file order.</summary>
internal static class ParseCommand
{
    /// <summary>How many transactions go from the reading thread to the writing thread at a time.</summary>
    private const int BlockSize = 512;

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
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"cashapp parse: {path}: no such file.").ConfigureAwait(false);
                return 2;
            }

            var layoutPath = parse.GetValue(layout)?.FullName;
            var options = new BankFileReadOptions
            {
                Lenient = parse.GetValue(lenient),
                LockboxLayout = layoutPath is null ? null : LockboxLayout.Load(layoutPath),
            };
            await using var stdout = Console.OpenStandardOutput();
            return await RunAsync(path, options, stdout, Console.Error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> and writes its rows to <paramref name="output"/>; 0, or 1 with the
    /// file, line and reason on <paramref name="error"/> and nothing on <paramref name="output"/>. A strict BAI2 or a
    /// fixed-width lockbox file of two parts or more (<paramref name="partBytes"/>, <see cref="BankFileParts.DefaultPartBytes"/>
    /// when 0) is read in parts on every core; any other file on one thread, its rows written on a second.
    /// </summary>
    internal static async Task<int> RunAsync(string path, BankFileReadOptions options, Stream output, TextWriter error, CancellationToken cancellationToken, int partBytes = 0)
    {
        // An invalid file prints nothing on standard output, so no row goes out before the whole file has been read.
        // The rows are made as the transactions stream in and kept as CSV bytes, never as transactions: a 100 MB file
        // holds 1.6M transactions, and keeping them all alive cost more in the collector than reading them did.
        var rows = new List<SpooledBytes>();
        var warnings = new List<ParseWarning>();
        try
        {
            var format = BankFiles.Detect(path, options.LockboxLayout);
            partBytes = partBytes > 0 ? partBytes : BankFileParts.DefaultPartBytes;
            if (BankFileParts.CanRead(format, options) && new FileInfo(path).Length >= 2L * partBytes)
            {
                var header = new SpooledBytes();
                var headerWriter = new ParseRowWriter(header, 1 << 12);
                headerWriter.WriteHeader(Columns);
                headerWriter.Flush();
                rows.Add(header);
                var parts = await BankFileParts.ReadAsync(
                    path,
                    format,
                    options with { WithoutExtra = true },
                    warnings,
                    static () => new PartRows(),
                    [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (part, transaction) => part.Writer.Write(transaction),
                    static part => part.Writer.Flush(),
                    partBytes,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                rows.AddRange(parts.Select(part => part.Bytes));
            }
            else
            {
                var all = new SpooledBytes();
                rows.Add(all);
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
                ReadAndWrite(BankFiles.ReadAsync(stream, path, format, options, warnings, cancellationToken).ToBlockingEnumerable(cancellationToken), all);
            }
        }
        catch (BankFileFormatException ex)
        {
            await error.WriteLineAsync($"cashapp parse: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        foreach (var warning in warnings)
        {
            await error.WriteLineAsync(warning.ToString()).ConfigureAwait(false);
        }

        foreach (var part in rows)
        {
            part.CopyTo(output);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
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
                    var writer = new ParseRowWriter(rows, 1 << 20);
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
    /// The rows of one part of a file read in parts, in chunks of 128 KiB: a part holds about a megabyte, and a chunk
    /// of 85,000 bytes or more goes to the large object heap, which the collector never copies (the rows stay until
    /// the whole file has been read).
    /// </summary>
    private sealed class PartRows
    {
        public PartRows()
        {
            Writer = new ParseRowWriter(Bytes, 1 << 17);
        }

        public SpooledBytes Bytes { get; } = new();

        public ParseRowWriter Writer { get; }
    }
}
