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
    public long XmlReaderWalk()
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

    [Benchmark]
    public long Entries()
    {
        long count = 0;
        foreach (var entry in CamtReader.ReadEntries(new MemoryStream(_document, writable: false), "bench.xml", new CamtReaderOptions(), null))
        {
            count += entry.Transactions.Count;
        }

        return count;
    }

    [Benchmark]
    public long Transactions()
    {
        long total = 0;
        foreach (var transaction in CamtReader.Read(new MemoryStream(_document, writable: false), "bench.xml", new CamtReaderOptions(), null))
        {
            total += transaction.AmountMinor;
        }

        return total;
    }
}

/// <summary>Adds MB/s (of the generated document) to the summary.</summary>
internal sealed class CamtThroughputConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public CamtThroughputConfig() => AddColumn(new MegabytesPerSecondColumn());

    private sealed class MegabytesPerSecondColumn : IColumn
    {
        public string Id => "CamtMBps";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Megabytes (2^20 bytes) of camt.053 read per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var path = Path.Combine(Path.GetTempPath(), "camt-bench-bytes.txt");
            if (report?.ResultStatistics is not { } statistics || !File.Exists(path))
            {
                return "-";
            }

            var bytes = long.Parse(File.ReadAllText(path), System.Globalization.CultureInfo.InvariantCulture);
            var seconds = statistics.Mean / 1e9;
            return (bytes / 1048576.0 / seconds).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
