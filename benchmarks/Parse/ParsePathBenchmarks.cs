using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CashApp.Benchmarks.Bai2;
using CashApp.Benchmarks.Camt;
using CashApp.Benchmarks.Lockbox;
using CashApp.Grpc.Cli;
using CashApp.Parsers.Common;

namespace CashApp.Benchmarks.Parse;

/// <summary>
/// The whole parse path a user runs, per format, on a generated file from disk: detection and the reader to the list
/// of <see cref="BankTransaction"/>s the match run's parse stage keeps, and <c>cashapp parse</c> to CSV (its rows made
/// and written, the output thrown away). The baseline reads the file's bytes and nothing more: the floor. Set
/// PARSE_BENCH_MB to change the size (default 32).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ParsePathConfig))]
public abstract class ParsePathBenchmarks
{
    private string path = string.Empty;

    /// <summary>Writes the file of about <paramref name="bytes"/> bytes to <paramref name="file"/>.</summary>
    protected abstract void Write(string file, long bytes);

    /// <summary>Makes the file once per size.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("PARSE_BENCH_MB"), out var mb) ? mb : 32;
        path = Path.Combine(Path.GetTempPath(), $"cashapp-parse-bench-{Name}-{megabytes}mb");
        if (!File.Exists(path))
        {
            Write(path + ".tmp", (long)megabytes << 20);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        ParsePathConfig.Record(Name, new FileInfo(path).Length);
    }

    /// <summary>The file's bytes read, nothing decoded.</summary>
    [Benchmark(Baseline = true)]
    public long ReadBytes() => CpuTime.Measure(Key(nameof(ReadBytes)), () =>
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long sum = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            sum += buffer[n - 1];
        }

        return sum;
    });

    /// <summary>File to the list of transactions, as the match run's parse stage reads each file.</summary>
    [Benchmark]
    public long ToTransactions() => CpuTime.Measure(Key(nameof(ToTransactions)), () =>
        BankFiles.ReadAllAsync(path, new BankFileReadOptions()).GetAwaiter().GetResult().Transactions.Count);

    /// <summary>File to CSV rows, as <c>cashapp parse</c> runs it.</summary>
    [Benchmark]
    public long ToCsv() => CpuTime.Measure(Key(nameof(ToCsv)), () =>
        ParseCommand.RunAsync(path, new BankFileReadOptions(), Stream.Null, TextWriter.Null, CancellationToken.None).GetAwaiter().GetResult());

    // The class the benchmarks are declared in: an in-process run measures a type BenchmarkDotNet derives from it.
    private string Name
    {
        get
        {
            var type = GetType();
            while (type.BaseType is { } parent && parent != typeof(ParsePathBenchmarks))
            {
                type = parent;
            }

            return type.Name;
        }
    }

    private string Key(string method) => Name + "." + method;
}

/// <summary>A BAI2 file of ACH CCD/CTX credits with RMR addenda, Fedwire credits and fees, with 88 continuations.</summary>
public class Bai2ParsePathBenchmarks : ParsePathBenchmarks
{
    /// <inheritdoc/>
    protected override void Write(string file, long bytes) => Bai2FileGenerator.Write(file, bytes);
}

/// <summary>A camt.053 statement of structured and unstructured remittances.</summary>
public class CamtParsePathBenchmarks : ParsePathBenchmarks
{
    /// <inheritdoc/>
    protected override void Write(string file, long bytes) => File.WriteAllBytes(file, CamtStatementGenerator.Generate(bytes));
}

/// <summary>A lockbox file in the default layout: checks with invoice lines and overflow records.</summary>
public class LockboxParsePathBenchmarks : ParsePathBenchmarks
{
    /// <inheritdoc/>
    protected override void Write(string file, long bytes) => File.WriteAllBytes(file, LockboxBenchmarkFile.Generate(bytes));
}

/// <summary>MB/s over the wall-clock mean and, for in-process runs, over the median CPU time of an operation.</summary>
public sealed class ParsePathConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ParsePathConfig()
    {
        AddColumn(new MegabytesColumn(cpu: false), new MegabytesColumn(cpu: true));
    }

    /// <summary>The size of a benchmark class's file; the summary is built in the host process, so a file carries it.</summary>
    internal static void Record(string benchmark, long bytes) => File.WriteAllText(SizeFile(benchmark), bytes.ToString(CultureInfo.InvariantCulture));

    private static string SizeFile(string benchmark) => Path.Combine(Path.GetTempPath(), $"cashapp-parse-bench-{benchmark}.size");

    private sealed class MegabytesColumn(bool cpu) : IColumn
    {
        public string Id => cpu ? "ParseMBsPerCpu" : "ParseMBs";

        public string ColumnName => cpu ? "MB/s per CPU-s" : "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => cpu ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => cpu ? "MB/s over the median process CPU time of an operation (in-process runs)" : "MB/s over the mean wall time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var name = benchmarkCase.Descriptor.Type.Name;
            if (summary[benchmarkCase]?.ResultStatistics is not { } statistics || statistics.Mean <= 0 || !File.Exists(SizeFile(name)))
            {
                return "-";
            }

            var bytes = long.Parse(File.ReadAllText(SizeFile(name)), CultureInfo.InvariantCulture);
            var seconds = statistics.Mean / 1e9;
            if (cpu)
            {
                if (CpuTime.Median(name + "." + benchmarkCase.Descriptor.WorkloadMethod.Name) is not { } cpuSeconds)
                {
                    return "-";
                }

                seconds = cpuSeconds;
            }

            return (bytes / 1e6 / seconds).ToString("N0", CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
