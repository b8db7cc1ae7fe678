using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CashApp.Benchmarks.Lockbox;

/// <summary>
/// Adds MB/s and records/s columns for the lockbox file the benchmarks read, and MB/s per CPU-second (in-process runs)
/// for a shared machine whose wall clock is not the reader's.
/// </summary>
public sealed class ThroughputConfig : ManualConfig
{
    private static long bytes;
    private static long records;

    /// <summary>Creates the config.</summary>
    public ThroughputConfig()
    {
        AddColumn(
            new ThroughputColumn("MB/s", () => bytes / 1e6, cpu: false),
            new ThroughputColumn("records/s", () => records, cpu: false),
            new ThroughputColumn("MB/s per CPU-s", () => bytes / 1e6, cpu: true));
    }

    /// <summary>The size of the input, set by the benchmark's setup (it runs in the process that measures).</summary>
    public static void Record(long fileBytes, long fileRecords)
    {
        bytes = fileBytes;
        records = fileRecords;
        File.WriteAllText(SizeFile, $"{fileBytes} {fileRecords}");
    }

    // The summary is built in the host process, the setup ran in the benchmark's child process: a file carries the size.
    private static string SizeFile => Path.Combine(Path.GetTempPath(), "cashapp-lockbox-benchmark-size.txt");

    private static void Load()
    {
        if (bytes == 0 && File.Exists(SizeFile))
        {
            var parts = File.ReadAllText(SizeFile).Split(' ');
            bytes = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            records = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private sealed class ThroughputColumn(string name, Func<double> perRun, bool cpu) : IColumn
    {
        public string Id => nameof(ThroughputColumn) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => cpu
            ? name + ": over the median process CPU time of an operation (in-process runs)"
            : name + " over the generated file (mean time)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            Load();
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics || statistics.Mean <= 0)
            {
                return "-";
            }

            var seconds = statistics.Mean / 1e9;
            if (cpu)
            {
                if (CpuTime.Median(benchmarkCase.Descriptor.WorkloadMethod.Name) is not { } cpuSeconds)
                {
                    return "-";
                }

                seconds = cpuSeconds;
            }

            return (perRun() / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
