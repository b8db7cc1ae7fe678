using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CashApp.Parsers.Bai2;

namespace CashApp.Benchmarks.Bai2;

/// <summary>
/// Reads a generated ~1 GB BAI2 file (ACH CCD/CTX, Fedwire, 88 continuations) from disk: the record reader alone
/// (framing, decoding, every control total and count), the full transaction reader (strings, remittance parsing),
/// and a naive line-splitting baseline. Set BAI2_BENCH_MB to change the size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Bai2ThroughputConfig))]
public class Bai2ReaderBenchmarks
{
    private string path = string.Empty;

    /// <summary>Bytes in the file, for the MB/s column.</summary>
    internal static long FileBytes { get; private set; }

    /// <summary>16 records in the file, for the records/s column.</summary>
    internal static long Details { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("BAI2_BENCH_MB"), out var mb) ? mb : 1024;
        path = Path.Combine(Path.GetTempPath(), $"cashapp-bench-{megabytes}mb.bai2");
        if (!File.Exists(path))
        {
            Details = Bai2FileGenerator.Write(path + ".tmp", (long)megabytes << 20);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        else
        {
            Details = File.ReadLines(path).LongCount(l => l.StartsWith("16,", StringComparison.Ordinal));
        }

        FileBytes = new FileInfo(path).Length;
        File.WriteAllText(path + ".meta", $"{FileBytes} {Details}");
    }

    /// <summary>A naive reader: lines as strings, fields by string.Split, amounts by long.Parse, no validation.</summary>
    [Benchmark(Baseline = true)]
    public long NaiveSplit() => CpuTime.Measure(nameof(NaiveSplit), NaiveSplitCore);

    private long NaiveSplitCore()
    {
        long sum = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("16,", StringComparison.Ordinal))
            {
                sum += long.Parse(line.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>The record API: <see cref="Bai2RecordReader"/> over a <see cref="PipeReader"/> on the file.</summary>
    [Benchmark]
    public long RecordReader() => CpuTime.Measure(nameof(RecordReader), () => RecordReaderCore().GetAwaiter().GetResult());

    private async Task<long> RecordReaderCore()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 18, minimumReadSize: 1 << 17));
        var reader = new Bai2RecordReader(path, new Bai2ReaderOptions(), null);
        long sum = 0;
        while (true)
        {
            var result = await pipe.ReadAsync();
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            bool ended;
            try
            {
                ended = Drain(reader, buffer, result.IsCompleted, ref sum, out consumed);
            }
            finally
            {
                pipe.AdvanceTo(consumed, buffer.End);
            }

            if (ended)
            {
                await pipe.CompleteAsync();
                return sum;
            }
        }
    }

    /// <summary>The transaction API the engine uses: strings, payer and remittance parsed from each text.</summary>
    [Benchmark]
    public long Transactions() => CpuTime.Measure(nameof(Transactions), () => TransactionsCore().GetAwaiter().GetResult());

    private async Task<long> TransactionsCore()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        long sum = 0;
        await foreach (var transaction in Bai2Reader.ReadAsync(stream, path, new Bai2ReaderOptions(), null))
        {
            sum += transaction.AmountMinor;
        }

        return sum;
    }

    private static bool Drain(Bai2RecordReader reader, ReadOnlySequence<byte> buffer, bool final, ref long sum, out SequencePosition consumed)
    {
        var sequence = new SequenceReader<byte>(buffer);
        try
        {
            while (true)
            {
                switch (reader.Read(ref sequence, final))
                {
                    case Bai2ReadStatus.Record:
                        if (reader.RecordCode == Bai2RecordCode.TransactionDetail)
                        {
                            sum += reader.Amount + reader.Text.Length;
                        }

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

/// <summary>Adds MB/s and records/s columns, computed from the mean time and the file's size.</summary>
public sealed class Bai2ThroughputConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public Bai2ThroughputConfig()
    {
        const string wall = " over the generated file (mean wall time)";
        const string perCpu = ": over the median process CPU time of an operation (in-process runs), for a shared machine whose wall clock is not the reader's";
        AddColumn(
            new ThroughputColumn("MB/s", "MB/s", "MB/s" + wall, () => Size()?.Bytes / 1e6, cpu: false),
            new ThroughputColumn("records/s", "records/s", "records/s" + wall, () => Size()?.Records, cpu: false),
            new ThroughputColumn("MB/s per CPU-s", "MB/s per CPU-s", "MB/s per CPU-s" + perCpu, () => Size()?.Bytes / 1e6, cpu: true));
    }

    /// <summary>Bytes and records of the newest generated file, from the note the generator leaves beside it.</summary>
    private static (double Bytes, double Records)? Size()
    {
        var meta = Directory.GetFiles(Path.GetTempPath(), "cashapp-bench-*.bai2.meta").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        if (meta is null)
        {
            return null;
        }

        var parts = File.ReadAllText(meta).Split(' ');
        return (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
