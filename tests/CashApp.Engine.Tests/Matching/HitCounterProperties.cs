using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The hit counter picks what sorting every candidate by hits, then index, would pick, and starts each lookup empty.</summary>
public sealed class HitCounterProperties
{
    [Property(MaxTest = 300, Replay = "(5,9)")]
    public Property TakeTop_IsTheFirstOfAFullSort() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 199).Zip(Gen.Choose(1, 2))).ToArbitrary(),
            Gen.Choose(1, 60).ToArbitrary(),
            (hits, limit) =>
            {
                // A lookup that is abandoned half way must not leak into the next.
                var earlier = HitCounter.For(200);
                earlier.Hit(7, 5);
                var counter = HitCounter.For(200);
                foreach (var (candidate, weight) in hits)
                {
                    counter.Hit(candidate, weight);
                }

                var expected = hits.GroupBy(h => h.Item1)
                    .Select(g => (Candidate: g.Key, Count: g.Sum(h => h.Item2)))
                    .OrderByDescending(c => c.Count).ThenBy(c => c.Candidate)
                    .Take(limit).Select(c => c.Candidate).Order();
                var actual = counter.TakeTop(limit).Order();
                return actual.SequenceEqual(expected).Label($"limit {limit}: [{string.Join(',', actual)}] vs [{string.Join(',', expected)}]");
            });

    [Property(MaxTest = 300, Replay = "(15,17)")]
    public Property HitWhereIn_AddsWeightOnlyToCandidatesAlreadyIn() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 99)).ToArbitrary(),
            Gen.ListOf(Gen.Choose(0, 99)).ToArbitrary(),
            (first, common) =>
            {
                var sorted = common.Distinct().Order().ToList();
                var counter = HitCounter.For(100);
                foreach (var candidate in first)
                {
                    counter.Hit(candidate, 2);
                }

                counter.HitWhereIn(sorted, 1);
                var expected = first.Distinct()
                    .Select(c => (Candidate: c, Count: (2 * first.Count(f => f == c)) + (sorted.Contains(c) ? 1 : 0)))
                    .OrderByDescending(c => c.Count).ThenBy(c => c.Candidate).Take(5).Select(c => c.Candidate).Order();
                return counter.TakeTop(5).Order().SequenceEqual(expected);
            });

    [Property(MaxTest = 300, Replay = "(19,23)")]
    public Property HitWhereIn_BitsWeighAsTheListDoes() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 149).Zip(Gen.Choose(1, 3))).ToArbitrary(),
            Gen.ListOf(Gen.Choose(0, 149)).ToArbitrary(),
            Gen.Choose(1, 30).ToArbitrary(),
            (first, common, limit) =>
            {
                var sorted = common.Distinct().Order().ToList();
                List<int> Run(bool bits)
                {
                    var counter = HitCounter.For(150);
                    foreach (var (candidate, weight) in first)
                    {
                        counter.Hit(candidate, weight);
                    }

                    if (bits)
                    {
                        counter.HitWhereIn(HitCounter.Bits(sorted, 150), 2);
                    }
                    else
                    {
                        counter.HitWhereIn(sorted, 2);
                    }

                    return [.. counter.TakeTop(limit).Order()];
                }

                return Run(bits: true).SequenceEqual(Run(bits: false));
            });

    [Property(MaxTest = 300, Replay = "(25,27)")]
    public Property Prune_WithTheWeightToCome_NeverChangesTheTop() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 99).Zip(Gen.Choose(1, 3))).ToArbitrary(),
            Gen.ListOf(Gen.ListOf(Gen.Choose(0, 99))).ToArbitrary(),
            Gen.Choose(1, 20).ToArbitrary(),
            (first, later, limit) =>
            {
                var lists = later.Take(5).Select(l => l.Distinct().Order().ToList()).ToList();
                List<int> Run(bool prune)
                {
                    var counter = HitCounter.For(100);
                    foreach (var (candidate, weight) in first)
                    {
                        counter.Hit(candidate, weight);
                    }

                    var toCome = lists.Count;
                    foreach (var list in lists)
                    {
                        if (prune)
                        {
                            counter.Prune(limit, toCome);
                        }

                        counter.HitWhereIn(list, 1);
                        toCome--;
                    }

                    return [.. counter.TakeTop(limit).Order()];
                }

                return Run(prune: true).SequenceEqual(Run(prune: false));
            });
}
