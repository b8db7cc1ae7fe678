using System.Collections.Concurrent;
using System.Diagnostics;
using System.Xml;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
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

    /// <summary>Process CPU seconds of each operation, per benchmark method (in-process runs only).</summary>
    internal static ConcurrentDictionary<string, ConcurrentBag<double>> CpuSeconds { get; } = new();

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
    public long XmlReaderWalk() => Timed(nameof(XmlReaderWalk), XmlReaderWalkCore);

    /// <summary>The typed model (<see cref="CamtEntry"/>), as the file states it.</summary>
    [Benchmark]
    public long Entries() => Timed(nameof(Entries), EntriesCore);

    /// <summary>What the engine reads: every <see cref="CashApp.Parsers.Common.BankTransaction"/>.</summary>
    [Benchmark]
    public long Transactions() => Timed(nameof(Transactions), TransactionsCore);

    private static long Timed(string method, Func<long> operation)
    {
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        var result = operation();
        CpuSeconds.GetOrAdd(method, _ => []).Add((Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds);
        return result;
    }

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
    public CamtThroughputConfig() => AddColumn(new ThroughputColumn(cpu: false), new ThroughputColumn(cpu: true));

    private sealed class ThroughputColumn(bool cpu) : IColumn
    {
        public string Id => cpu ? "CamtMiBpsCpu" : "CamtMiBps";

        public string ColumnName => cpu ? "MiB/s per CPU-s" : "MiB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => cpu ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => cpu
            ? "MiB of camt.053 read per second of process CPU time (median operation, in-process runs only)"
            : "MiB of camt.053 read per second of wall-clock time (mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var path = Path.Combine(Path.GetTempPath(), "camt-bench-bytes.txt");
            if (report?.ResultStatistics is not { } statistics || !File.Exists(path))
            {
                return "-";
            }

            var seconds = statistics.Mean / 1e9;
            if (cpu)
            {
                if (!CamtReaderBenchmarks.CpuSeconds.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var samples) || samples.IsEmpty)
                {
                    return "-";
                }

                var sorted = samples.Order().ToArray();
                seconds = sorted[sorted.Length / 2];
            }

            var bytes = long.Parse(File.ReadAllText(path), System.Globalization.CultureInfo.InvariantCulture);
            return (bytes / 1048576.0 / seconds).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
