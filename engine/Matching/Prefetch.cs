using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace CashApp.Engine.Matching;

/// <summary>
/// Asks the processor to bring a cache line in ahead of need, so that lookups of many independent keys
/// overlap their memory latency instead of paying it one after another. A hint only: it never faults,
/// changes no value, and does nothing where the instruction is not available.
/// </summary>
internal static class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(ref T at)
    {
        if (Sse.IsSupported)
        {
            // A stale address (the array moved by a collection in between) costs a wasted fetch, nothing more.
            Sse.Prefetch0(Unsafe.AsPointer(ref at));
        }
    }

    /// <summary>Fetches the start of an object's fields (and the line after, where its short strings usually follow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object? instance)
    {
        if (Sse.IsSupported && instance is not null)
        {
            var at = (byte*)Unsafe.As<object, nint>(ref instance);
            Sse.Prefetch0(at);
            Sse.Prefetch0(at + 64);
        }
    }
}
