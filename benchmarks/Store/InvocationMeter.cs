using System.Diagnostics;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// What one store benchmark invocation cost beyond BenchmarkDotNet's wall time, printed as a <c>// cpu</c> line:
/// process CPU time (on a shared machine the wall time mostly measures the queue for a core), GC pause time
/// and collections, and the peak working set of the process during the invocation.
/// </summary>
/// <remarks>
/// The peak is the kernel's high-water mark of resident memory, reset at <see cref="Start"/> through
/// <c>/proc/self/clear_refs</c> on Linux; elsewhere it is the peak since the process started, and says so.
/// </remarks>
internal sealed class InvocationMeter
{
    private TimeSpan _cpu;
    private TimeSpan _pause;
    private int _gen0;
    private int _gen1;
    private int _gen2;
    private bool _peakReset;

    /// <summary>Marks the start of an invocation.</summary>
    public void Start()
    {
        _peakReset = TryResetPeakWorkingSet();
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pause = GC.GetTotalPauseDuration();
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>Prints what the invocation since <see cref="Start"/> cost; <paramref name="extra"/> is appended.</summary>
    public void Print(string extra = "")
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
        var pause = GC.GetTotalPauseDuration() - _pause;
        using var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64 / (1024.0 * 1024.0);
        Console.WriteLine(
            $"// cpu {cpu.TotalSeconds:F2} s, gc pause {pause.TotalSeconds:F2} s, gc {GC.CollectionCount(0) - _gen0}/{GC.CollectionCount(1) - _gen1}/{GC.CollectionCount(2) - _gen2}, " +
            $"peak working set {peak:F0} MiB{(_peakReset ? "" : " (since process start)")}{extra}");
    }

    private static bool TryResetPeakWorkingSet()
    {
        // "5" resets the resident-set high-water mark (VmHWM) of the process (Linux 4.0 and later).
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
