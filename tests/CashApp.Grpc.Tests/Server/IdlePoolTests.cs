using CashApp.Grpc.Matching;

namespace CashApp.Grpc.Tests.Server;

/// <summary>The pool of idle forks: what is given back is taken again, never more than it holds, one taker each.</summary>
public sealed class IdlePoolTests
{
    private sealed class Fork
    {
        public int InUse;
    }

    [Fact]
    public void Empty_TakesNothing()
    {
        var pool = new IdlePool<Fork>(3);

        Assert.Null(pool.TryTake());
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void GivenBack_IsTakenAgain_ThenEmpty()
    {
        var pool = new IdlePool<Fork>(3);
        var fork = new Fork();

        Assert.True(pool.TryAdd(fork));

        Assert.Same(fork, pool.TryTake());
        Assert.Null(pool.TryTake());
    }

    [Fact]
    public void Full_DropsTheNext_AndKeepsEveryOneItHeld()
    {
        var pool = new IdlePool<Fork>(3);
        var held = Enumerable.Range(0, 3).Select(_ => new Fork()).ToList();
        foreach (var fork in held)
        {
            Assert.True(pool.TryAdd(fork));
        }

        Assert.False(pool.TryAdd(new Fork()));
        Assert.Equal(3, pool.Count);

        var taken = new List<Fork>();
        while (pool.TryTake() is { } fork)
        {
            taken.Add(fork);
        }

        Assert.Equal(held.ToHashSet(ReferenceEqualityComparer.Instance), taken.ToHashSet(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void ManyThreads_NeverHandOneForkToTwo_NorHoldMoreThanTheCapacity()
    {
        var pool = new IdlePool<Fork>(4);
        var made = 0;
        var shared = 0;
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                var fork = pool.TryTake();
                if (fork is null)
                {
                    Interlocked.Increment(ref made);
                    fork = new Fork();
                }

                if (Interlocked.Exchange(ref fork.InUse, 1) != 0)
                {
                    Interlocked.Increment(ref shared);
                }

                Thread.SpinWait(i % 7);
                Volatile.Write(ref fork.InUse, 0);
                pool.TryAdd(fork);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, shared);
        Assert.InRange(pool.Count, 1, 4);
        Assert.True(made < 8 * 50_000, "most calls found a fork idle");
    }
}
