using System.Runtime.InteropServices;

namespace CashApp.Engine.Matching;

/// <summary>
/// A multi-map from string keys to item indexes, compact enough for millions of items and quick to
/// probe: an open-addressing table of (hash, key, first entry) slots, the keys' characters in one shared
/// array (no string object per key), and a shared chain of further items for keys several items share.
/// A hit is verified against the key's characters, so two keys never meet by their hashes alone.
/// </summary>
/// <remarks>
/// A probe touches about three places (the slot, the key's characters and the entry) where a
/// <c>Dictionary&lt;string, int&gt;</c> touched five (bucket, entry, key string, then the chain).
/// </remarks>
internal sealed class KeyIndex
{
    private const int Empty = 0;

    private Slot[] _slots;
    private int _shift;
    private int _keys;
    private char[] _chars;
    private int _charCount;
    private int[] _keyStart;
    private int[] _keyLength;

    // Entry e is _chain[2e] (its item) and _chain[2e + 1] (the next entry under the same key, or -1).
    private int[] _chain;
    private int _entries;

    /// <summary>An empty index, sized for about <paramref name="keys"/> keys (and as many entries) of <paramref name="chars"/> characters in all.</summary>
    public KeyIndex(int keys = 16, int chars = 256)
    {
        keys = Math.Max(16, keys);
        _slots = new Slot[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(keys + (keys / 3) + 1))];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)_slots.Length);
        _chars = new char[Math.Max(256, chars)];
        _keyStart = new int[keys];
        _keyLength = new int[keys];
        _chain = new int[2 * keys];
    }

    public int Count => _keys;

    public void Add(string key, int item)
    {
        if ((_keys + 1) * 4 > _slots.Length * 3)
        {
            Grow();
        }

        var hash = Hash(key);
        var mask = _slots.Length - 1;
        var at = Home(hash, mask);
        while (_slots[at].Key != Empty && !(_slots[at].Hash == hash && KeyIs(_slots[at].Key - 1, key)))
        {
            at = (at + 1) & mask;
        }

        ref var slot = ref _slots[at];
        if (slot.Key == Empty)
        {
            slot = new Slot(hash, AddKey(key) + 1, -1);
        }

        slot.Head = AddEntry(item, slot.Head);
    }

    /// <summary>Adds the distinct items stored under <paramref name="key"/> to <paramref name="into"/>.</summary>
    public bool Find(ReadOnlySpan<char> key, List<int> into)
    {
        var found = false;
        for (var entry = First(key); entry >= 0; entry = Next(entry))
        {
            var item = ItemOf(entry);
            if (!into.Contains(item))
            {
                into.Add(item);
            }

            found = true;
        }

        return found;
    }

    /// <summary>The first entry stored under <paramref name="key"/>, or -1; walk on with <see cref="Next"/>.</summary>
    public int First(ReadOnlySpan<char> key)
    {
        if (_keys == 0)
        {
            return -1;
        }

        var hash = Hash(key);
        var mask = _slots.Length - 1;
        for (var at = Home(hash, mask); ; at = (at + 1) & mask)
        {
            ref readonly var slot = ref _slots[at];
            if (slot.Key == Empty)
            {
                return -1;
            }

            if (slot.Hash == hash && KeyIs(slot.Key - 1, key))
            {
                return slot.Head;
            }
        }
    }

    /// <summary>The entry after <paramref name="entry"/> under the same key, or -1.</summary>
    public int Next(int entry) => _chain[(2 * entry) + 1];

    /// <summary>The item of an entry.</summary>
    public int ItemOf(int entry) => _chain[2 * entry];

    // FNV-1a over the characters, then spread by a Fibonacci multiply so the table's index takes the
    // well-mixed high bits: stable across processes, unlike string.GetHashCode.
    private static ulong Hash(ReadOnlySpan<char> key) => unchecked(DeleteNeighbourhoodIndex.Hash(key) * 0x9E3779B97F4A7C15UL);

    private int Home(ulong hash, int mask) => (int)(hash >> _shift) & mask;

    private bool KeyIs(int key, ReadOnlySpan<char> text) =>
        _keyLength[key] == text.Length && _chars.AsSpan(_keyStart[key], text.Length).SequenceEqual(text);

    private int AddKey(string key)
    {
        if (_keys == _keyStart.Length)
        {
            Array.Resize(ref _keyStart, _keys * 2);
            Array.Resize(ref _keyLength, _keys * 2);
        }

        if (_charCount + key.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + key.Length));
        }

        key.CopyTo(_chars.AsSpan(_charCount));
        _keyStart[_keys] = _charCount;
        _keyLength[_keys] = key.Length;
        _charCount += key.Length;
        return _keys++;
    }

    private int AddEntry(int item, int next)
    {
        if (2 * (_entries + 1) > _chain.Length)
        {
            Array.Resize(ref _chain, _chain.Length * 2);
        }

        _chain[2 * _entries] = item;
        _chain[(2 * _entries) + 1] = next;
        return _entries++;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _shift--;
        var mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Key != Empty)
            {
                var at = Home(slot.Hash, mask);
                while (_slots[at].Key != Empty)
                {
                    at = (at + 1) & mask;
                }

                _slots[at] = slot;
            }
        }
    }

    /// <summary>A key's hash, the key's number plus one (0: empty slot) and its first entry.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot(ulong hash, int key, int head)
    {
        public readonly ulong Hash = hash;
        public readonly int Key = key;
        public int Head = head;
    }
}
