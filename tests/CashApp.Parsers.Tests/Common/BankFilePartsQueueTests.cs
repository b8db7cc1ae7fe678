using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// The parts' queue and results of <see cref="BankFileParts"/> (a lock and an array each, since session 19, in place of
/// the framework's BlockingCollection and ConcurrentDictionary): parts come out once each, in the order they went in,
/// to any number of takers; the first error in file order is the one kept.
/// </summary>
public sealed class BankFilePartsQueueTests
{
    [Property(MaxTest = 100)]
    public Property Queue_PartsAddedWhileTakersWait_AreTakenOnceEachInOrder() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 300).Zip(Gen.Choose(1, 4))), input =>
        {
            var (count, takers) = input;
            using var queue = new BankFileParts.PartQueue(CancellationToken.None);
            var taken = new List<int>[takers];
            var threads = Enumerable.Range(0, takers).Select(t => Task.Run(() =>
            {
                taken[t] = [];
                while (queue.TryTake(out var part))
                {
                    taken[t].Add(part.Index);
                }
            })).ToArray();
            for (var i = 0; i < count; i++)
            {
                queue.Add(new BankFileParts.Part(i, i, i, i + 1, ToEndOfFile: false));
            }

            queue.CompleteAdding();
            Task.WaitAll(threads);

            // Each taker sees its parts in file order, and together they see every part once.
            return taken.All(t => t.SequenceEqual(t.Order())) && taken.SelectMany(t => t).Order().SequenceEqual(Enumerable.Range(0, count));
        });

    [Fact]
    public void Queue_Cancelled_ThrowsToAWaitingTakerAndToTheAdder()
    {
        using var stop = new CancellationTokenSource();
        using var queue = new BankFileParts.PartQueue(stop.Token);
        var taker = Task.Run(() => queue.TryTake(out _));
        Thread.Sleep(50);
        stop.Cancel();

        Assert.Throws<OperationCanceledException>(() => taker.GetAwaiter().GetResult());
        Assert.Throws<OperationCanceledException>(() => queue.Add(new BankFileParts.Part(0, 0, 0, 1, ToEndOfFile: true)));
    }

    [Fact]
    public void Queue_AddAfterCompleteAdding_Throws()
    {
        using var queue = new BankFileParts.PartQueue(CancellationToken.None);
        queue.CompleteAdding();

        Assert.Throws<InvalidOperationException>(() => queue.Add(new BankFileParts.Part(0, 0, 0, 1, ToEndOfFile: true)));
        Assert.False(queue.TryTake(out _));
    }

    [Property(MaxTest = 200)]
    public Property Results_PartsSetAndFailedInAnyOrder_GiveThePartsInOrderAndTheFirstError() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 60).SelectMany(n => Gen.Shuffle(Enumerable.Range(0, n).ToArray())).Zip(Gen.ListOf(Gen.Choose(0, 59)))), input =>
        {
            var (order, failing) = input;
            var results = new BankFileParts.PartResults<string>();
            var failed = failing.Where(i => i < order.Length).ToHashSet();
            foreach (var index in order)
            {
                if (failed.Contains(index))
                {
                    results.Fail(index, new InvalidOperationException(index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
                else
                {
                    results.Set(index, "part " + index);
                }
            }

            if (failed.Count > 0)
            {
                return results.FirstError?.Message == failed.Min().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return results.FirstError is null && results.InOrder(order.Length).SequenceEqual(Enumerable.Range(0, order.Length).Select(i => "part " + i));
        });

    [Fact]
    public void Results_PartMissing_Throws()
    {
        var results = new BankFileParts.PartResults<string>();
        results.Set(0, "a");
        results.Set(2, "c");

        Assert.Throws<InvalidOperationException>(() => results.InOrder(3));
    }
}
