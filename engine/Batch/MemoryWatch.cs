using System.Diagnostics;

namespace CashApp.Engine.Batch;

/// <summary>
/// Samples the process's resident memory a few times a second, so that each stage of a run can report
/// the most it held while it ran. The operating system's own high-water mark covers the whole run.
/// </summary>
internal sealed class MemoryWatch : IDisposable
{
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _peaks = new(StringComparer.Ordinal);

    public MemoryWatch(TimeSpan interval)
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);
    }

    /// <summary>A stage starts: its peak starts from now.</summary>
    public void Begin(string stage)
    {
        var now = Environment.WorkingSet;
        lock (_gate)
        {
            _peaks[stage] = now;
        }
    }

    /// <summary>A stage ends: its peak, sampled while it ran and now.</summary>
    public long End(string stage)
    {
        Sample();
        lock (_gate)
        {
            _peaks.Remove(stage, out var peak);
            return peak;
        }
    }

    /// <summary>The whole run's peak as the operating system counts it.</summary>
    public static long ProcessPeak()
    {
        using var process = Process.GetCurrentProcess();
        return Math.Max(process.PeakWorkingSet64, Environment.WorkingSet);
    }

    /// <summary>CPU time the process has used so far, all threads.</summary>
    public static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private void Sample()
    {
        var now = Environment.WorkingSet;
        lock (_gate)
        {
            foreach (var stage in _peaks.Keys.ToArray())
            {
                if (now > _peaks[stage])
                {
                    _peaks[stage] = now;
                }
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
