namespace CashApp.Engine.Matching;

/// <summary>
/// Counts retrieval hits per candidate (name form) in a flat array and picks the best few, for the
/// name lookup that runs for a large share of payments. One instance per thread, reused: only the
/// counts it touched are reset, so a lookup costs what it retrieves, not what the directory holds.
/// </summary>
internal sealed class HitCounter
{
    [ThreadStatic]
    private static HitCounter? _current;

    private int[] _counts = [];
    private readonly List<int> _touched = [];

    /// <summary>This thread's counter, empty, for candidates 0 to <paramref name="candidates"/> - 1.</summary>
    public static HitCounter For(int candidates)
    {
        var counter = _current ??= new HitCounter();
        if (counter._counts.Length < candidates)
        {
            counter._counts = new int[candidates];
        }

        counter.Clear();
        return counter;
    }

    /// <summary>How many candidates have hits.</summary>
    public int Touched => _touched.Count;

    /// <summary>Counts a hit; a candidate without hits yet is counted only when <paramref name="bringsIn"/>.</summary>
    public void Hit(int candidate, int weight, bool bringsIn = true)
    {
        ref var count = ref _counts[candidate];
        if (count == 0)
        {
            if (!bringsIn)
            {
                return;
            }

            _touched.Add(candidate);
        }

        count += weight;
    }

    /// <summary>
    /// Adds <paramref name="weight"/> to each candidate already hit that is in <paramref name="sorted"/>
    /// (ascending): by binary search when few candidates are in and the list is long, else by a scan.
    /// </summary>
    public void HitWhereIn(List<int> sorted, int weight)
    {
        if (_touched.Count * (System.Numerics.BitOperations.Log2((uint)sorted.Count) + 1) < sorted.Count)
        {
            foreach (var candidate in _touched)
            {
                if (sorted.BinarySearch(candidate) >= 0)
                {
                    _counts[candidate] += weight;
                }
            }
        }
        else
        {
            foreach (var candidate in sorted)
            {
                Hit(candidate, weight, bringsIn: false);
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="weight"/> to each candidate already hit whose bit is set in <paramref name="bits"/>
    /// (<see cref="Bits"/> of a long candidate list): one bit test each instead of a search of the list.
    /// </summary>
    public void HitWhereIn(ulong[] bits, int weight)
    {
        foreach (var candidate in _touched)
        {
            if ((bits[candidate >> 6] & (1UL << candidate)) != 0)
            {
                _counts[candidate] += weight;
            }
        }
    }

    /// <summary>A candidate list as one bit per candidate 0 to <paramref name="candidates"/> - 1, for <see cref="HitWhereIn(ulong[], int)"/>.</summary>
    public static ulong[] Bits(List<int> list, int candidates)
    {
        var bits = new ulong[(candidates + 63) >> 6];
        foreach (var candidate in list)
        {
            bits[candidate >> 6] |= 1UL << candidate;
        }

        return bits;
    }

    /// <summary>
    /// The <paramref name="limit"/> candidates with the most hits, fewer candidates first among equals
    /// (ascending index), in no particular order. The counter is cleared afterwards.
    /// </summary>
    public List<int> TakeTop(int limit)
    {
        var chosen = new List<int>(Math.Min(limit, _touched.Count));
        if (_touched.Count <= limit)
        {
            chosen.AddRange(_touched);
            Clear();
            return chosen;
        }

        var threshold = Threshold(limit);

        // Everything above the threshold, then the lowest indexes at it (a max-heap of the ones kept).
        var ties = new PriorityQueue<int, int>();
        foreach (var candidate in _touched)
        {
            var count = _counts[candidate];
            if (count > threshold)
            {
                chosen.Add(candidate);
            }
            else if (count == threshold)
            {
                ties.Enqueue(candidate, -candidate);
            }
        }

        var room = limit - chosen.Count;
        while (ties.Count > room)
        {
            ties.Dequeue();
        }

        while (ties.Count > 0)
        {
            chosen.Add(ties.Dequeue());
        }

        Clear();
        return chosen;
    }

    /// <summary>
    /// Drops the candidates that can no longer be among the best <paramref name="limit"/>: those whose
    /// hits plus <paramref name="headroom"/> (all the weight still to come) stay below the count the
    /// <paramref name="limit"/>-th best has now. Counts only grow, so what <see cref="TakeTop"/> picks is
    /// unchanged; later keys then have fewer candidates to weigh.
    /// </summary>
    public void Prune(int limit, int headroom)
    {
        if (_touched.Count <= limit)
        {
            return;
        }

        var threshold = Threshold(limit);
        var kept = 0;
        for (var at = 0; at < _touched.Count; at++)
        {
            var candidate = _touched[at];
            if (_counts[candidate] + headroom >= threshold)
            {
                _touched[kept++] = candidate;
            }
            else
            {
                _counts[candidate] = 0;
            }
        }

        _touched.RemoveRange(kept, _touched.Count - kept);
    }

    /// <summary>The highest count at which at least <paramref name="limit"/> candidates (fewer than there are) have that count or more.</summary>
    private int Threshold(int limit)
    {
        var maxCount = 0;
        foreach (var candidate in _touched)
        {
            maxCount = Math.Max(maxCount, _counts[candidate]);
        }

        var withCount = new int[maxCount + 1];
        foreach (var candidate in _touched)
        {
            withCount[_counts[candidate]]++;
        }

        var threshold = maxCount;
        for (var above = withCount[maxCount]; above < limit; above += withCount[threshold])
        {
            threshold--;
        }

        return threshold;
    }

    private void Clear()
    {
        foreach (var candidate in _touched)
        {
            _counts[candidate] = 0;
        }

        _touched.Clear();
    }
}
