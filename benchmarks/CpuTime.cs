using System.Collections.Concurrent;
using System.Diagnostics;

namespace CashApp.Benchmarks;

/// <summary>
/// Process CPU time of benchmark operations, for a shared machine whose wall clock is not the code's: the CPU seconds
/// of each operation (every thread of the process, so the GC and the JIT count too), by benchmark method. Read in
/// the summary, so only runs with <c>--inProcess</c> report it.
/// </summary>
internal static class CpuTime
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<double>> Samples = new();

    /// <summary>Runs <paramref name="operation"/> and records its process CPU seconds under <paramref name="method"/>.</summary>
    public static T Measure<T>(string method, Func<T> operation)
    {
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        var result = operation();
        Samples.GetOrAdd(method, _ => []).Add((Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds);
        return result;
    }

    /// <summary>The median CPU seconds of an operation of <paramref name="method"/>; null when none ran in this process.</summary>
    public static double? Median(string method)
    {
        if (!Samples.TryGetValue(method, out var samples) || samples.IsEmpty)
        {
            return null;
        }

        var sorted = samples.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
