using System.Buffers;
using System.Numerics;

namespace CashApp.Engine.Matching;

/// <summary>
/// Cardinality-bounded subset sum by meet in the middle, in integer minor units: which sets of at most
/// six of a customer's open items add up to a payment exactly. A search of more than three items a solution tables
/// every subset of at most three items by its sum; a solution is a tabled subset alone, or a three-item subset
/// followed by a tabled subset of higher-numbered items, so each solution is found exactly once. A search of at most
/// three tables nothing: it keeps the subsets that make the target as it makes them.
/// </summary>
/// <remarks>
/// <see cref="Reaches"/> answers another question: whether any subset of at most so many items, among
/// all of them, makes an amount. It proves that a rest is nobody's invoices: <see cref="Find"/> looks at
/// sixty items at most, so finding nothing there rules out nothing beyond them.
/// </remarks>
internal static class SubsetSum
{
    /// <summary>Most items searched; masks are 64 bits.</summary>
    public const int MaxItems = 64;

    /// <summary>
    /// Finds up to <paramref name="limit"/> subsets (bit masks over <paramref name="amounts"/>) of at most
    /// <paramref name="maxSize"/> items summing to <paramref name="target"/>. <paramref name="budget"/>
    /// bounds the work; when it runs out the search stops and <paramref name="exhausted"/> is true, so a
    /// caller never mistakes an unfinished search for a unique answer.
    /// </summary>
    public static List<ulong> Find(ReadOnlySpan<long> amounts, long target, int maxSize, int limit, long budget, out bool exhausted)
    {
        exhausted = false;
        var solutions = new List<ulong>();
        var n = Math.Min(amounts.Length, MaxItems);
        if (n == 0 || maxSize <= 0)
        {
            return solutions;
        }

        var half = Math.Min(3, maxSize);
        var rest = Math.Max(0, maxSize - half);
        amounts = amounts[..n];
        if (rest == 0)
        {
            // Nothing to add to a subset (at most three items a solution): a solution is a subset whose sum is the
            // target, met in the order the subsets are made, and nothing is tabled. The first `limit` are kept as they
            // are made (at least one, as the table's scan kept), and only if the budget lasts to the last subset. The
            // subsets are all made even once the limit is reached, as the table made them all before its scan: the
            // budget may still run out, or a sum overflow, past that point, and the answer says so as it always did.
            var kept = new OnTarget(solutions, target, Math.Max(1, limit));
            if (!Make(amounts, target, half, ref budget, ref kept))
            {
                exhausted = true;
                solutions.Clear();
            }

            return solutions;
        }

        // Every subset of 1..half items, in generation order, chained by sum in an open hash table whose chains keep
        // that order (arrays from the pool: a 60-item search tables 36k subsets).
        var capacity = n + (half >= 2 ? n * (n - 1) / 2 : 0) + (half >= 3 ? n * (n - 1) * (n - 2) / 6 : 0);
        var table = new Table(capacity);
        try
        {
            if (!Make(amounts, target, half, ref budget, ref table))
            {
                exhausted = true;
                return solutions;
            }

            for (var at = 0; at < table.Count; at++)
            {
                var (mask, sum) = (table.Masks[at], table.Sums[at]);
                if (sum == target && Add(mask))
                {
                    return solutions;
                }

                if (BitOperations.PopCount(mask) != half)
                {
                    continue;
                }

                // The partners' sums are longs: a difference past the range of long is none of them.
                if (!TrySubtract(target, sum, out var wanted))
                {
                    continue;
                }

                var highest = 63 - BitOperations.LeadingZeroCount(mask);
                for (var partner = table.First(wanted); partner >= 0; partner = table.Next[partner])
                {
                    if (table.Sums[partner] != wanted)
                    {
                        continue;
                    }

                    if (--budget < 0)
                    {
                        exhausted = true;
                        return solutions;
                    }

                    var other = table.Masks[partner];
                    if (BitOperations.TrailingZeroCount(other) > highest && BitOperations.PopCount(other) <= rest && Add(mask | other))
                    {
                        return solutions;
                    }
                }
            }

            return solutions;
        }
        finally
        {
            table.Return();
        }

        bool Add(ulong mask)
        {
            solutions.Add(mask);
            return solutions.Count >= limit;
        }
    }

    /// <summary>What <see cref="Make"/> hands each subset it makes to.</summary>
    private interface ISubsets
    {
        void Record(ulong mask, long sum);
    }

    /// <summary>
    /// Makes every subset of 1 to <paramref name="size"/> of <paramref name="amounts"/> and records it in
    /// <paramref name="subsets"/>, in generation order: for each item, the item alone, then each pair it starts and
    /// the triples that pair starts. A subset past the target is not recorded (below). Each triple made, or passed over
    /// with a subset past the target, costs one of <paramref name="budget"/>; false when it runs out. (A struct of each
    /// kind, so that each search compiles to its own loop, the recording inlined.)
    /// </summary>
    private static bool Make<TSubsets>(ReadOnlySpan<long> amounts, long target, int size, ref long budget, ref TSubsets subsets)
        where TSubsets : struct, ISubsets
    {
        var n = amounts.Length;

        // When every amount lies on the target's side of zero, a subset past the target (a sum beyond it) is in no
        // solution, nor is any subset that holds it: it is not recorded, and the triples that would extend it are only
        // counted against the budget, all at once. Nothing else changes: a solution is never such a subset, such a
        // subset is never another's partner (the partner would have to lie on the far side of zero), and the rest
        // are recorded in their order. A payer's dozens of open items mostly each exceed a payment of one or two of
        // them, so most of the 36k triples of a 60-item search were tabled for nothing.
        var prune = Prunable(amounts, target);
        for (var i = 0; i < n; i++)
        {
            if (prune && Beyond(amounts[i], target))
            {
                // Only the triples passed over count (the search as it was never counted any past the last item): a
                // budget already below zero runs out at the first of them, not at a skip that passes over none.
                if (size >= 3 && Pairs(n - i - 1) > 0 && (budget -= Pairs(n - i - 1)) < 0)
                {
                    return false;
                }

                continue;
            }

            subsets.Record(1UL << i, amounts[i]);
            if (size < 2)
            {
                continue;
            }

            for (var j = i + 1; j < n; j++)
            {
                var sum2 = checked(amounts[i] + amounts[j]);
                if (prune && Beyond(sum2, target))
                {
                    if (size >= 3 && n - j - 1 > 0 && (budget -= n - j - 1) < 0)
                    {
                        return false;
                    }

                    continue;
                }

                subsets.Record((1UL << i) | (1UL << j), sum2);
                if (size < 3)
                {
                    continue;
                }

                for (var k = j + 1; k < n; k++)
                {
                    if (--budget < 0)
                    {
                        return false;
                    }

                    var sum3 = checked(sum2 + amounts[k]);
                    if (!prune || !Beyond(sum3, target))
                    {
                        subsets.Record((1UL << i) | (1UL << j) | (1UL << k), sum3);
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Past the target, away from zero (only read when every amount lies on the target's side of zero).</summary>
    private static bool Beyond(long sum, long target) => target >= 0 ? sum > target : sum < target;

    /// <summary>The subsets whose sum is the target, the first <c>limit</c> of them, in the order they are made.</summary>
    private readonly struct OnTarget(List<ulong> solutions, long target, int limit) : ISubsets
    {
        public void Record(ulong mask, long sum)
        {
            if (sum == target && solutions.Count < limit)
            {
                solutions.Add(mask);
            }
        }
    }

    /// <summary>
    /// The subsets in the order they are made, chained by sum in an open hash table whose chains keep that order: the
    /// subsets of one sum are met in the order they were made. Its arrays are the pool's until <see cref="Return"/>. Passed
    /// by reference only: a copy's <see cref="Count"/> does not move on, and a copy must not be returned again.
    /// </summary>
    private struct Table : ISubsets
    {
        public readonly ulong[] Masks;
        public readonly long[] Sums;
        public readonly int[] Next;
        private readonly int[] _head;
        private readonly int[] _tail;
        private readonly int _shift;

        public Table(int capacity)
        {
            var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
            _shift = 64 - BitOperations.Log2((uint)buckets);
            Masks = ArrayPool<ulong>.Shared.Rent(capacity);
            Sums = ArrayPool<long>.Shared.Rent(capacity);
            Next = ArrayPool<int>.Shared.Rent(capacity);
            _head = ArrayPool<int>.Shared.Rent(buckets);
            _tail = ArrayPool<int>.Shared.Rent(buckets);
            Array.Fill(_head, -1, 0, buckets);
        }

        public int Count { get; private set; }

        public void Record(ulong mask, long sum)
        {
            var at = Count++;
            Masks[at] = mask;
            Sums[at] = sum;
            Next[at] = -1;
            var bucket = Bucket(sum);
            if (_head[bucket] < 0)
            {
                _head[bucket] = at;
            }
            else
            {
                Next[_tail[bucket]] = at;
            }

            _tail[bucket] = at;
        }

        /// <summary>The first subset in the chain of <paramref name="sum"/>'s bucket (subsets of other sums among it), or -1.</summary>
        public readonly int First(long sum) => _head[Bucket(sum)];

        public readonly void Return()
        {
            ArrayPool<ulong>.Shared.Return(Masks);
            ArrayPool<long>.Shared.Return(Sums);
            ArrayPool<int>.Shared.Return(Next);
            ArrayPool<int>.Shared.Return(_head);
            ArrayPool<int>.Shared.Return(_tail);
        }

        // Fibonacci hashing: the top bits of the sum times 2^64 / phi.
        private readonly int Bucket(long sum) => (int)(unchecked((ulong)sum * 0x9E3779B97F4A7C15UL) >> _shift);
    }

    /// <summary>How many pairs <paramref name="n"/> items make.</summary>
    private static long Pairs(int n) => (long)n * (n - 1) / 2;

    /// <summary>
    /// Whether <see cref="Find"/> may leave out the subsets past its target: every amount lies on the target's side of
    /// zero (or is zero), so no item brings a sum back, and every amount is small enough that no sum of six overflows
    /// (so leaving a sum out never skips the overflow the search would have thrown).
    /// </summary>
    private static bool Prunable(ReadOnlySpan<long> amounts, long target)
    {
        const long Bound = long.MaxValue / 8;
        foreach (var amount in amounts)
        {
            if (target >= 0 ? amount < 0 || amount > Bound : amount > 0 || amount < -Bound)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether some non-empty subset of at most <paramref name="maxSize"/> of <paramref name="amounts"/>
    /// (signs mixed, any number of them) adds up to <paramref name="target"/> exactly: <see cref="Reach.Yes"/>,
    /// <see cref="Reach.No"/>, or <see cref="Reach.Unknown"/> when the search would take more than
    /// <paramref name="budget"/> steps.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="Find"/>, it looks at every item however many there are, and it proves a "no". An exact
    /// dynamic programme over the sums reachable so far with the fewest items each, kept either as a sorted
    /// list (few items) or as one bit set per subset size over the window of sums that can still reach the
    /// target (many items: n times the size passes over |target| plus the credit memos' total bits, divided by
    /// the amounts' common divisor), whichever is cheaper. A partial sum that the remaining items cannot carry
    /// to the target is dropped, so the answer is exact: never "no" while a subset exists, never "yes" without one.
    /// </remarks>
    public static Reach Reaches(ReadOnlySpan<long> amounts, long target, int maxSize, long budget)
    {
        ArgumentOutOfRangeException.ThrowIfZero(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        bool hasPositive = false, hasNegative = false;
        foreach (var amount in amounts)
        {
            hasPositive |= amount > 0;
            hasNegative |= amount < 0;
        }

        // An item beyond the target's side, with nothing of the other sign to bring a sum back, is in no subset.
        var items = new List<long>(amounts.Length);
        foreach (var amount in amounts)
        {
            if (amount != 0 && !(!hasNegative && amount > target) && !(!hasPositive && amount < target))
            {
                items.Add(amount);
            }
        }

        long positives = 0, negatives = 0;
        foreach (var amount in items)
        {
            if (amount > 0)
            {
                positives = checked(positives + amount);
            }
            else
            {
                negatives = checked(negatives + amount);
            }
        }

        if (items.Count == 0 || target > positives || target < negatives)
        {
            return Reach.No;
        }

        // Sums of multiples of g are multiples of g: divide it out (round amounts make a far smaller window).
        var divisor = 0L;
        foreach (var amount in items)
        {
            divisor = Gcd(divisor, Math.Abs(amount));
        }

        if (target % divisor != 0)
        {
            return Reach.No;
        }

        for (var i = 0; i < items.Count; i++)
        {
            items[i] /= divisor;
        }

        target /= divisor;
        positives /= divisor;
        negatives /= divisor;

        // The largest first: the window of sums the rest can still carry to the target narrows fastest.
        items.Sort((a, b) => Math.Abs(b).CompareTo(Math.Abs(a)));
        var sizes = Math.Min(maxSize, items.Count);
        var low = Math.Max(negatives, SaturatingSubtract(target, positives));
        var high = Math.Min(positives, SaturatingSubtract(target, negatives));
        var width = (double)high - low + 1;
        var words = (long)Math.Ceiling(width / 64);

        // The list holds at most one entry per sum, and at most the subsets of up to `sizes` of the items so far
        // (the sum over k <= sizes of C(i, k), kept by Pascal's rule).
        Span<double> choose = stackalloc double[Math.Min(sizes, 64) + 1];
        choose[0] = 1;
        double listCost = 0;
        for (var i = 1; i <= items.Count && listCost <= budget; i++)
        {
            double subsets = 1;
            for (var k = choose.Length - 1; k >= 1; k--)
            {
                choose[k] += choose[k - 1];
                subsets += choose[k];
            }

            listCost += Math.Min(subsets, width);
        }

        // With no bound on the size, one bit set serves: each item shifted into it in place.
        var unbounded = sizes >= items.Count;
        var layers = unbounded ? 1 : sizes + 1;
        var bitsCost = (double)items.Count * layers * words;
        return bitsCost < listCost && bitsCost <= budget && words <= MaxReachWords / layers
            ? ReachesByBits(items, target, low, unbounded ? 0 : sizes, (int)words)
            : ReachesByList(items, target, positives, negatives, sizes, budget);
    }

    /// <summary>Most 64-bit words of the bit sets <see cref="Reaches"/> uses (8 MB).</summary>
    private const int MaxReachWords = 1 << 20;

    /// <summary>The bit-set search; <paramref name="sizes"/> 0 for subsets of any size.</summary>
    private static Reach ReachesByBits(List<long> items, long target, long low, int sizes, int words)
    {
        // Layer k, bit j: some k items sum to low + j (one layer for any size). Layer 0 holds the empty subset's 0;
        // the target is never 0.
        var layers = Math.Max(1, sizes) + (sizes == 0 ? 0 : 1);
        var bits = ArrayPool<ulong>.Shared.Rent(layers * words);
        try
        {
            Array.Clear(bits, 0, layers * words);
            bits[(-low) >> 6] |= 1UL << (int)((-low) & 63);
            var goal = target - low;
            for (var i = 0; i < items.Count; i++)
            {
                if (sizes == 0)
                {
                    ShiftOr(bits.AsSpan(0, words), bits.AsSpan(0, words), items[i]);
                    if ((bits[(int)(goal >> 6)] & (1UL << (int)(goal & 63))) != 0)
                    {
                        return Reach.Yes;
                    }

                    continue;
                }

                // From the largest size down, so that no item is taken twice in one pass.
                for (var k = Math.Min(sizes, i + 1); k >= 1; k--)
                {
                    ShiftOr(bits.AsSpan((k - 1) * words, words), bits.AsSpan(k * words, words), items[i]);
                    if ((bits[(k * words) + (int)(goal >> 6)] & (1UL << (int)(goal & 63))) != 0)
                    {
                        return Reach.Yes;
                    }
                }
            }

            return Reach.No;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(bits);
        }
    }

    /// <summary>
    /// to |= from shifted by <paramref name="by"/> bits (up when positive), bits shifted out of the window
    /// dropped. Words are visited so that each is read before it is written: <paramref name="to"/> may be <paramref name="from"/>.
    /// </summary>
    private static void ShiftOr(ReadOnlySpan<ulong> from, Span<ulong> to, long by)
    {
        var words = from.Length;
        var distance = Math.Abs(by);
        if (distance >= (long)words * 64)
        {
            return;
        }

        var whole = (int)(distance >> 6);
        var part = (int)(distance & 63);
        if (by > 0)
        {
            for (var w = words - 1; w >= whole; w--)
            {
                var source = w - whole;
                to[w] |= part == 0 ? from[source] : (from[source] << part) | (source > 0 ? from[source - 1] >> (64 - part) : 0);
            }
        }
        else
        {
            for (var w = 0; w + whole < words; w++)
            {
                var source = w + whole;
                to[w] |= part == 0 ? from[source] : (from[source] >> part) | (source + 1 < words ? from[source + 1] << (64 - part) : 0);
            }
        }
    }

    private static Reach ReachesByList(List<long> items, long target, long positives, long negatives, int sizes, long budget)
    {
        // Every sum reachable so far, sorted, with the fewest items that make it.
        var sums = new List<(long Sum, int Count)> { (0, 0) };
        var next = new List<(long Sum, int Count)>();
        foreach (var amount in items)
        {
            if (amount > 0)
            {
                positives -= amount;
            }
            else
            {
                negatives -= amount;
            }

            // What the items still to come can add: a sum outside [target - positives, target - negatives] is lost.
            var low = SaturatingSubtract(target, positives);
            var high = SaturatingSubtract(target, negatives);
            next.Clear();
            int a = 0, b = 0;
            // Every sum here is of a subset of the items, so it lies between the sum of all the negative items and that
            // of all the positive ones, both added checked above: adding an item to one cannot pass the range of long.
            // Only the window's ends, the target less what is still to come, can, and they are held at the range's ends.
            while (a < sums.Count || b < sums.Count)
            {
                (long Sum, int Count) entry;
                if (b >= sums.Count || (a < sums.Count && sums[a].Sum <= sums[b].Sum + amount))
                {
                    entry = sums[a++];
                }
                else
                {
                    entry = (sums[b].Sum + amount, sums[b].Count + 1);
                    b++;
                    if (entry.Count > sizes)
                    {
                        continue;
                    }
                }

                if (entry.Sum == target && entry.Count > 0)
                {
                    return Reach.Yes;
                }

                if (entry.Sum < low || entry.Sum > high)
                {
                    continue;
                }

                if (next.Count > 0 && next[^1].Sum == entry.Sum)
                {
                    next[^1] = (entry.Sum, Math.Min(entry.Count, next[^1].Count));
                }
                else
                {
                    next.Add(entry);
                }
            }

            budget -= sums.Count;
            if (budget < 0)
            {
                return Reach.Unknown;
            }

            (sums, next) = (next, sums);
            if (sums.Count == 0)
            {
                return Reach.No;
            }
        }

        return Reach.No;
    }

    /// <summary><paramref name="a"/> - <paramref name="b"/>, or false where it lies past the range of long.</summary>
    private static bool TrySubtract(long a, long b, out long difference)
    {
        difference = unchecked(a - b);

        // Past the range only when the signs differ and the result's is not a's.
        return ((a ^ b) & (a ^ difference)) >= 0;
    }

    /// <summary><paramref name="a"/> - <paramref name="b"/>, held at the end of the range of long it would pass.</summary>
    private static long SaturatingSubtract(long a, long b) =>
        TrySubtract(a, b, out var difference) ? difference : a < b ? long.MinValue : long.MaxValue;

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

/// <summary>Whether a subset of amounts makes a sum: yes, no, or not known within the work allowed.</summary>
internal enum Reach
{
    No,
    Yes,
    Unknown,
}
