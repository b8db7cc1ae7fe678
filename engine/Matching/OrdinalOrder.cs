namespace CashApp.Engine.Matching;

/// <summary>
/// A stable sort by an ordinal string key that costs what the input's disorder costs: the ascending runs
/// the input already has are merged, so a list in order costs one pass of comparisons and a list of two
/// runs (AR files number their items, and AR999999 sorts after AR1000000) two passes, where a general
/// sort of five million ids costs twenty-odd. The result is exactly
/// <c>list.OrderBy(key, StringComparer.Ordinal)</c>: equal keys keep their order.
/// </summary>
internal static class OrdinalOrder
{
    /// <summary>The elements of <paramref name="list"/> in ascending ordinal order of <paramref name="key"/>, stable.</summary>
    public static T[] Sort<T>(IReadOnlyList<T> list, Func<T, string> key) => Sort(list, key, list.Count);

    /// <summary>
    /// The elements of <paramref name="list"/> in ascending ordinal order of <paramref name="key"/>, stable, at the start of
    /// an array <paramref name="length"/> long (at least the list's count; the rest left default): for a caller that
    /// keeps room after them, which then need not be copied into a longer array.
    /// </summary>
    public static T[] Sort<T>(IReadOnlyList<T> list, Func<T, string> key, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, list.Count);
        var n = list.Count;
        var keys = new string[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = key(list[i]);
        }

        // Where each ascending run ends; a run breaks only where a key sorts strictly before the one ahead of it.
        var ends = new List<int>();
        for (var i = 1; i < n; i++)
        {
            if (string.CompareOrdinal(keys[i - 1], keys[i]) > 0)
            {
                ends.Add(i);
            }
        }

        var result = new T[length];
        if (ends.Count == 0)
        {
            for (var i = 0; i < n; i++)
            {
                result[i] = list[i];
            }

            return result;
        }

        ends.Add(n);
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Neighbouring runs merged pairwise until one is left; on a tie the left run's element goes first.
        var spare = new int[n];
        var runEnds = ends.ToArray();
        var runs = runEnds.Length;
        while (runs > 1)
        {
            var merged = 0;
            for (var r = 0; r < runs; r += 2)
            {
                var start = r == 0 ? 0 : runEnds[r - 1];
                var middle = runEnds[r];
                var end = r + 1 < runs ? runEnds[r + 1] : middle;
                int a = start, b = middle, o = start;
                while (a < middle && b < end)
                {
                    spare[o++] = string.CompareOrdinal(keys[order[b]], keys[order[a]]) < 0 ? order[b++] : order[a++];
                }

                Array.Copy(order, a, spare, o, middle - a);
                o += middle - a;
                Array.Copy(order, b, spare, o, end - b);
                runEnds[merged++] = end;
            }

            runs = merged;
            (order, spare) = (spare, order);
        }

        for (var i = 0; i < n; i++)
        {
            result[i] = list[order[i]];
        }

        return result;
    }
}
