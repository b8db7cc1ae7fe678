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
internal static partial class HugePages
{
    private const int MadviseHugePage = 14;
    private const long PageBytes = 2 << 20;

    /// <summary>Arrays smaller than this are left alone: a few pages, most of them shared with other objects.</summary>
    private const long FromBytes = 8 * PageBytes;

    private static bool _unavailable;

    /// <summary>Advises the whole 2 MB pages inside <paramref name="array"/>, and returns it.</summary>
    public static unsafe T[] Advised<T>(T[] array)
        where T : unmanaged
    {
        var bytes = (long)array.Length * sizeof(T);
        if (!OperatingSystem.IsLinux() || bytes < FromBytes || _unavailable)
        {
            return array;
        }

        // An array this large lives on the large object heap, which collections do not compact: the range stays the array's.
        var start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        var first = (start + PageBytes - 1) & ~(PageBytes - 1);
        var end = (start + bytes) & ~(PageBytes - 1);
        try
        {
            _ = Madvise((nint)first, (nuint)(end - first), MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }

        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
