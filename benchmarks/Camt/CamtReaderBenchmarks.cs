using System.Xml;
using BenchmarkDotNet.Attributes;
using CashApp.Parsers.Camt;

namespace CashApp.Benchmarks.Camt;

/// <summary>
/// Throughput of the camt reader over a large camt.053 (about 300 MB; <c>CAMT_BENCH_MB</c> overrides), on one
/// thread from memory: the raw XmlReader walk as the baseline, the typed entries, and full bank transactions.
/// The machine these run on is shared, so beside BenchmarkDotNet's wall clock each operation's process CPU time
/// is recorded (in-process runs only) and shown as MiB/s per CPU-second.
/// </summary>
[Config(typeof(CamtThroughputConfig))]
public class CamtReaderBenchmarks
{
    private byte[] _document = [];

    /// <summary>Size of the generated document in bytes, for the MB/s column.</summary>
    internal static long DocumentBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("CAMT_BENCH_MB"), out var mb) ? mb : 300;
        _document = CamtStatementGenerator.Generate((long)megabytes << 20);
        DocumentBytes = _document.LongLength;
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "camt-bench-bytes.txt"), DocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every node visited and every text value materialised, nothing interpreted: the floor of XmlReader.</summary>
    [Benchmark(Baseline = true)]
    public long XmlReaderWalk() => CpuTime.Measure(nameof(XmlReaderWalk), XmlReaderWalkCore);

    /// <summary>The typed model (<see cref="CamtEntry"/>), as the file states it.</summary>
    [Benchmark]
    public long Entries() => CpuTime.Measure(nameof(Entries), EntriesCore);

    /// <summary>The typed model read by <see cref="CamtUtf8XmlReader"/>, as a large file's reading thread reads it.</summary>
    [Benchmark]
    public long EntriesUtf8() => CpuTime.Measure(nameof(EntriesUtf8), () => ParserEntries(utf8: true));

    /// <summary>The typed model read by the framework's reader through the same loop, for <see cref="EntriesUtf8"/>.</summary>
    [Benchmark]
    public long EntriesFramework() => CpuTime.Measure(nameof(EntriesFramework), () => ParserEntries(utf8: false));

    /// <summary>What the engine reads: every <see cref="CashApp.Parsers.Common.BankTransaction"/>.</summary>
    [Benchmark]
    public long Transactions() => CpuTime.Measure(nameof(Transactions), TransactionsCore);

    private long XmlReaderWalkCore()
    {
        using var reader = XmlReader.Create(new MemoryStream(_document, writable: false), new XmlReaderSettings { IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit });
        long length = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Text)
            {
                length += reader.Value.Length;
            }
        }

        return length;
    }

    private long EntriesCore()
    {
        long count = 0;
        foreach (var entry in CamtReader.ReadEntries(new MemoryStream(_document, writable: false), "bench.xml", new CamtReaderOptions(), null))
        {
            count += entry.Transactions.Count;
        }

        return count;
    }

    private long ParserEntries(bool utf8)
    {
        long count = 0;
        using var parser = new CamtParser(new MemoryStream(_document, writable: false), "bench.xml", new CamtReaderOptions(), null, utf8);
        while (parser.TryReadEntry(out var entry))
        {
            count += entry.Transactions.Count;
        }

        return count;
    }

    private long TransactionsCore()
    {
        long total = 0;
        foreach (var transaction in CamtReader.Read(new MemoryStream(_document, writable: false), "bench.xml", new CamtReaderOptions(), null))
        {
            total += transaction.AmountMinor;
        }

        return total;
    }
}

/// <summary>
/// Adds throughput columns in MiB (2^20 bytes) of the generated document per second: over the mean wall time, and
/// over the median process CPU time of an operation, the figure that survives a machine shared with other work.
/// </summary>
internal sealed class CamtThroughputConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public CamtThroughputConfig() => AddColumn(
        new ThroughputColumn("CamtMiBps", "MiB/s", "MiB of camt.053 read per second of wall-clock time (mean)", MiB, cpu: false, "F1", priority: 0),
        new ThroughputColumn("CamtMiBpsCpu", "MiB/s per CPU-s", "MiB of camt.053 read per second of process CPU time (median operation, in-process runs only)", MiB, cpu: true, "F1", priority: 1));

    private static double? MiB()
    {
        var path = Path.Combine(Path.GetTempPath(), "camt-bench-bytes.txt");
        return File.Exists(path) ? long.Parse(File.ReadAllText(path), System.Globalization.CultureInfo.InvariantCulture) / 1048576.0 : null;
    }
}
