using System.Collections.Concurrent;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>
/// A camt.053 or camt.054 document read in parts on several threads, with the one-thread read's transactions,
/// warnings and errors. A scan of the bytes (<see cref="CamtScan"/>) cuts the runs of entries into parts of whole
/// entries; one thread reads the skeleton (the document without its entries) with the one-thread parser, and at each
/// run hands its parts, with the statement read so far, to worker threads, each part read by its own parser inside
/// the start tags of the elements around it (so its namespaces are the document's), and mapped by its own mapper.
/// The skeleton's thread then takes the parts in file order: it counts their entries for the statement's checks,
/// passes on their warnings, and does what their mappers left to it: remembering payment references and linking
/// reversals, in file order as one mapper does.
/// </summary>
/// <remarks>
/// Whenever anything goes wrong in parts (a format error, a document the scan cannot cut, a statement header that
/// goes on after its entries), the document is read again on one thread, which fails or not exactly as it always did.
/// </remarks>
internal static class CamtParts
{
    /// <summary>Reads the document at <paramref name="path"/>; see <see cref="BankFileParts.ReadAsync"/>.</summary>
    public static async Task<IReadOnlyList<TPart>> ReadAsync<TPart>(
        string path,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        Func<TPart> createPart,
        Action<TPart, BankTransaction> add,
        Action<TPart>? complete,
        int partBytes,
        int workers,
        CancellationToken cancellationToken)
    {
        var readerOptions = new CamtReaderOptions { MaxDocumentCharacters = options.MaxDocumentCharacters };
        var inParts = await Task.Factory.StartNew(
            () => TryRead(path, readerOptions, createPart, add, complete, partBytes, workers, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        if (inParts is { } read)
        {
            if (warnings is not null)
            {
                foreach (var warning in read.Warnings)
                {
                    warnings.Add(warning);
                }
            }

            return read.Parts;
        }

        // One thread: what the document reads as, or the error it fails with, is the one-thread read's.
        var part = createPart();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            foreach (var transaction in CamtReader.Read(stream, path, readerOptions, warnings, cancellationToken))
            {
                add(part, transaction);
            }
        }

        complete?.Invoke(part);
        return [part];
    }

    /// <summary>The document read in parts, or null when it must be read on one thread.</summary>
    internal static (TPart[] Parts, List<ParseWarning> Warnings)? TryRead<TPart>(
        string path,
        CamtReaderOptions options,
        Func<TPart> createPart,
        Action<TPart, BankTransaction> add,
        Action<TPart>? complete,
        int partBytes,
        int workers,
        CancellationToken cancellationToken)
    {
        byte[] bytes;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            var length = RandomAccess.GetLength(handle);

            // A document over the reader's limit fails on one thread (a part would be under it); UTF-8 has at least a byte per character.
            if (length > Array.MaxLength || (options.MaxDocumentCharacters > 0 && length > options.MaxDocumentCharacters))
            {
                return null;
            }

            bytes = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }
        }

        var scan = CamtScan.TryScan(bytes, partBytes);
        if (scan is null || scan.Parts.Count < 2)
        {
            return null;
        }

        var parts = scan.Parts;
        var results = new TaskCompletionSource<PartResult<TPart>>[parts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new TaskCompletionSource<PartResult<TPart>>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var statements = new CamtStatement[parts.Count];
        var entriesBefore = new int[parts.Count];
        using var jobs = new BlockingCollection<int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        void Work()
        {
            try
            {
                foreach (var index in jobs.GetConsumingEnumerable(stop.Token))
                {
                    try
                    {
                        results[index].SetResult(ReadPart(path, options, bytes, scan, index, statements[index], entriesBefore[index], createPart, add, complete, stop.Token));
                    }
                    catch (Exception ex)
                    {
                        results[index].SetException(ex);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped: the skeleton's thread no longer waits for parts.
            }
        }

        var threads = new Thread[workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount)];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = "camt part reader" };
            threads[i].Start();
        }

        var allWarnings = new List<ParseWarning>();
        var source = new RunSource<TPart>(scan, results, statements, entriesBefore, jobs, new CamtTransactionMapper(path, null), allWarnings, stop.Token);
        var ok = false;
        try
        {
            using (var skeleton = CamtParser.ForSkeleton(new SegmentStream(scan.Skeleton), path, options, allWarnings, source))
            {
                while (skeleton.TryReadEntry(out _))
                {
                }
            }

            ok = source.Taken == scan.Runs.Count;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ok = false;
        }
        finally
        {
            jobs.CompleteAdding();
            if (!ok)
            {
                stop.Cancel();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!ok)
        {
            return null;
        }

        var ordered = new TPart[parts.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = results[i].Task.Result.Part;
        }

        return (ordered, allWarnings);
    }

    private static PartResult<TPart> ReadPart<TPart>(
        string path,
        CamtReaderOptions options,
        byte[] bytes,
        CamtScan scan,
        int index,
        CamtStatement statement,
        int entriesBefore,
        Func<TPart> createPart,
        Action<TPart, BankTransaction> add,
        Action<TPart>? complete,
        CancellationToken cancellationToken)
    {
        var span = scan.Parts[index];
        var run = scan.Runs[span.Run];
        var stream = new SegmentStream([run.Prologue, bytes.AsMemory(span.Start, span.End - span.Start), run.Suffix]);
        var warnings = new List<ParseWarning>();
        var links = new List<CamtTransactionMapper.Deferred>();
        var totals = new List<CamtParser.EntryTotal>(span.Entries);

        // Without any reversal in the document, the references remembered for them would never be asked for.
        var mapper = scan.MayHoldReversals
            ? new CamtTransactionMapper(path, warnings) { DeferredLinks = links }
            : new CamtTransactionMapper(path, warnings) { LinksReversals = false };
        var container = createPart();
        var batch = new List<BankTransaction>();
        using (var parser = CamtParser.ForPart(stream, path, options, warnings, span.FirstLine, run.Ancestors, statement, entriesBefore))
        {
            while (parser.TryReadEntry(out var entry))
            {
                cancellationToken.ThrowIfCancellationRequested();
                totals.Add(CamtParser.EntryTotal.Of(entry));
                batch.Clear();
                mapper.Map(entry, batch);
                foreach (var transaction in batch)
                {
                    add(container, transaction);
                }
            }
        }

        if (totals.Count != span.Entries)
        {
            throw new CamtPartsException($"a part of {span.Entries} entries read as {totals.Count}");
        }

        complete?.Invoke(container);
        return new PartResult<TPart>(container, totals, warnings, links);
    }

    private sealed record PartResult<TPart>(TPart Part, List<CamtParser.EntryTotal> Totals, List<ParseWarning> Warnings, List<CamtTransactionMapper.Deferred> Links);

    /// <summary>The skeleton's parser at a run: hands out the run's parts, then takes them back in file order.</summary>
    private sealed class RunSource<TPart>(
        CamtScan scan,
        TaskCompletionSource<PartResult<TPart>>[] results,
        CamtStatement[] statements,
        int[] entriesBefore,
        BlockingCollection<int> jobs,
        CamtTransactionMapper mapper,
        List<ParseWarning> warnings,
        CancellationToken cancellationToken) : CamtParser.IRunSource
    {
        public int Taken { get; private set; }

        public int Take(CamtStatement statement, int entriesBeforeRun, Action<CamtParser.EntryTotal> count)
        {
            if (Taken >= scan.Runs.Count)
            {
                throw new CamtPartsException("more runs in the skeleton than found");
            }

            var run = scan.Runs[Taken++];
            var end = run.FirstPart + run.PartCount;
            for (var i = run.FirstPart; i < end; i++)
            {
                statements[i] = statement;
                entriesBefore[i] = entriesBeforeRun + scan.Parts[i].EntriesBefore;
                jobs.Add(i, cancellationToken);
            }

            for (var i = run.FirstPart; i < end; i++)
            {
                var result = results[i].Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
                foreach (var total in result.Totals)
                {
                    count(total);
                }

                warnings.AddRange(result.Warnings);
                foreach (var link in result.Links)
                {
                    mapper.Replay(link);
                }

                // What the parts' transactions need no more.
                results[i] = CompletedWith(result.Part);
            }

            return run.Entries;
        }

        private static TaskCompletionSource<PartResult<TPart>> CompletedWith(TPart part)
        {
            var done = new TaskCompletionSource<PartResult<TPart>>();
            done.SetResult(new PartResult<TPart>(part, [], [], []));
            return done;
        }
    }

    /// <summary>A read-only stream over pieces of memory, one after another.</summary>
    private sealed class SegmentStream(IReadOnlyList<ReadOnlyMemory<byte>> segments) : Stream
    {
        private int _segment;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _segment < segments.Count)
            {
                var source = segments[_segment].Span[_offset..];
                var n = Math.Min(source.Length, buffer.Length - written);
                source[..n].CopyTo(buffer[written..]);
                written += n;
                _offset += n;
                if (_offset == segments[_segment].Length)
                {
                    _segment++;
                    _offset = 0;
                }
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
