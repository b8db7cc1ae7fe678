using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CashApp.Engine.Matching;

/// <summary>
/// Asks Linux to back a large, freshly made array with 2 MB pages (transparent huge pages in <c>madvise</c> mode) before
/// it is first written. A table of hundreds of megabytes filled at random pays, with 4 KB pages, a page fault for every
/// 4 KB on first touch (some 8 µs each in a virtual machine) and a TLB miss on nearly every probe; with 2 MB pages, one
/// fault per 2 MB, and a table whose pages the TLB holds. A hint only: it changes no value, and where it is refused or
/// not available nothing happens.
/// </summary>
/// <remarks>
/// The advice stays on the memory after the array dies, and the collector may hand that memory out again for other
/// objects, 2 MB at a time: advise only arrays that live about as long as the process's work (a full build's indexes,
/// not a generation's).
/// </remarks>
internal static partial class HugePages
{
    private const int MadviseHugePage = 14;
    private const long PageBytes = 2 << 20;

    /// <summary>Arrays smaller than this are left alone: a few pages, most of them shared with other objects.</summary>
    private const long FromBytes = 8 * PageBytes;

    private static volatile bool _unavailable;

    /// <summary>
    /// Advises the whole 2 MB pages inside <paramref name="array"/>. True when the kernel took the advice; false for a
    /// small array, another OS, or a kernel or libc that refuses it.
    /// </summary>
    public static unsafe bool Advise<T>(T[] array)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        var bytes = (long)array.Length * sizeof(T);
        if (!OperatingSystem.IsLinux() || bytes < FromBytes || _unavailable)
        {
            return false;
        }

        // An array this large lives on the large object heap, which the collector does not compact unless told to (a heap
        // hard limit, GCConserveMemory, an aggressive GC.Collect). Should it move, only the hint is left on the old range.
        var (first, length) = InnerPages((long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)), bytes);
        try
        {
            return Madvise((nint)first, (nuint)length, MadviseHugePage) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    /// <summary>
    /// A range of address space at least this large around a managed object is the collector's reserve (with regions it
    /// reserves hundreds of gigabytes at start and commits them as it goes); a smaller one is not advised.
    /// </summary>
    internal const long CollectorReserveBytes = 1L << 30;

    /// <summary>
    /// Asks Linux to back the garbage collector's heap with 2 MB pages as it commits it: the large arrays of a day's run
    /// (the loads' lists and tables, the matcher's per-item arrays, the index's tables) then fault in 2 MB at a time
    /// instead of 4 KB, and those <see cref="Advise{T}"/> is not told of too. What is advised is the run of anonymous,
    /// unnamed mappings without a gap around a fresh object: the collector's reserve (hundreds of gigabytes reserved at
    /// start and committed in pieces) and whatever the kernel placed right beside it, thread stacks and malloc arenas,
    /// which the advice can only round up to 2 MB where they touch that much. Returns the bytes advised, or 0 where the run
    /// is under <see cref="CollectorReserveBytes"/> (a heap hard limit, the older segments collector), on another OS, or
    /// where the kernel refuses. With transparent huge pages set to <c>never</c> the kernel takes the advice and uses no
    /// 2 MB page.
    /// </summary>
    /// <remarks>
    /// For a process whose heap lives as long as its work (a batch run). The collector commits its small-object regions
    /// 64 KB at a time, too little for a 2 MB page, so those keep 4 KB pages; and memory it gives back is mapped anew
    /// without the advice, so a caller advises again after a collection that frees much. The advice changes no value.
    /// </remarks>
    public static long AdviseCollectorHeap()
    {
        if (!OperatingSystem.IsLinux() || _unavailable)
        {
            return 0;
        }

        try
        {
            if (CollectorRun() is not { } run || run.End - run.Start < CollectorReserveBytes)
            {
                return 0;
            }

            return Madvise((nint)run.Start, (nuint)(run.End - run.Start), MadviseHugePage) == 0 ? (long)(run.End - run.Start) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return 0;
        }
    }

    /// <summary>
    /// The run of anonymous mappings around a fresh object of this process (<see cref="AnonymousRunAround"/> of
    /// <c>/proc/self/maps</c>), read and not advised: what <see cref="AdviseCollectorHeap"/> would advise. Linux only.
    /// </summary>
    internal static unsafe (ulong Start, ulong End)? CollectorRun()
    {
        var probe = new byte[1];
        var address = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(probe));
        GC.KeepAlive(probe);
        return AnonymousRunAround(File.ReadLines("/proc/self/maps"), address);
    }

    /// <summary>
    /// The mappings of <paramref name="maps"/> (lines of <c>/proc/PID/maps</c>, in address order) that hold
    /// <paramref name="address"/> and run on from it without a gap, each anonymous (no file, no name such as
    /// <c>[heap]</c> or <c>[stack]</c>): where they start and end. Null when no anonymous mapping holds the address.
    /// </summary>
    internal static (ulong Start, ulong End)? AnonymousRunAround(IEnumerable<string> maps, ulong address)
    {
        ulong runStart = 0, runEnd = 0;
        var holds = false;
        foreach (var line in maps)
        {
            if (!TryMapping(line, out var start, out var end, out var anonymous))
            {
                continue;
            }

            if (!anonymous || start != runEnd)
            {
                if (holds)
                {
                    break;
                }

                runStart = start;
            }

            runEnd = end;
            if (!anonymous)
            {
                runStart = runEnd = 0;
                continue;
            }

            holds |= start <= address && address < end;
        }

        return holds ? (runStart, runEnd) : null;
    }

    /// <summary>One line of <c>/proc/PID/maps</c>: <c>start-end perms offset dev inode [path]</c>.</summary>
    private static bool TryMapping(string line, out ulong start, out ulong end, out bool anonymous)
    {
        start = end = 0;
        anonymous = false;
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var dash = fields.Length > 0 ? fields[0].IndexOf('-', StringComparison.Ordinal) : -1;
        if (fields.Length < 5 || dash <= 0
            || !ulong.TryParse(fields[0].AsSpan(0, dash), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out end)
            || end <= start)
        {
            return false;
        }

        anonymous = fields[4] == "0" && (fields.Length == 5 || string.IsNullOrWhiteSpace(fields[5]));
        return true;
    }

    /// <summary>The whole 2 MB pages inside the <paramref name="bytes"/> from <paramref name="start"/>: where they begin, and how many bytes they span (0 when none).</summary>
    internal static (long First, long Length) InnerPages(long start, long bytes)
    {
        var first = (start + PageBytes - 1) & ~(PageBytes - 1);
        var end = (start + bytes) & ~(PageBytes - 1);
        return (first, Math.Max(0, end - first));
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
