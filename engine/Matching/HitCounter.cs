namespace CashApp.Engine.Matching;

/// <summary>
/// Counts retrieval hits per candidate (name form) and picks the best few, for the name lookup that runs
/// for a large share of payments. One instance per thread, reused: only the candidates it touched are
/// reset, so a lookup costs what it retrieves, not what the directory holds.
/// </summary>
internal sealed class HitCounter
{
    [ThreadStatic]
    private static HitCounter? _current;

    // Where each candidate's count is kept: its place among the touched plus one, 0 while it has no hits.
    // The counts sit beside the touched candidates, densely, so that weighing, pruning and picking the
    // best read one short array in order instead of reaching into a directory-sized one per candidate.
    private int[] _place = [];
    private int[] _touched = new int[64];
    private int[] _counts = new int[64];
    private int _touchedCount;

    /// <summary>This thread's counter, empty, for candidates 0 to <paramref name="candidates"/> - 1.</summary>
    public static HitCounter For(int candidates)
    {
        var counter = _current ??= new HitCounter();
        if (counter._place.Length < candidates)
        {
            counter._place = new int[candidates];
        }

        counter.Clear();
        return counter;
    }

    /// <summary>How many candidates have hits.</summary>
    public int Touched => _touchedCount;

    /// <summary>Counts a hit; a candidate without hits yet is counted only when <paramref name="bringsIn"/>.</summary>
    public void Hit(int candidate, int weight, bool bringsIn = true)
    {
        ref var place = ref _place[candidate];
        if (place != 0)
        {
            _counts[place - 1] += weight;
            return;
        }

        if (!bringsIn)
        {
            return;
        }

        if (_touchedCount == _touched.Length)
        {
            Array.Resize(ref _touched, 2 * _touched.Length);
            Array.Resize(ref _counts, 2 * _counts.Length);
        }

        _touched[_touchedCount] = candidate;
        _counts[_touchedCount] = weight;
        place = ++_touchedCount;
    }

    /// <summary>
    /// Adds <paramref name="weight"/> to each candidate already hit that is in <paramref name="sorted"/>
    /// (ascending): by binary search when few candidates are in and the list is long, else by a scan.
    /// </summary>
    public void HitWhereIn(List<int> sorted, int weight)
    {
        if (_touchedCount * (System.Numerics.BitOperations.Log2((uint)sorted.Count) + 1) < sorted.Count)
        {
            for (var at = 0; at < _touchedCount; at++)
            {
                if (sorted.BinarySearch(_touched[at]) >= 0)
                {
                    _counts[at] += weight;
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
        for (var at = 0; at < _touchedCount; at++)
        {
            var candidate = _touched[at];
            if ((bits[candidate >> 6] & (1UL << candidate)) != 0)
            {
                _counts[at] += weight;
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
        var chosen = new List<int>(Math.Min(limit, _touchedCount));
        if (_touchedCount <= limit)
        {
            chosen.AddRange(_touched.AsSpan(0, _touchedCount));
            Clear();
            return chosen;
        }

        var threshold = Threshold(limit);

        // Everything above the threshold, then the lowest indexes at it (a max-heap of the ones kept).
        var ties = new PriorityQueue<int, int>();
        for (var at = 0; at < _touchedCount; at++)
        {
            var count = _counts[at];
            if (count > threshold)
            {
                chosen.Add(_touched[at]);
            }
            else if (count == threshold)
            {
                ties.Enqueue(_touched[at], -_touched[at]);
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
        if (_touchedCount <= limit)
        {
            return;
        }

        var threshold = Threshold(limit);
        var kept = 0;
        for (var at = 0; at < _touchedCount; at++)
        {
            var candidate = _touched[at];
            var count = _counts[at];
            if (count + headroom >= threshold)
            {
                if (kept != at)
                {
                    _touched[kept] = candidate;
                    _counts[kept] = count;
                    _place[candidate] = kept + 1;
                }

                kept++;
            }
            else
            {
                _place[candidate] = 0;
            }
        }

        _touchedCount = kept;
    }

    /// <summary>The highest count at which at least <paramref name="limit"/> candidates (fewer than there are) have that count or more.</summary>
    private int Threshold(int limit)
    {
        var counts = _counts.AsSpan(0, _touchedCount);
        var maxCount = 0;
        foreach (var count in counts)
        {
            maxCount = Math.Max(maxCount, count);
        }

        Span<int> withCount = maxCount < 256 ? stackalloc int[maxCount + 1] : new int[maxCount + 1];
        foreach (var count in counts)
        {
            withCount[count]++;
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
        for (var at = 0; at < _touchedCount; at++)
        {
            _place[_touched[at]] = 0;
        }

        _touchedCount = 0;
    }
}
