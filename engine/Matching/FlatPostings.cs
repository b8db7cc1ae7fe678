using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CashApp.Engine.Matching;

/// <summary>
/// A map from string keys to ascending lists of distinct ints (postings: the name forms of a retrieval key, the customers
/// of an account), held flat: each key is a slot number, and every slot's postings lie side by side in one array, a
/// slot's from its start to the next one's. A directory of 500k customers has millions of keys; a list per key was two
/// objects each (a <see cref="List{T}"/> and its array) that every full collection marked, and a probe, a list and its
/// array to touch for each add. Built by <see cref="Add"/> calls and then <see cref="Freeze"/>; only read after.
/// </summary>
/// <remarks>
/// <para>
/// The keys are no string objects either: an open-addressing table of slots, each its key's check bits and slot
/// number, and the keys' characters side by side in one array, slot after slot (as <see cref="KeyIndex"/> keeps its
/// keys). A probe reads the table's entry and the key's characters, where a dictionary read its bucket, its entry and
/// the key string.
/// </para>
/// <para>
/// While building, a slot keeps the last value added to it and how many it has, and each add is the slot it went to,
/// in the order made, with the values as runs (a name form adds its ten or so keys one after another). Freezing places
/// each add's value at its slot's next place, so a slot's values stay in the order added. When any slot's values were
/// not added in ascending order (an account given again to an earlier customer), every slot is then sorted, each value
/// kept once, into a new array: what inserting each into a sorted list once would have made.
/// </para>
/// </remarks>
internal sealed class FlatPostings
{
    // Each entry is (check << 32) | (slot + 1), 0 when empty; at most half of them used. Slot s's key is
    // _keyChars[_keyStart[s].._keyStart[s + 1]].
    private ulong[] _table;
    private int _shift;
    private int _count;
    private char[] _keyChars;
    private int[] _keyStart;

    // Building (null once frozen): each slot's last value and count; each add's slot; the runs of one value over the adds.
    private (int Last, int Count)[]? _tails;
    private int _adds;

    // The adds' slots, in native memory: tens of megabytes for a large build, needed only until Freeze, kept off the
    // collector's large object heap (whose budget they spent, and where they stayed until the next full collection).
    // Freed by Freeze, or by the buffer's finalizer when a build is abandoned before it (the map itself has none, so
    // its arrays are never kept for a finalizer).
    private AddSlots? _addSlots;
    private int[]? _runValues;
    private int[]? _runEnds;
    private int _runs;

    // Frozen: slot s's postings are _values[_start[s].._start[s + 1]].
    private int[] _start = [0];
    private int[] _values = [];

    /// <summary>An empty map, with room for about <paramref name="adds"/> adds before its buffer grows.</summary>
    /// <param name="adds">About how many adds the map will have.</param>
    /// <param name="keys">About how many keys.</param>
    /// <param name="keyChars">About how many characters its keys have in all.</param>
    public unsafe FlatPostings(int adds = 256, int keys = 32, int keyChars = 1_024)
    {
        _table = new ulong[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, 2 * keys))];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)_table.Length);
        _keyStart = new int[Math.Max(64, keys + 1)];
        // Not cleared, and not cut to size when built: the pages past the keys are never touched, so never mapped.
        _keyChars = GC.AllocateUninitializedArray<char>(Math.Max(1_024, keyChars));
        _tails = new (int, int)[256];
        // Only the adds made are read: the buffer is not cleared (pages never written are never touched).
        _addSlots = new AddSlots(Math.Max(256, adds));
        _runValues = new int[256];
        _runEnds = new int[256];
    }

    /// <summary>How many keys (slots) the map has.</summary>
    public int Count => _count;

    /// <summary>Adds <paramref name="value"/> to the postings of <paramref name="key"/> (nothing when it was the last added there).</summary>
    public void Add(ReadOnlySpan<char> key, int value)
    {
        EnsureBuilding();

        // One probe for a key met before and for a new one.
        var hash = KeyIndex.HashOf(key);
        var slot = Find(key, hash, out var at);
        if (slot < 0)
        {
            slot = NewSlot(key);
            _table[at] = CheckOf(hash) | (uint)(slot + 1);
            if (2 * _count > _table.Length)
            {
                Grow();
            }
        }

        Append(slot, value);
    }

    /// <summary>The slot of <paramref name="key"/> (of hash <paramref name="hash"/>), or -1 with <paramref name="at"/> the empty entry its probe ended at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<char> key, ulong hash, out int at)
    {
        var check = CheckOf(hash);
        var mask = _table.Length - 1;
        for (at = (int)(hash >> _shift); ; at = (at + 1) & mask)
        {
            var entry = _table[at];
            if (entry == 0)
            {
                return -1;
            }

            if ((entry & 0xFFFF_FFFF_0000_0000UL) == check && KeyIs(SlotOf(entry), key))
            {
                return SlotOf(entry);
            }
        }
    }

    private static ulong CheckOf(ulong hash) => (ulong)unchecked((uint)hash) << 32;

    private static int SlotOf(ulong entry) => unchecked((int)(uint)entry) - 1;

    private bool KeyIs(int slot, ReadOnlySpan<char> key) => _keyChars.AsSpan(_keyStart[slot], _keyStart[slot + 1] - _keyStart[slot]).SequenceEqual(key);

    private int NewSlot(ReadOnlySpan<char> key)
    {
        var slot = _count++;
        if (_count == _keyStart.Length)
        {
            Array.Resize(ref _keyStart, 2 * _keyStart.Length);
        }

        var from = _keyStart[slot];
        Arrays.EnsureRoom(ref _keyChars, from, key.Length);

        key.CopyTo(_keyChars.AsSpan(from));
        _keyStart[slot + 1] = from + key.Length;
        if (slot == _tails!.Length)
        {
            Array.Resize(ref _tails, 2 * _tails.Length);
        }

        _tails[slot] = (-1, 0);
        return slot;
    }

    /// <summary>The table twice as large, each entry at its home there (its hash read again from its key).</summary>
    private void Grow()
    {
        var table = new ulong[2 * _table.Length];
        var shift = _shift - 1;
        var mask = table.Length - 1;
        foreach (var entry in _table)
        {
            if (entry != 0)
            {
                var slot = SlotOf(entry);
                var at = (int)(KeyIndex.HashOf(_keyChars.AsSpan(_keyStart[slot], _keyStart[slot + 1] - _keyStart[slot])) >> shift);
                while (table[at] != 0)
                {
                    at = (at + 1) & mask;
                }

                table[at] = entry;
            }
        }

        (_table, _shift) = (table, shift);
    }

    private unsafe void Append(int slot, int value)
    {
        ref var tail = ref _tails![slot];
        if (tail.Last == value)
        {
            return;
        }

        tail = (value, tail.Count + 1);
        if (_runs == 0 || _runValues![_runs - 1] != value)
        {
            if (_runs == _runValues!.Length)
            {
                Array.Resize(ref _runValues, 2 * _runs);
                Array.Resize(ref _runEnds, 2 * _runs);
            }

            _runValues[_runs++] = value;
        }

        _addSlots!.Set(_adds++, slot);
        _runEnds![_runs - 1] = _adds;
    }

    private void EnsureBuilding()
    {
        if (_tails is null)
        {
            throw new InvalidOperationException("Postings are added only before they are frozen.");
        }
    }

    /// <summary>Lays every slot's postings out side by side, ascending and each once; the map is only read after.</summary>
    public unsafe void Freeze()
    {
        EnsureBuilding();
        var slots = _count;
        var start = new int[slots + 1];
        for (var s = 0; s < slots; s++)
        {
            start[s + 1] = start[s] + _tails![s].Count;
        }

        // Each slot's next place, in the tails' count field (no longer needed).
        var next = _tails!;
        for (var s = 0; s < slots; s++)
        {
            next[s].Count = start[s];
        }

        var values = GC.AllocateUninitializedArray<int>(_adds);
        var adds = _addSlots!.Pointer;
        for (int r = 0, from = 0; r < _runs; r++)
        {
            var value = _runValues![r];
            var to = _runEnds![r];
            for (; from < to; from++)
            {
                values[next[adds[from]].Count++] = value;
            }
        }

        (_start, _values) = Ascending(start, values);
        _tails = null;
        _addSlots.Free();
        _addSlots = null;
        _runValues = null;
        _runEnds = null;
    }

    /// <summary>The postings with each slot's sorted and each value once: as given when every slot's already are.</summary>
    private static (int[] Start, int[] Values) Ascending(int[] start, int[] values)
    {
        var slots = start.Length - 1;
        var sorted = true;
        for (var s = 0; s < slots && sorted; s++)
        {
            for (var at = start[s] + 1; at < start[s + 1]; at++)
            {
                if (values[at] <= values[at - 1])
                {
                    sorted = false;
                    break;
                }
            }
        }

        if (sorted)
        {
            return (start, values);
        }

        var newStart = new int[slots + 1];
        var kept = 0;
        for (var s = 0; s < slots; s++)
        {
            var postings = values.AsSpan(start[s], start[s + 1] - start[s]);
            postings.Sort();
            for (var at = 0; at < postings.Length; at++)
            {
                if (at == 0 || postings[at] != postings[at - 1])
                {
                    values[kept++] = postings[at];
                }
            }

            newStart[s + 1] = kept;
        }

        return (newStart, values[..kept]);
    }

    /// <summary>The slot of <paramref name="key"/>, when the map has it.</summary>
    public bool TryGetSlot(ReadOnlySpan<char> key, out int slot) => TryGetSlot(key, KeyIndex.HashOf(key), out slot);

    /// <summary>The slot of <paramref name="key"/>, of hash <paramref name="hash"/> (<see cref="KeyIndex.HashOf"/>), when the map has it.</summary>
    public bool TryGetSlot(ReadOnlySpan<char> key, ulong hash, out int slot)
    {
        slot = Find(key, hash, out _);
        return slot >= 0;
    }

    /// <summary>
    /// The first of three steps that ask for what a probe of a key of hash <paramref name="hash"/> reads, ahead of the
    /// probe: its table entry. A lookup that probes several keys takes each step for every key before the next step, so
    /// that its misses overlap instead of following one another. Hints only: nothing is read but what a probe reads.
    /// </summary>
    public void PrefetchEntry(ulong hash) => Prefetch.Line(ref _table[(int)(hash >> _shift)]);

    /// <summary>The second step (see <see cref="PrefetchEntry"/>): the start of the key's characters and of its postings, for the slot at its home entry.</summary>
    public void PrefetchSlot(ulong hash)
    {
        if (HomeSlot(hash) is var slot and >= 0)
        {
            Prefetch.Line(ref _keyStart[slot]);
            if (slot < _start.Length)
            {
                Prefetch.Line(ref _start[slot]);
            }
        }
    }

    /// <summary>The third step (see <see cref="PrefetchEntry"/>): the key's characters and its first postings, for the slot at its home entry.</summary>
    public void PrefetchKeyAndPostings(ulong hash)
    {
        if (HomeSlot(hash) is var slot and >= 0)
        {
            Prefetch.Line(ref _keyChars[_keyStart[slot]]);
            if (slot < _start.Length && _start[slot] is var start && start < _values.Length)
            {
                Prefetch.Line(ref _values[start]);
            }
        }
    }

    /// <summary>The slot at the home entry of <paramref name="hash"/> when its check bits are the hash's (a probe's likely answer), else -1.</summary>
    private int HomeSlot(ulong hash)
    {
        var entry = _table[(int)(hash >> _shift)];
        return entry != 0 && (entry & 0xFFFF_FFFF_0000_0000UL) == CheckOf(hash) ? SlotOf(entry) : -1;
    }

    /// <summary>The postings of a slot (frozen), ascending.</summary>
    public Postings Of(int slot) => new(_values, _start[slot], _start[slot + 1] - _start[slot], slot);

    /// <summary>The postings of <paramref name="key"/>, or none.</summary>
    public ReadOnlySpan<int> Of(string key) => TryGetSlot(key.AsSpan(), out var slot) ? Of(slot).Span : [];

    /// <summary>
    /// The adds' slots in native memory, growing by doubling; freed by <see cref="Free"/>, or by its finalizer when a
    /// build is abandoned. An object of its own, so that the map has no finalizer and its arrays are never kept for one
    /// (this object, a pointer and a count, is all a finalization keeps).
    /// </summary>
    private sealed unsafe class AddSlots(int capacity)
    {
        private int _capacity = capacity;

        public int* Pointer { get; private set; } = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));

        ~AddSlots() => Free();

        public void Set(int at, int slot)
        {
            if (at == _capacity)
            {
                // The capacity is changed only once the memory has it: a failed grow leaves the two agreeing.
                var capacity = checked(2 * _capacity);
                Pointer = (int*)NativeMemory.Realloc(Pointer, (nuint)capacity * sizeof(int));
                _capacity = capacity;
            }

            Pointer[at] = slot;
        }

        /// <summary>Frees the memory; a second call does nothing.</summary>
        public void Free()
        {
            NativeMemory.Free(Pointer);
            Pointer = null;
        }
    }
}

/// <summary>
/// A postings list as a lookup reads it: a slot's range of a <see cref="FlatPostings"/>, or a list a directory's
/// generation made of its own (see CustomerDirectory.Generations.cs). Two are the same list when they are the same
/// slot or the same list object.
/// </summary>
internal readonly struct Postings
{
    private readonly int[]? _values;
    private readonly int _start;

    public Postings(int[] values, int start, int count, int slot)
    {
        _values = values;
        _start = start;
        Count = count;
        Slot = slot;
    }

    public Postings(List<int> list)
    {
        List = list;
        Count = list.Count;
        Slot = -1;
    }

    /// <summary>How many values the list has.</summary>
    public int Count { get; }

    /// <summary>The slot of a flat map's postings; -1 for a generation's own list.</summary>
    public int Slot { get; }

    /// <summary>A generation's own list, or null for a flat map's postings.</summary>
    public List<int>? List { get; }

    public ReadOnlySpan<int> Span => List is null ? new(_values, _start, Count) : CollectionsMarshal.AsSpan(List);

    public bool Same(Postings other) => Slot == other.Slot && ReferenceEquals(List, other.List);

}
