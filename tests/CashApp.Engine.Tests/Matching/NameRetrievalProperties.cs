using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Retrieval by words picks what adding up every key's weight per form, then sorting by weight and form, would pick,
/// however the keys that bring forms in and the keys that only weigh them are given (lists or bits), and starts each
/// lookup empty.
/// </summary>
public sealed class NameRetrievalProperties
{
    private static readonly Gen<List<int>> Postings = Gen.ListOf(Gen.Choose(0, 149)).Select(l => l.Distinct().Order().ToList());

    [Property(MaxTest = 500, Replay = "(31,37)")]
    public Property Top_IsTheFirstOfAFullSortOfTheSummedWeights() => TopOfWeights(Gen.Choose(1, 2));

    /// <summary>Weights past 255 are counted apart from the small ones (see <see cref="NameRetrieval.Top"/>).</summary>
    [Property(MaxTest = 300, Replay = "(53,59)")]
    public Property Top_OfLargeWeights_IsTheFirstOfAFullSortOfTheSummedWeights() => TopOfWeights(Gen.Choose(1, 300));

    private static Property TopOfWeights(Gen<int> weights) =>
        Prop.ForAll(
            Gen.ListOf(Postings.Zip(weights)).ToArbitrary(),
            Gen.ListOf(Postings.Zip(weights).Zip(Gen.Elements(true, false))).ToArbitrary(),
            Gen.Choose(1, 60).ToArbitrary(),
            (bringing, weighing, limit) =>
            {
                // A lookup that is abandoned half way must not leak into the next.
                NameRetrieval.Start().BringIn([7, 9], 5);
                var retrieval = NameRetrieval.Start();
                foreach (var (postings, weight) in bringing)
                {
                    retrieval.BringIn([.. postings], weight);
                }

                foreach (var ((postings, weight), asBits) in weighing)
                {
                    retrieval.Weigh([.. postings], asBits ? NameRetrieval.Bits(postings, 150) : null, weight);
                }

                var forms = bringing.SelectMany(b => b.Item1).Distinct().ToList();
                int WeightOf(int form) =>
                    bringing.Where(b => b.Item1.Contains(form)).Sum(b => b.Item2) + weighing.Where(w => w.Item1.Item1.Contains(form)).Sum(w => w.Item1.Item2);
                var expected = forms.OrderByDescending(WeightOf).ThenBy(f => f).Take(limit).Order().ToList();
                var brought = retrieval.Forms.ToArray();
                var actual = retrieval.Top(limit, new int[limit]).ToArray().Order().ToList();
                return (actual.SequenceEqual(expected) && brought.SequenceEqual(forms.Order()))
                    .Label($"limit {limit}: [{string.Join(',', actual)}] vs [{string.Join(',', expected)}]");
            });

    /// <summary>Ascending lists without repeats, from sparse to dense over a range that makes them meet often.</summary>
    private static readonly Gen<int[]> Ascending =
        Gen.Choose(1, 400).SelectMany(range => Gen.ListOf(Gen.Choose(0, range)).Select(l => l.Distinct().Order().ToArray()));

    [Property(MaxTest = 1000, Replay = "(41,43)")]
    public Property WeighByBlocks_ThenTheMerge_AddsTheWeightToEveryFormInTheListOnce() =>
        Prop.ForAll(
            Ascending.ToArbitrary(),
            Ascending.ToArbitrary(),
            Gen.Choose(1, 1_000_000).ToArbitrary(),
            (forms, sorted, weight) =>
            {
                var weights = forms.Select(f => f % 7).ToArray();
                var expected = forms.Select((f, at) => weights[at] + (Array.BinarySearch(sorted, f) >= 0 ? weight : 0)).ToArray();
                var (next, nextInSorted) = NameRetrieval.WeighByBlocks(forms, weights, sorted, weight);
                NameRetrieval.WeighByMerge(forms.AsSpan(next), weights.AsSpan(next), sorted.AsSpan(nextInSorted), weight);
                var wrong = Enumerable.Range(0, forms.Length).Where(at => weights[at] != expected[at]).Select(at => forms[at]).ToList();
                return (wrong.Count == 0 && next <= forms.Length && nextInSorted <= sorted.Length)
                    .Label($"{forms.Length} forms, {sorted.Length} in the list: blocks stopped at ({next}, {nextInSorted}); wrong weight for [{string.Join(',', wrong)}]");
            });

    [Fact]
    public void WeighByBlocks_PassesEveryBlockOfTwoEqualLists()
    {
        // Two equal lists of a whole number of blocks: every form is found in its own block, and nothing is left to merge.
        // Without AVX2 nothing is weighed by blocks and the merge is left everything.
        var forms = Enumerable.Range(0, 64).Select(i => 3 * i).ToArray();
        var weights = new int[forms.Length];
        var next = NameRetrieval.WeighByBlocks(forms, weights, forms, 5);
        var blocks = System.Runtime.Intrinsics.X86.Avx2.IsSupported;
        Assert.Equal(blocks ? (64, 64) : (0, 0), next);
        Assert.All(weights, w => Assert.Equal(blocks ? 5 : 0, w));
    }
}
