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
    public Property Top_IsTheFirstOfAFullSortOfTheSummedWeights() =>
        Prop.ForAll(
            Gen.ListOf(Postings.Zip(Gen.Choose(1, 2))).ToArbitrary(),
            Gen.ListOf(Postings.Zip(Gen.Choose(1, 2)).Zip(Gen.Elements(true, false))).ToArbitrary(),
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
}
