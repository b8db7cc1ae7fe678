namespace CashApp.Engine.Matching;

/// <summary>
/// Numbers 0 to count - 1 grouped by a key of each (a counting sort): one array of the numbers, key 0's first, each
/// key's in ascending order, and one of where each key's start, with where the last ends at its end. What the matcher's
/// items by customer and the customer directory's name forms by customer are kept as: two arrays, not a list a key.
/// </summary>
internal static class Grouping
{
    /// <summary>The key of each number, below the count of keys.</summary>
    internal interface IKeys
    {
        int KeyOf(int number);
    }

    /// <summary>Numbers 0 to <paramref name="count"/> - 1 grouped by <paramref name="keys"/>, each below <paramref name="keyCount"/>.</summary>
    public static (int[] Start, int[] Members) ByKey<TKeys>(int count, int keyCount, TKeys keys)
        where TKeys : struct, IKeys
    {
        var start = new int[keyCount + 1];
        for (var n = 0; n < count; n++)
        {
            start[keys.KeyOf(n) + 1]++;
        }

        for (var k = 0; k < keyCount; k++)
        {
            start[k + 1] += start[k];
        }

        // Each number goes where its key's next place is; a key's places then end where the next key's begin, and each
        // start is moved back to where it was.
        var members = GC.AllocateUninitializedArray<int>(count);
        for (var n = 0; n < count; n++)
        {
            members[start[keys.KeyOf(n)]++] = n;
        }

        for (var k = keyCount; k > 0; k--)
        {
            start[k] = start[k - 1];
        }

        start[0] = 0;
        return (start, members);
    }
}
