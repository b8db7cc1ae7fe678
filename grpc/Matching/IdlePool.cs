namespace CashApp.Grpc.Matching;

/// <summary>
/// At most <c>capacity</c> idle objects kept for the next caller, taken and given back by any thread without a lock:
/// each slot holds one object or none, and is emptied by one atomic exchange, so an object taken is handed to one
/// caller only. A caller that finds every slot empty makes its own; one that finds every slot full drops its object.
/// Replaces a <see cref="System.Collections.Concurrent.ConcurrentBag{T}"/> whose count, asked on every return to
/// bound the idle forks, froze the bag by taking the lock of every thread's list (about 1 % of the server's CPU
/// under the unary load, PERFORMANCE.md "Session 17").
/// </summary>
internal sealed class IdlePool<T>
    where T : class
{
    private readonly T?[] _slots;

    public IdlePool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new T?[capacity];
    }

    /// <summary>How many objects are idle now (a moment's count, for tests).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                count += Volatile.Read(ref _slots[i]) is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>An idle object, taken out of the pool, or null when none is idle.</summary>
    public T? TryTake()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } taken)
            {
                return taken;
            }
        }

        return null;
    }

    /// <summary>Keeps <paramref name="item"/> for the next caller; false (and not kept) when the pool is full.</summary>
    public bool TryAdd(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is null && Interlocked.CompareExchange(ref _slots[i], item, null) is null)
            {
                return true;
            }
        }

        return false;
    }
}
