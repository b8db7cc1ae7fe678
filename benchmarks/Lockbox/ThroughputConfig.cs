using BenchmarkDotNet.Configs;

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
        const string wall = " over the generated file (mean time)";
        const string perCpu = ": over the median process CPU time of an operation (in-process runs)";
        AddColumn(
            new ThroughputColumn("ThroughputColumnMB/s", "MB/s", "MB/s" + wall, () => Load() ? bytes / 1e6 : null, cpu: false),
            new ThroughputColumn("ThroughputColumnrecords/s", "records/s", "records/s" + wall, () => Load() ? records : null, cpu: false),
            new ThroughputColumn("ThroughputColumnMB/s per CPU-s", "MB/s per CPU-s", "MB/s per CPU-s" + perCpu, () => Load() ? bytes / 1e6 : null, cpu: true));
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

    private static bool Load()
    {
        if (bytes == 0 && File.Exists(SizeFile))
        {
            var parts = File.ReadAllText(SizeFile).Split(' ');
            bytes = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            records = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        return bytes > 0;
    }
}
