using System.Runtime.CompilerServices;

namespace CashApp.Engine.Matching;

/// <summary>
/// The open amount of every item of a matcher, as matching consumes it. Either the amounts are the matcher's
/// own array, written in place (a run over the whole ledger), or they read through to an array shared with
/// other matchers and every write lands in a small table of the items touched (a fork: one call of a served
/// ledger). A fork then costs memory for the items its call touches, not for the ledger.
/// </summary>
/// <remarks>
/// One thread writes. Another may read at the same time (the payer prefetch guesses from open amounts): it sees
/// an amount as it was or as it is, never a torn table, and never throws.
/// </remarks>
internal sealed class OpenAmounts
{
    private readonly long[] _values;
    private volatile Overlay? _overlay;

    private OpenAmounts(long[] values, Overlay? overlay)
    {
        _values = values;
        _overlay = overlay;
    }

    /// <summary>Amounts written in place into <paramref name="values"/>, which this instance then owns.</summary>
    public static OpenAmounts Owned(long[] values) => new(values, null);

    /// <summary>Amounts read from <paramref name="shared"/>, never written at an item read through here; writes go to a table of their own.</summary>
    public static OpenAmounts Over(long[] shared) => new(shared, new Overlay(Overlay.SmallCapacity));

    /// <summary>Whether writes land in a table of their own rather than in the array.</summary>
    public bool IsOverlay => _overlay is not null;

    public long this[int item]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var overlay = _overlay;
            return overlay is null || overlay.Count == 0 ? _values[item] : overlay.Get(item, _values);
        }

        set
        {
            if (_overlay is { } overlay)
            {
                _overlay = overlay.Set(item, value);
            }
            else
            {
                _values[item] = value;
            }
        }
    }

    /// <summary>Where the item's amount lives in the shared array: for a prefetch hint only (a written amount may live elsewhere).</summary>
    public ref long Slot(int item) => ref _values[item];

    /// <summary>Forgets every write (amounts read through to the shared array again); a table grown large by one call is let go.</summary>
    public void Discard()
    {
        if (_overlay is { } overlay)
        {
            _overlay = overlay.Capacity > Overlay.KeepCapacity ? new Overlay(Overlay.SmallCapacity) : overlay.Cleared();
        }
    }

    /// <summary>
    /// Open addressing from item to amount, linear probing, at most half full. A reader on another thread takes
    /// the table it finds: growing builds a new table and then publishes it, and a slot's amount is written
    /// before its key, so a reader sees either a whole entry or none.
    /// </summary>
    private sealed class Overlay
    {
        public const int SmallCapacity = 64;

        // A call that touched more than about 32 thousand items does not leave its table to the next.
        public const int KeepCapacity = 1 << 16;

        // Item + 1 in each used slot; 0 for an empty one.
        private readonly int[] _keys;
        private readonly long[] _amounts;
        private readonly int _shift;

        public Overlay(int capacity)
        {
            _keys = new int[capacity];
            _amounts = new long[capacity];
            _shift = 32 - System.Numerics.BitOperations.Log2((uint)capacity);
        }

        public int Count { get; private set; }

        public int Capacity => _keys.Length;

        public long Get(int item, long[] values)
        {
            var mask = _keys.Length - 1;
            for (var at = Slot(item); ; at = (at + 1) & mask)
            {
                var key = Volatile.Read(ref _keys[at]);
                if (key == item + 1)
                {
                    return _amounts[at];
                }

                if (key == 0)
                {
                    return values[item];
                }
            }
        }

        /// <summary>Sets the item's amount; returns the table that holds it now (this one, or a larger one).</summary>
        public Overlay Set(int item, long amount)
        {
            var mask = _keys.Length - 1;
            for (var at = Slot(item); ; at = (at + 1) & mask)
            {
                var key = _keys[at];
                if (key == item + 1)
                {
                    _amounts[at] = amount;
                    return this;
                }

                if (key == 0)
                {
                    if (2 * (Count + 1) > _keys.Length)
                    {
                        return Grown().Set(item, amount);
                    }

                    _amounts[at] = amount;
                    Volatile.Write(ref _keys[at], item + 1);
                    Count++;
                    return this;
                }
            }
        }

        public Overlay Cleared()
        {
            if (Count > 0)
            {
                Array.Clear(_keys);
                Count = 0;
            }

            return this;
        }

        private Overlay Grown()
        {
            var grown = new Overlay(2 * _keys.Length);
            for (var at = 0; at < _keys.Length; at++)
            {
                if (_keys[at] != 0)
                {
                    grown.Set(_keys[at] - 1, _amounts[at]);
                }
            }

            return grown;
        }

        // Fibonacci hashing: items touched by one call are often neighbours, which a plain mask would cluster.
        private int Slot(int item) => (int)(unchecked((uint)item * 2654435769u) >> _shift);
    }
}
