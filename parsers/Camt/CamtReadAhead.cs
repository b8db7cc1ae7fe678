using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>
/// <see cref="CamtReader.Read"/> for a large file: the XML is read into entries on a thread of its own, and the
/// caller's thread maps them to transactions, in blocks of <see cref="BlockSize"/> entries in file order. Reading the
/// XML is most of a camt file's cost; mapping, and what the caller does with each transaction, then run beside it.
/// </summary>
/// <remarks>
/// The caller sees what the one-thread read gives: the same transactions, the same warnings in the same order (each
/// entry carries the parser's warnings raised before it, added just before it is mapped), the same exception at the
/// same point (the parser's failure comes after every entry read before it, and a mapping failure first stops the
/// reading thread). The parser hands an entry's statement over untouched: a header element after it goes into a copy.
/// </remarks>
internal static class CamtReadAhead
{
    /// <summary>
    /// Below this a file reads on one thread: starting a thread and handing blocks over costs more than it saves
    /// on a small file.
    /// </summary>
    internal const long DefaultMinBytes = 4L << 20;

    /// <summary>
    /// Entries per block. Few enough in flight (<see cref="BlockSize"/> times <see cref="BlocksAhead"/>) that they die
    /// young: 256 by 8 let them outlive the youngest generation (gen1 collections of the 1M day's file 36 -> 43;
    /// 64 by 4: 17).
    /// </summary>
    private const int BlockSize = 64;

    /// <summary>Blocks the reading thread may be ahead of the mapping, which bounds the memory held in between.</summary>
    private const int BlocksAhead = 4;

    /// <summary>True when <paramref name="stream"/> is seekable and its rest at least <see cref="CamtReaderOptions.ReadAheadMinBytes"/>.</summary>
    public static bool Applies(Stream stream, CamtReaderOptions options) =>
        options.ReadAheadMinBytes > 0 && stream.CanSeek && stream.Length - stream.Position >= options.ReadAheadMinBytes;

    public static IEnumerable<BankTransaction> Read(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var blocks = new BlockingCollection<Block>(BlocksAhead);
        var reading = new Thread(() => Produce(stream, fileName, options, warnings is not null, blocks, stop.Token))
        {
            IsBackground = true,
            Name = "camt reader",
        };
        reading.Start();
        try
        {
            var mapper = new CamtTransactionMapper(fileName, warnings, options.WithoutExtra);
            var batch = new List<BankTransaction>();
            foreach (var block in blocks.GetConsumingEnumerable(cancellationToken))
            {
                for (var i = 0; i < block.Count; i++)
                {
                    var (entry, before) = block.Items[i];
                    AddAll(warnings, before);
                    cancellationToken.ThrowIfCancellationRequested();
                    batch.Clear();
                    CamtReader.Map(mapper, entry, batch, fileName);
                    foreach (var transaction in batch)
                    {
                        yield return transaction;
                    }
                }

                if (block.IsLast)
                {
                    AddAll(warnings, block.Trailing);
                    block.Error?.Throw();
                    yield break;
                }
            }

            // The reading thread stops without a last block only when cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("The camt reading thread ended without its last block.");
        }
        finally
        {
            // Stop the reading thread and wait for it: the caller may dispose the stream as soon as this returns.
            stop.Cancel();
            reading.Join();
        }
    }

    /// <summary>
    /// The reading thread: every exception goes to the caller in the last block, never out of the thread. The XML is read
    /// with <see cref="CamtUtf8XmlReader"/>; when it meets what it leaves to the framework's reader, or the file fails
    /// in any way, the file is read again from its start with the framework's reader, and the entries already handed
    /// over (the same entries, each with the same warnings before it) are passed by: from there on the caller sees
    /// what the framework's reader gives, error included.
    /// </summary>
    private static void Produce(Stream stream, string fileName, CamtReaderOptions options, bool collectWarnings, BlockingCollection<Block> blocks, CancellationToken stop)
    {
        var warnings = collectWarnings ? new List<ParseWarning>() : null;
        var block = new Block();
        try
        {
            try
            {
                var start = stream.Position;
                long handedOver = 0;
                if (options.Utf8Reader && options.MaxDocumentCharacters == 0)
                {
                    try
                    {
                        using var utf8 = new CamtParser(stream, fileName, options, warnings, utf8: true);
                        while (utf8.TryReadEntry(out var entry))
                        {
                            Hand(entry);
                            handedOver++;
                        }

                        block.Trailing = Take(warnings);
                        block.IsLast = true;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                    {
                        // Read again below; what this reader raised after the last entry handed over is raised again.
                        warnings?.Clear();
                        stream.Position = start;
                    }
                }

                if (!block.IsLast)
                {
                    using var parser = new CamtParser(stream, fileName, options, warnings);
                    while (parser.TryReadEntry(out var entry))
                    {
                        if (handedOver > 0)
                        {
                            // Handed over already, with the warnings raised before it.
                            handedOver--;
                            warnings?.Clear();
                            continue;
                        }

                        Hand(entry);
                    }

                    block.Trailing = Take(warnings);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The caller has stopped reading.
                return;
            }
            catch (Exception ex)
            {
                block.Trailing = Take(warnings);
                block.Error = ExceptionDispatchInfo.Capture(ex);
            }

            block.IsLast = true;
            blocks.Add(block, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The caller has stopped reading: nobody waits for the last block.
        }
        finally
        {
            blocks.CompleteAdding();
        }

        void Hand(CamtEntry entry)
        {
            block.Items[block.Count++] = (entry, Take(warnings));
            if (block.Count == BlockSize)
            {
                blocks.Add(block, stop);
                block = new Block();
            }
        }
    }

    /// <summary>The warnings raised since the last call, or null; the list is emptied.</summary>
    private static ParseWarning[]? Take(List<ParseWarning>? warnings)
    {
        if (warnings is null || warnings.Count == 0)
        {
            return null;
        }

        var taken = warnings.ToArray();
        warnings.Clear();
        return taken;
    }

    private static void AddAll(ICollection<ParseWarning>? warnings, ParseWarning[]? taken)
    {
        if (warnings is null || taken is null)
        {
            return;
        }

        foreach (var warning in taken)
        {
            warnings.Add(warning);
        }
    }

    /// <summary>Entries in file order, each with the parser's warnings raised while it was read; the last block ends the file.</summary>
    private sealed class Block
    {
        public (CamtEntry Entry, ParseWarning[]? Before)[] Items { get; } = new (CamtEntry, ParseWarning[]?)[BlockSize];

        public int Count { get; set; }

        public bool IsLast { get; set; }

        /// <summary>Warnings raised after the last entry (a statement's checks at its end).</summary>
        public ParseWarning[]? Trailing { get; set; }

        /// <summary>What ended the reading, thrown on the caller's thread after the entries before it.</summary>
        public ExceptionDispatchInfo? Error { get; set; }
    }
}
