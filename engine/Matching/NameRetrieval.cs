using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CashApp.Engine.Matching;

/// <summary>
/// The limits of the name lookup (see <see cref="CustomerDirectory.ByName"/>): how many forms retrieval by words
/// keeps, which postings bring candidates in, and how many forms a shared start may bring. The defaults are the
/// engine's; tests give small ones so that every limit is reached by a directory of a few dozen names.
/// </summary>
internal sealed record NameLookupLimits(
    int MaxScored = 48,
    int MaxPostings = 4096,
    int MaxBringingIn = 512,
    int MaxWholePrefixForms = 1024,
    int MaxPartPrefixForms = 128,
    int MinBitsPostings = 4096)
{
    public static NameLookupLimits Default { get; } = new();
}

/// <summary>
/// Retrieval by words for one name lookup: the name forms its rare keys bring in, weighed by every key, and the
/// best few of them. One instance per thread, reused. The candidates are kept as one ascending list of forms with
/// their weights, built by merging the sorted postings of the keys that bring candidates in (no directory-sized
/// array is touched at random) and weighed by the common keys in ascending order, a bit test or a step of a merge
/// each.
/// </summary>
internal sealed class NameRetrieval
{
    [ThreadStatic]
    private static NameRetrieval? _current;

    private int[] _forms = new int[256];
    private int[] _weights = new int[256];
    private int[] _otherForms = new int[256];
    private int[] _otherWeights = new int[256];
    private int _count;

    private const int PrefetchAhead = 16;

    /// <summary>A list of forms as one bit per form 0 to <paramref name="forms"/> - 1, for <see cref="Weigh"/>.</summary>
    public static ulong[] Bits(List<int> list, int forms) => Bits(CollectionsMarshal.AsSpan(list), forms);

    /// <summary>A list of forms as one bit per form 0 to <paramref name="forms"/> - 1, for <see cref="Weigh"/>.</summary>
    public static ulong[] Bits(ReadOnlySpan<int> list, int forms)
    {
        var bits = new ulong[(forms + 63) >> 6];
        foreach (var form in list)
        {
            bits[form >> 6] |= 1UL << form;
        }

        return bits;
    }

    /// <summary>This thread's retrieval, empty.</summary>
    public static NameRetrieval Start()
    {
        var retrieval = _current ??= new NameRetrieval();
        retrieval._count = 0;
        return retrieval;
    }

    /// <summary>How many forms are in.</summary>
    public int Count => _count;

    /// <summary>The forms in, ascending.</summary>
    public ReadOnlySpan<int> Forms => _forms.AsSpan(0, _count);

    /// <summary>Brings in every form of <paramref name="add"/> (ascending, each once) with <paramref name="weight"/>, adding it to those already in.</summary>
    public void BringIn(ReadOnlySpan<int> add, int weight)
    {
        var room = _count + add.Length;
        if (_otherForms.Length < room)
        {
            var size = Math.Max(room, 2 * _otherForms.Length);
            _otherForms = new int[size];
            _otherWeights = new int[size];
        }

        var forms = _forms.AsSpan(0, _count);
        var weights = _weights.AsSpan(0, _count);
        var outForms = _otherForms.AsSpan();
        var outWeights = _otherWeights.AsSpan();
        int i = 0, j = 0, k = 0;
        while (i < forms.Length && j < add.Length)
        {
            var a = forms[i];
            var b = add[j];
            if (a < b)
            {
                outForms[k] = a;
                outWeights[k++] = weights[i++];
            }
            else if (a > b)
            {
                outForms[k] = b;
                outWeights[k++] = weight;
                j++;
            }
            else
            {
                outForms[k] = a;
                outWeights[k++] = weights[i++] + weight;
                j++;
            }
        }

        for (; i < forms.Length; i++, k++)
        {
            outForms[k] = forms[i];
            outWeights[k] = weights[i];
        }

        for (; j < add.Length; j++, k++)
        {
            outForms[k] = add[j];
            outWeights[k] = weight;
        }

        (_forms, _otherForms) = (_otherForms, _forms);
        (_weights, _otherWeights) = (_otherWeights, _weights);
        _count = k;
    }

    /// <summary>Adds <paramref name="weight"/> to each form in that is in <paramref name="sorted"/> (ascending, each once), or in <paramref name="bits"/> when given (the same postings as bits).</summary>
    public void Weigh(ReadOnlySpan<int> sorted, ulong[]? bits, int weight)
    {
        var forms = _forms.AsSpan(0, _count);
        var weights = _weights.AsSpan(0, _count);
        if (bits is not null)
        {
            // Without a branch: a form in or not is as likely as not for a common word, and a mispredicted jump costs more than an add.
            var ahead = forms.Length - PrefetchAhead;
            for (var at = 0; at < forms.Length; at++)
            {
                if (at < ahead)
                {
                    Prefetch.Line(ref bits[forms[at + PrefetchAhead] >> 6]);
                }

                var form = forms[at];
                weights[at] += weight & -(int)((bits[form >> 6] >> form) & 1);
            }

            return;
        }

        if (forms.Length * (System.Numerics.BitOperations.Log2((uint)sorted.Length) + 1) < sorted.Length)
        {
            // Few forms in, a long list: search each, from where the one before was found.
            var from = 0;
            for (var at = 0; at < forms.Length && from < sorted.Length; at++)
            {
                var found = sorted[from..].BinarySearch(forms[at]);
                if (found >= 0)
                {
                    weights[at] += weight;
                    from += found + 1;
                }
                else
                {
                    from += ~found;
                }
            }

            return;
        }

        var (next, nextInSorted) = WeighByBlocks(forms, weights, sorted, weight);
        WeighByMerge(forms[next..], weights[next..], sorted[nextInSorted..], weight);
    }

    /// <summary>
    /// Adds <paramref name="weight"/> to each of <paramref name="forms"/> (ascending, each once) that is in
    /// <paramref name="sorted"/> (the same), one step of a merge at a time.
    /// </summary>
    internal static void WeighByMerge(ReadOnlySpan<int> forms, Span<int> weights, ReadOnlySpan<int> sorted, int weight)
    {
        for (int at = 0, j = 0; at < forms.Length && j < sorted.Length;)
        {
            var a = forms[at];
            var b = sorted[j];
            if (a < b)
            {
                at++;
            }
            else if (a > b)
            {
                j++;
            }
            else
            {
                weights[at++] += weight;
                j++;
            }
        }
    }

    /// <summary>
    /// The merge of <see cref="WeighByMerge"/> eight forms against eight keys' forms a step, while both lists have eight
    /// left: each of the eight forms is compared with each of the eight (the second block turned a lane at a time), the
    /// weight added where one is equal, and the block whose last is the lower is passed (both when equal). Since both
    /// lists ascend without repeats, a form found equal to one of the other block cannot be in any later block of the
    /// other list, and no two blocks meet twice. Returns where the plain merge is to go on in each list: every form before
    /// the first, or any form in the other list before the second, has been weighed. Without AVX2 it weighs nothing and
    /// returns (0, 0). Fewer weights than forms is an error either way. A sum past <see cref="int.MaxValue"/> wraps here
    /// where the merge's would throw; a lookup's weights are a few per key, nowhere near it.
    /// </summary>
    internal static (int Forms, int Sorted) WeighByBlocks(ReadOnlySpan<int> forms, Span<int> weights, ReadOnlySpan<int> sorted, int weight)
    {
        if (weights.Length < forms.Length)
        {
            throw new ArgumentException($"{weights.Length} weights for {forms.Length} forms.", nameof(weights));
        }

        int at = 0, j = 0;
        if (!Avx2.IsSupported || forms.Length < 8 || sorted.Length < 8)
        {
            return (0, 0);
        }

        ref var form = ref MemoryMarshal.GetReference(forms);
        ref var key = ref MemoryMarshal.GetReference(sorted);
        ref var weighed = ref MemoryMarshal.GetReference(weights);
        var add = Vector256.Create(weight);
        var turn1 = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 0);
        var turn2 = Vector256.Create(2, 3, 4, 5, 6, 7, 0, 1);
        var turn3 = Vector256.Create(3, 4, 5, 6, 7, 0, 1, 2);
        var turn4 = Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3);
        var turn5 = Vector256.Create(5, 6, 7, 0, 1, 2, 3, 4);
        var turn6 = Vector256.Create(6, 7, 0, 1, 2, 3, 4, 5);
        var turn7 = Vector256.Create(7, 0, 1, 2, 3, 4, 5, 6);
        var lastForm = forms.Length - 8;
        var lastKey = sorted.Length - 8;
        while (at <= lastForm && j <= lastKey)
        {
            var ours = Vector256.LoadUnsafe(ref form, (nuint)at);
            var theirs = Vector256.LoadUnsafe(ref key, (nuint)j);
            // Each turn from the block as loaded, not from the turn before: the seven shuffles do not wait on each other.
            var equal = (Vector256.Equals(ours, theirs) | Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn1)))
                | (Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn2)) | Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn3)))
                | ((Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn4)) | Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn5)))
                | (Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn6)) | Vector256.Equals(ours, Avx2.PermuteVar8x32(theirs, turn7))));

            var sum = Vector256.LoadUnsafe(ref weighed, (nuint)at) + (add & equal);
            sum.StoreUnsafe(ref weighed, (nuint)at);
            var ourLast = Unsafe.Add(ref form, at + 7);
            var theirLast = Unsafe.Add(ref key, j + 7);
            // Without a branch: which block ends first is a coin toss the predictor would lose half the time.
            at += Unsafe.BitCast<bool, byte>(ourLast <= theirLast) << 3;
            j += Unsafe.BitCast<bool, byte>(ourLast >= theirLast) << 3;
        }

        return (at, j);
    }

    /// <summary>
    /// The <paramref name="limit"/> forms of most weight, the lower form first among equals (first in
    /// <paramref name="order"/> when given: a directory whose numbers no longer follow its forms' order, see
    /// CustomerDirectory.Generations.cs); every form when there are no more. Written into <paramref name="chosen"/>,
    /// which is returned cut to their number; room for fewer than <paramref name="limit"/> there is an
    /// <see cref="ArgumentException"/> when more forms than that are in.
    /// </summary>
    /// <remarks>Its table of counts is cleared once, by the method, not also by the runtime (<see cref="SkipLocalsInitAttribute"/>).</remarks>
    [SkipLocalsInit]
    public Span<int> Top(int limit, Span<int> chosen, IFormOrder? order = null)
    {
        var forms = _forms.AsSpan(0, _count);
        if (forms.Length <= limit)
        {
            forms.CopyTo(chosen);
            return chosen[..forms.Length];
        }

        var weights = _weights.AsSpan(0, _count);

        // How many forms have each weight, counted in the pass that finds the highest: a lookup's weights are a few per
        // key, so nearly always under 256; past that, counted again in an array of the highest's size.
        Span<int> small = stackalloc int[256];
        small.Clear();
        var maxWeight = 0;
        var over = 0;
        foreach (var weight in weights)
        {
            maxWeight = Math.Max(maxWeight, weight);
            over |= weight & ~255;
            small[weight & 255]++;
        }

        var withWeight = small[..(Math.Min(maxWeight, 255) + 1)];
        if (over != 0)
        {
            withWeight = new int[maxWeight + 1];
            foreach (var weight in weights)
            {
                withWeight[weight]++;
            }
        }

        // The threshold: the highest weight that at least `limit` forms reach.
        var threshold = maxWeight;
        for (var reaching = withWeight[maxWeight]; reaching < limit; reaching += withWeight[threshold])
        {
            threshold--;
        }

        // Above it all; at it, the lowest forms first, which ascending order gives.
        var room = limit;
        for (var w = maxWeight; w > threshold; w--)
        {
            room -= withWeight[w];
        }

        if (order is not null && withWeight[threshold] > room && TiesOutOfOrder(threshold, order) is { } ties)
        {
            return TopInOrder(threshold, ties.AsSpan(0, room), chosen);
        }

        // Without a branch: which of the forms are taken is no pattern the predictor could learn. Each form is written at
        // the next place and kept there only when taken; the write past the last taken one is never read. Once `limit`
        // are taken no other is, so the pass may end when `chosen` is full (at `limit` when it has room for just that).
        if (chosen.Length < limit)
        {
            throw new ArgumentException($"room for {chosen.Length} forms, {limit} asked.", nameof(chosen));
        }

        var n = 0;
        for (var at = 0; at < forms.Length && n < chosen.Length; at++)
        {
            var weight = weights[at];
            var atThreshold = Unsafe.BitCast<bool, byte>(weight == threshold) & Unsafe.BitCast<bool, byte>(room > 0);
            chosen[n] = forms[at];
            n += Unsafe.BitCast<bool, byte>(weight > threshold) | atThreshold;
            room -= atThreshold;
        }

        return chosen[..n];
    }

    /// <summary>The forms of weight <paramref name="threshold"/> in <paramref name="order"/>, when one of them is out of number order; else null.</summary>
    private int[]? TiesOutOfOrder(int threshold, IFormOrder order)
    {
        var forms = _forms.AsSpan(0, _count);
        var weights = _weights.AsSpan(0, _count);
        var moved = false;
        for (var at = 0; at < forms.Length && !moved; at++)
        {
            moved = weights[at] == threshold && order.Moved(forms[at]);
        }

        if (!moved)
        {
            return null;
        }

        var ties = new List<int>();
        for (var at = 0; at < forms.Length; at++)
        {
            if (weights[at] == threshold)
            {
                ties.Add(forms[at]);
            }
        }

        var sorted = ties.ToArray();
        Array.Sort(sorted, order);
        return sorted;
    }

    /// <summary>The forms above <paramref name="threshold"/> and then <paramref name="ties"/>, written into <paramref name="chosen"/>.</summary>
    private Span<int> TopInOrder(int threshold, ReadOnlySpan<int> ties, Span<int> chosen)
    {
        var forms = _forms.AsSpan(0, _count);
        var weights = _weights.AsSpan(0, _count);
        var n = 0;
        for (var at = 0; at < forms.Length; at++)
        {
            if (weights[at] > threshold)
            {
                chosen[n++] = forms[at];
            }
        }

        ties.CopyTo(chosen[n..]);
        return chosen[..(n + ties.Length)];
    }
}

/// <summary>
/// The order of a directory's name forms where their numbers no longer follow it (a customer renamed in a
/// generation has its forms numbered after every other form, but ranks where a fresh build numbers them).
/// </summary>
internal interface IFormOrder : IComparer<int>
{
    /// <summary>True when <paramref name="form"/> may sort otherwise than its number says.</summary>
    bool Moved(int form);
}
