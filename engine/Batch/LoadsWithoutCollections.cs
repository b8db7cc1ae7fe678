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
/// <para>
/// The hold is bounded. The runtime is asked for a budget of bytes, which it keeps for the small objects and again for
/// the large ones (the one-size <see cref="GC.TryStartNoGCRegion(long, bool)"/>): once the loads allocate past either,
/// it collects as it always does and the region is over. A day whose loads allocate more than was guessed costs
/// collections again, and at most about twice the budget in all. Ended (or found already over) by
/// <see cref="Dispose"/>, whatever the loads came to.
/// </para>
/// <para>
/// The region is the whole process's: while it is on, code that sets <see cref="GCSettings.LatencyMode"/> throws, and
/// starting it waits for a background collection already under way. So only a run that is the process's own work asks
/// for it (<see cref="MatchRunOptions.LoadsWithoutCollectionsFromBytes"/>), and one hold at a time is tried: a second
/// run of the process at once loads with the collector. Starting it collects once, next to nothing at a run's start,
/// which the process's collection counts show (one of each generation).
/// </para>
/// </remarks>
internal sealed class LoadsWithoutCollections : IDisposable
{
    /// <summary>
    /// The budget for each byte of input: the 1M day's loads allocate about 2.5 bytes a byte of its files, and a lockbox
    /// file alone about 5 (a check is short, its payment is not), most of them small objects.
    /// </summary>
    internal const long BytesPerInputByte = 6;

    /// <summary>The budget is at least this: 64 MiB, so that a small day's loads are not cut short by the runtime's own start.</summary>
    internal const long MinBudgetBytes = 64L << 20;

    /// <summary>
    /// The budget is at most this share of the memory the process may use: an eighth, kept for the small objects and for
    /// the large ones, so that the two together are at most a quarter. This bound wins over <see cref="MinBudgetBytes"/>.
    /// </summary>
    internal const long AvailableMemoryShare = 8;

    // 1 while an instance of this process holds the collector off, so that two runs at once never both ask (the second
    // ask would fail, and end the first's region with it).
    private static int _held;

    private readonly int _collectionsAtStart;
    private bool _ended;

    private LoadsWithoutCollections(long budget, bool started)
    {
        Budget = budget;
        Started = started;
        _collectionsAtStart = GC.CollectionCount(0);
    }

    /// <summary>The bytes the runtime was asked to hold the collector off for (for small and for large objects each); 0 when it was not asked.</summary>
    public long Budget { get; }

    /// <summary>Whether the collector was held off (false when not asked, or when the runtime or another hold of the process refused it).</summary>
    public bool Started { get; }

    /// <summary>
    /// Whether the region was over before <see cref="Dispose"/>: the loads allocated past the budget, or something else
    /// collected, and the collector had taken over again.
    /// </summary>
    public bool EndedEarly { get; private set; }

    /// <summary>Whether the collector was held off from the start to <see cref="Dispose"/>: started, and not ended early.</summary>
    public bool HeldThroughout => Started && !EndedEarly;

    /// <summary>
    /// The budget for loads of <paramref name="inputBytes"/> bytes of files in a process that may use
    /// <paramref name="availableBytes"/>: <see cref="BytesPerInputByte"/> a byte and at least <see cref="MinBudgetBytes"/>,
    /// but never more than an <see cref="AvailableMemoryShare"/>th of the memory.
    /// </summary>
    public static long BudgetFor(long inputBytes, long availableBytes)
    {
        var wanted = inputBytes > long.MaxValue / BytesPerInputByte ? long.MaxValue : Math.Max(MinBudgetBytes, inputBytes * BytesPerInputByte);
        return Math.Max(0, Math.Min(wanted, availableBytes / AvailableMemoryShare));
    }

    /// <summary>
    /// Holds the collector off for up to <paramref name="budget"/> bytes of allocation (see the remarks); nothing when
    /// the budget is 0 or less, when this process already holds it, or when the runtime refuses.
    /// </summary>
    public static LoadsWithoutCollections Start(long budget)
    {
        if (budget <= 0)
        {
            return new LoadsWithoutCollections(0, started: false);
        }

        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            // Another run of this process holds it.
            return new LoadsWithoutCollections(budget, started: false);
        }

        var started = false;
        try
        {
            // Without a full blocking collection first: at the run's start the heap holds next to nothing. A region on
            // already is someone else's, and theirs to end.
            started = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(budget, disallowFullBlockingGC: true);
        }
        catch (ArgumentOutOfRangeException)
        {
            // More than this runtime can hold off for (the older segments collector, from about 1 GiB): the loads run with
            // the collector, as they always did.
        }
        catch (InvalidOperationException)
        {
            // A region someone else in the process started, between the look and the ask.
        }

        if (!started)
        {
            Volatile.Write(ref _held, 0);
        }

        return new LoadsWithoutCollections(budget, started);
    }

    /// <summary>Lets the collector run again.</summary>
    public void Dispose()
    {
        if (!Started || _ended)
        {
            return;
        }

        _ended = true;
        try
        {
            // A collection since the start (past the budget, or one someone asked for) ended the region: a region on now
            // would be someone else's, and is left alone.
            if (GC.CollectionCount(0) != _collectionsAtStart || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
            {
                EndedEarly = true;
                return;
            }

            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // A collection ended the region between the look and the call: it is over either way.
            EndedEarly = true;
        }
        finally
        {
            Volatile.Write(ref _held, 0);
        }
    }
}
