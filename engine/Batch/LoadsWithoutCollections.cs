using System.Runtime;

namespace CashApp.Engine.Batch;

/// <summary>
/// The loads of a large day, run with the collector held off (a no-GC region). What the loads allocate is the day's
/// data (the open items, the customers and the bank files' transactions), which lives at least to the index stage,
/// so a collection in between finds next to nothing to free: it only marks what stays, copies it from one generation
/// to the next, and faults in the fresh memory the copies go to. On the 1M-payment day that was two thirds of the
/// loads' CPU (PERFORMANCE.md, "Session 31").
/// </summary>
/// <remarks>
/// The hold is bounded: the region is asked for a number of bytes, and once the process has allocated more the
/// runtime collects as it always does and the region is over, so a day whose loads allocate more than was guessed
/// costs collections again, never more memory than the budget. Ended (or found already over) by <see cref="Dispose"/>,
/// whatever the loads came to. The region is the whole process's: only a run that is the process's own work asks
/// for it (<see cref="MatchRunOptions.LoadsWithoutCollectionsFromBytes"/>).
/// </remarks>
internal sealed class LoadsWithoutCollections : IDisposable
{
    /// <summary>The budget for each byte of input: the 1M day's loads allocate about 2.5 bytes a byte of its files.</summary>
    internal const long BytesPerInputByte = 4;

    /// <summary>The budget is at least this: 64 MiB, so that a small day's loads are not cut short by the runtime's own start.</summary>
    internal const long MinBudgetBytes = 64L << 20;

    /// <summary>The budget is at most this share of the memory the process may use: a quarter.</summary>
    internal const long AvailableMemoryShare = 4;

    private bool _ended;

    private LoadsWithoutCollections(long budget, bool started)
    {
        Budget = budget;
        Started = started;
    }

    /// <summary>The bytes the region was asked for; 0 when none was.</summary>
    public long Budget { get; }

    /// <summary>Whether the collector was held off.</summary>
    public bool Started { get; }

    /// <summary>
    /// Whether the region was over before <see cref="Dispose"/>: the loads allocated more than <see cref="Budget"/>
    /// (or something else collected), and the collector had taken over again.
    /// </summary>
    public bool EndedEarly { get; private set; }

    /// <summary>
    /// The budget for loads of <paramref name="inputBytes"/> bytes of files in a process that may use
    /// <paramref name="availableBytes"/>: <see cref="BytesPerInputByte"/> a byte and at least <see cref="MinBudgetBytes"/>,
    /// but at most a <see cref="AvailableMemoryShare"/>th of the memory.
    /// </summary>
    public static long BudgetFor(long inputBytes, long availableBytes)
    {
        var wanted = inputBytes > long.MaxValue / BytesPerInputByte ? long.MaxValue : Math.Max(MinBudgetBytes, inputBytes * BytesPerInputByte);
        return Math.Max(0, Math.Min(wanted, availableBytes / AvailableMemoryShare));
    }

    /// <summary>Holds the collector off for up to <paramref name="budget"/> bytes of allocation; nothing when the budget is 0 or the runtime refuses it.</summary>
    public static LoadsWithoutCollections Start(long budget)
    {
        if (budget <= 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            return new LoadsWithoutCollections(0, started: false);
        }

        try
        {
            // Without a full blocking collection first: at the run's start the heap holds next to nothing.
            return new LoadsWithoutCollections(budget, GC.TryStartNoGCRegion(budget, disallowFullBlockingGC: true));
        }
        catch (ArgumentOutOfRangeException)
        {
            // More than this runtime can hold off for: the loads run with the collector, as they always did.
            return new LoadsWithoutCollections(budget, started: false);
        }
    }

    /// <summary>Lets the collector run again.</summary>
    public void Dispose()
    {
        if (!Started || _ended)
        {
            return;
        }

        _ended = true;
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            EndedEarly = true;
            return;
        }

        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // A collection ended the region between the check and the call (allocation past the budget, or a collection
            // someone else asked for): it is over either way.
            EndedEarly = true;
        }
    }
}
