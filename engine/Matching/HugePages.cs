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
