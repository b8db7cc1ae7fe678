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
    public static T[] Sort<T>(IReadOnlyList<T> list, Func<T, string> key, int length) => Sort(list, key, length, InPartsFrom);

    /// <summary>From this many elements the keys are read, the runs found, merged and the result written in two parts on two cores.</summary>
    internal const int InPartsFrom = 65_536;

    /// <summary>
    /// As <see cref="Sort{T}(IReadOnlyList{T}, Func{T, string}, int)"/>, in two parts on two cores from <paramref name="inPartsFrom"/>
    /// elements (the tests' lever). Each pass over the elements (keys read, runs found, the result written) is cut in two
    /// halves, and each merge of two runs in two parts at the point where the first half of its output ends; each part is
    /// merged as the whole merge would merge it (ties to the left run), so the result is the one-core result. On the 1M
    /// day the index stage opened with this sort of 5M items on one core (some 0.8 s), the other idle.
    /// </summary>
    internal static T[] Sort<T>(IReadOnlyList<T> list, Func<T, string> key, int length, int inPartsFrom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, list.Count);
        var n = list.Count;
        var inParts = InParts(n, inPartsFrom);
        var keys = new string[n];
        List<int> ends;
        if (inParts)
        {
            // (Parallel.Invoke runs the second part on this thread too when no other thread has taken it.)
            var half = n / 2;
            List<int> first = [], second = [];
            Parallel.Invoke(() => first = ReadKeys(list, key, keys, 0, half), () => second = ReadKeys(list, key, keys, half, n));
            ends = first;
            if (string.CompareOrdinal(keys[half - 1], keys[half]) > 0)
            {
                ends.Add(half);
            }

            ends.AddRange(second);
        }
        else
        {
            ends = ReadKeys(list, key, keys, 0, n);
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

        var order = Merged(new StringKeys(keys), n, ends, inParts, inPartsFrom);
        if (inParts)
        {
            var half = n / 2;
            Parallel.Invoke(() => Gather(list, order, result, 0, half), () => Gather(list, order, result, half, n));
        }
        else
        {
            Gather(list, order, result, 0, n);
        }

        return result;
    }

    /// <summary>
    /// The order of <paramref name="n"/> elements by their keys, as <see cref="Sort{T}(IReadOnlyList{T}, Func{T, string}, int, int)"/>
    /// puts them (ascending, stable): element <c>order[i]</c> goes to place i. For keys that are not strings of their own
    /// (an item's id in <see cref="ItemRecords"/>); the keys are compared where they are.
    /// </summary>
    internal static int[] Order<TKeys>(TKeys keys, int n, int inPartsFrom = InPartsFrom)
        where TKeys : IOrdinalKeys
    {
        var inParts = InParts(n, inPartsFrom);
        List<int> ends;
        if (inParts)
        {
            var half = n / 2;
            List<int> first = [], second = [];
            Parallel.Invoke(() => first = RunEnds(keys, 0, half), () => second = RunEnds(keys, half, n));
            ends = first;
            if (keys.Compare(half - 1, half) > 0)
            {
                ends.Add(half);
            }

            ends.AddRange(second);
        }
        else
        {
            ends = RunEnds(keys, 0, n);
        }

        if (ends.Count == 0)
        {
            var inOrder = new int[n];
            for (var i = 0; i < n; i++)
            {
                inOrder[i] = i;
            }

            return inOrder;
        }

        return Merged(keys, n, ends, inParts, inPartsFrom);
    }

    /// <summary>Keys compared by the index of their elements: negative when a's sorts before b's, as <see cref="string.CompareOrdinal(string, string)"/>.</summary>
    internal interface IOrdinalKeys
    {
        int Compare(int a, int b);
    }

    private readonly struct StringKeys(string[] keys) : IOrdinalKeys
    {
        public int Compare(int a, int b) => string.CompareOrdinal(keys[a], keys[b]);
    }

    private static bool InParts(int n, int inPartsFrom) => n >= Math.Max(2, inPartsFrom) && Environment.ProcessorCount >= 2;

    /// <summary>Where ascending runs end among elements <paramref name="from"/> to <paramref name="to"/> (a key that sorts strictly before the one ahead of it).</summary>
    private static List<int> RunEnds<TKeys>(TKeys keys, int from, int to)
        where TKeys : IOrdinalKeys
    {
        var ends = new List<int>();
        for (var i = from + 1; i < to; i++)
        {
            if (keys.Compare(i - 1, i) > 0)
            {
                ends.Add(i);
            }
        }

        return ends;
    }

    /// <summary>The order that merges the ascending runs ending at <paramref name="ends"/> (and at <paramref name="n"/>), neighbours pairwise until one is left.</summary>
    private static int[] Merged<TKeys>(TKeys keys, int n, List<int> ends, bool inParts, int inPartsFrom)
        where TKeys : IOrdinalKeys
    {
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
                if (inParts && end - start >= inPartsFrom)
                {
                    // The first half of the output: i of the left run and j of the right, found by a binary search.
                    var k = (end - start) / 2;
                    var i = SplitAt(keys, order, start, middle, end, k);
                    var j = k - i;
                    var (os, ss) = (order, spare);
                    Parallel.Invoke(
                        () => Merge(keys, os, ss, start, start + i, middle, middle + j, start),
                        () => Merge(keys, os, ss, start + i, middle, middle + j, end, start + k));
                }
                else
                {
                    Merge(keys, order, spare, start, middle, middle, end, start);
                }

                runEnds[merged++] = end;
            }

            runs = merged;
            (order, spare) = (spare, order);
        }

        return order;
    }

    /// <summary>Reads the keys of elements <paramref name="from"/> to <paramref name="to"/>; returns where an ascending run ends among them (a key that sorts strictly before the one ahead of it).</summary>
    private static List<int> ReadKeys<T>(IReadOnlyList<T> list, Func<T, string> key, string[] keys, int from, int to)
    {
        var ends = new List<int>();
        for (var i = from; i < to; i++)
        {
            keys[i] = key(list[i]);
            if (i > from && string.CompareOrdinal(keys[i - 1], keys[i]) > 0)
            {
                ends.Add(i);
            }
        }

        return ends;
    }

    /// <summary>
    /// Merges <paramref name="order"/>'s <paramref name="a"/>..<paramref name="aEnd"/> and <paramref name="b"/>..<paramref name="bEnd"/>
    /// into <paramref name="into"/> from <paramref name="at"/>; on a tie the element of the first goes first.
    /// </summary>
    private static void Merge<TKeys>(TKeys keys, int[] order, int[] into, int a, int aEnd, int b, int bEnd, int at)
        where TKeys : IOrdinalKeys
    {
        var o = at;
        while (a < aEnd && b < bEnd)
        {
            into[o++] = keys.Compare(order[b], order[a]) < 0 ? order[b++] : order[a++];
        }

        Array.Copy(order, a, into, o, aEnd - a);
        o += aEnd - a;
        Array.Copy(order, b, into, o, bEnd - b);
    }

    /// <summary>
    /// How many of the left run (<paramref name="start"/>..<paramref name="middle"/>) are among the first <paramref name="k"/>
    /// elements of its merge with the right run (<paramref name="middle"/>..<paramref name="end"/>): the least i for which
    /// the left run's element i does not go before the right run's element k - i - 1 (a tie goes to the left).
    /// </summary>
    internal static int SplitAt(string[] keys, int[] order, int start, int middle, int end, int k) => SplitAt(new StringKeys(keys), order, start, middle, end, k);

    private static int SplitAt<TKeys>(TKeys keys, int[] order, int start, int middle, int end, int k)
        where TKeys : IOrdinalKeys
    {
        int leftCount = middle - start, rightCount = end - middle;
        int lo = Math.Max(0, k - rightCount), hi = Math.Min(k, leftCount);
        while (lo < hi)
        {
            var i = lo + ((hi - lo) / 2);
            var j = k - i;
            if (keys.Compare(order[start + i], order[middle + j - 1]) <= 0)
            {
                lo = i + 1;
            }
            else
            {
                hi = i;
            }
        }

        return lo;
    }

    private static void Gather<T>(IReadOnlyList<T> list, int[] order, T[] result, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            result[i] = list[order[i]];
        }
    }
}
