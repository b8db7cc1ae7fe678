using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CashApp.Benchmarks;

/// <summary>
/// A column of how much of a benchmark's input one operation handles per second: over the mean wall time,
/// or (<paramref name="cpu"/>) over the median process CPU time of an operation (<see cref="CpuTime"/>,
/// in-process runs only), the figure that survives a machine shared with other work. The amount per
/// operation comes from <paramref name="perOperation"/>: null when the size the setup recorded is missing.
/// </summary>
internal sealed class ThroughputColumn(string id, string name, string legend, Func<double?> perOperation, bool cpu, string format = "N0", int priority = 0) : IColumn
{
    public string Id => id;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => priority;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } statistics || statistics.Mean <= 0 || perOperation() is not { } amount)
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

        return (amount / seconds).ToString(format, CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
