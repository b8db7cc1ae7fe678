namespace CashApp.Engine.Matching;

/// <summary>
/// Growing the flat arrays the indexes keep their keys and entries in: a bigger array, not cleared (only what is
/// written is read), with what was used copied over.
/// </summary>
internal static class Arrays
{
    /// <summary>A new array of <paramref name="length"/>, not cleared, holding the first <paramref name="used"/> of <paramref name="array"/>.</summary>
    public static T[] Grown<T>(T[] array, int used, int length)
    {
        var grown = GC.AllocateUninitializedArray<T>(length);
        array.AsSpan(0, used).CopyTo(grown);
        return grown;
    }

    /// <summary>Makes room for <paramref name="more"/> past the first <paramref name="used"/> of <paramref name="array"/>: grown to twice its length at least.</summary>
    public static void EnsureRoom<T>(ref T[] array, int used, int more)
    {
        if (used + more > array.Length)
        {
            array = Grown(array, used, Math.Max(array.Length * 2, used + more));
        }
    }
}
