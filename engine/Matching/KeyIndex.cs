using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CashApp.Engine.Matching;

/// <summary>
/// A multi-map from string keys to item indexes, compact enough for millions of items and quick to
/// probe: an open-addressing table of slots, the keys' text in two shared arrays (no string object per key: the
/// ASCII keys, nearly every reference, as one byte a character, the others as characters), and a shared chain that holds
/// the items of the keys several items share. A hit is verified against the key's text, so two keys never meet by their
/// hashes alone.
/// </summary>
/// <remarks>
/// A slot holds the key's check bits, where its text starts and its item (or, for a key several items share, the
/// chain's entry of the newest), so a probe of a key that names one item touches two places: the slot and the key's
/// text (length first). A slot is 12 bytes: on the 1M day the two indexes' slots are some 300 MB, not 400. A
/// caller matching many keys can warm both ahead of need with <see cref="PrefetchSlot"/> and
/// <see cref="PrefetchKey"/>. The slots and ASCII keys of a full build's index, when large, ask for 2 MB pages
/// (<see cref="HugePages"/>): slots are written and read at random, and with 4 KB pages nearly every one is a TLB miss,
/// and its first write a page fault. The arrays it makes as it grows past its size are not advised.
/// </remarks>
internal sealed class KeyIndex
{
    private const int Empty = 0;

    /// <summary>
    /// The length byte that marks an ASCII key of this many characters or more: its length follows in four
    /// little-endian bytes.
    /// </summary>
    private const int LongLengthMark = 255;

    private Slot[] _slots;
    private int _shift;
    private int _keys;

    // A key of ASCII characters (nearly every reference) is kept as bytes, one a character: its length in one byte (in
    // five from LongLengthMark characters on), then its characters. Its slot's Key is its start + 1.
    private byte[] _bytes;
    private int _byteCount;

    // Any other key is kept as characters: its length in two characters (low half, high half), then its characters. Its
    // slot's Key is -(its start + 1).
    private char[] _chars;
    private int _charCount;

    // Entry e is _chain[2e] (an item) and _chain[2e + 1] (the next entry under the same key, or -1): the items of a key
    // several items share, newest first, its slot's Item the first entry's complement (~e, below zero).
    private int[] _chain;
    private int _entries;

    // Keys added but not yet stored, oldest at _queueStart (see Add): entry n's characters are the first Length of
    // _queueKeys[n], a buffer kept and reused, so that a key is copied from the caller's span and never made a string.
    private const int Ahead = 16;
    private readonly (int Length, ulong Hash, int Item)[] _queue = new (int, ulong, int)[Ahead];
    private readonly char[][] _queueKeys = new char[Ahead][];
    private int _queueStart;
    private int _queued;
    private readonly Lock _settling = new();

    // The index this one lies over (see Over): its items come after this one's, as older ones do, or (with _order)
    // merged with this one's by rank.
    private readonly KeyIndex? _below;
    private readonly ItemOrder? _order;

    /// <summary>An empty index, sized for about <paramref name="keys"/> keys of <paramref name="chars"/> characters in all.</summary>
    /// <param name="keys">About how many keys the index will hold.</param>
    /// <param name="chars">About how many characters those keys have in all.</param>
    /// <param name="hugePages">
    /// Whether its slots and ASCII keys ask for 2 MB pages (<see cref="HugePages"/>): for a full build's index, which
    /// lives as long as its matcher. Not for a generation's, which a later generation replaces: the advice would stay
    /// on the memory after the index died, and the collector would hand it out again 2 MB at a time.
    /// </param>
    public KeyIndex(int keys = 16, int chars = 256, bool hugePages = false)
    {
        keys = Math.Max(16, keys);
        _slots = new Slot[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(keys + (keys / 3) + 1))];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)_slots.Length);
        // Only the bytes and characters written are ever read: no need to clear them first. The keys are sized as short
        // ASCII keys (one length byte each), as nearly all are; the characters of any others grow as they come.
        _bytes = GC.AllocateUninitializedArray<byte>(Math.Max(256, chars + keys));
        _chars = GC.AllocateUninitializedArray<char>(16);
        if (hugePages)
        {
            HugePages.Advise(_slots);
            HugePages.Advise(_bytes);
        }

        _chain = new int[16];
    }

    /// <summary>
    /// An empty index over <paramref name="below"/>: a key's items are this index's, newest first, then those of
    /// <paramref name="below"/>, which is only read. What a generation of a matcher adds to the items of a full
    /// build, without copying the build's index; the items added must be newer (larger) than any below. With an
    /// <paramref name="order"/>, they need not: a key's items are those of both in descending rank, this index's
    /// added in ascending rank (so its newest is the last), the build's ranking by number.
    /// </summary>
    public static KeyIndex Over(KeyIndex below, int keys, ItemOrder? order = null)
    {
        ArgumentNullException.ThrowIfNull(below);
        return new KeyIndex(below, keys, order);
    }

    private KeyIndex(KeyIndex below, int keys, ItemOrder? order)
        : this(keys, 16 * keys)
    {
        _below = below._below ?? below;
        _order = order;
    }

    /// <summary>The index a layered one lies over, or this index itself.</summary>
    public KeyIndex Bottom => _below ?? this;

    public int Count
    {
        get
        {
            Settle();
            return _keys;
        }
    }

    /// <summary>
    /// Adds an item under a key. The key is stored a few adds later: its slot is asked for now and written
    /// once it has arrived, so that building an index of millions of keys overlaps the cache misses of
    /// many slots instead of waiting for each in turn. The keys go in in the order they were added, so the
    /// index is the one adding them one by one makes; any read first stores what is still waiting. The key's
    /// characters are copied: the caller may reuse <paramref name="key"/>'s memory at once.
    /// </summary>
    public void Add(ReadOnlySpan<char> key, int item)
    {
        // A slot's item below zero names the chain's entry of a shared key.
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        var hash = HashOf(key);
        PrefetchSlot(hash);
        if (_queued == Ahead)
        {
            StoreQueued(_queueStart);
            _queueStart = (_queueStart + 1) % Ahead;
            _queued--;
        }

        var at = (_queueStart + _queued) % Ahead;
        ref var buffer = ref _queueKeys[at];
        if (buffer is null || buffer.Length < key.Length)
        {
            buffer = new char[Math.Max(32, key.Length)];
        }

        key.CopyTo(buffer);
        _queue[at] = (key.Length, hash, item);
        _queued++;
    }

    private void StoreQueued(int at)
    {
        var (length, hash, item) = _queue[at];
        Store(_queueKeys[at].AsSpan(0, length), hash, item);
    }

    /// <summary>
    /// Stores the keys still waiting (see <see cref="Add"/>); safe when several threads read at once. The builder calls it
    /// once it has added every key, so that readers on other threads never grow the table under each other.
    /// </summary>
    public void Settle()
    {
        if (Volatile.Read(ref _queued) == 0)
        {
            return;
        }

        lock (_settling)
        {
            var waiting = _queued;
            for (var n = 0; n < waiting; n++)
            {
                StoreQueued((_queueStart + n) % Ahead);
            }

            _queueStart = 0;
            Volatile.Write(ref _queued, 0);
        }
    }

    private void Store(ReadOnlySpan<char> key, ulong hash, int item)
    {
        if ((_keys + 1) * 4 > _slots.Length * 3)
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        var at = Home(hash, mask);
        while (_slots[at].Key != Empty && !(_slots[at].Check == Check(hash) && KeyIs(_slots[at].Key, key)))
        {
            at = (at + 1) & mask;
        }

        ref var slot = ref _slots[at];
        if (slot.Key == Empty)
        {
            slot = new Slot(Check(hash), AddKey(key), item);
            _keys++;
            return;
        }

        // A key's second item starts its chain with the first; each item after goes before the rest.
        var rest = slot.Item >= 0 ? AddEntry(slot.Item, -1) : ~slot.Item;
        slot.Item = ~AddEntry(item, rest);
    }

    /// <summary>Adds the distinct items stored under <paramref name="key"/> to <paramref name="into"/>.</summary>
    public bool Find(ReadOnlySpan<char> key, List<int> into)
    {
        var found = false;
        foreach (var item in Items(key))
        {
            if (!into.Contains(item))
            {
                into.Add(item);
            }

            found = true;
        }

        return found;
    }

    /// <summary>The items stored under <paramref name="key"/>, newest first.</summary>
    public Cursor Items(ReadOnlySpan<char> key) => Items(key, HashOf(key));

    /// <summary>The items stored under <paramref name="key"/>, whose <see cref="HashOf"/> the caller already has.</summary>
    public Cursor Items(ReadOnlySpan<char> key, ulong hash)
    {
        var (item, next) = Own(key, hash);
        if (_below is null)
        {
            return new Cursor(_chain, item, next, null, -1, -1);
        }

        var (belowItem, belowNext) = _below.Own(key, hash);
        return item < 0 ? new Cursor(_below._chain, belowItem, belowNext, null, -1, -1)
            : belowItem < 0 ? new Cursor(_chain, item, next, null, -1, -1)
            : new Cursor(_chain, item, next, _below._chain, belowItem, belowNext, _order);
    }

    // The newest item of this index's own under the key, and the entry of the rest; (-1, -1) when it has none.
    private (int Item, int Next) Own(ReadOnlySpan<char> key, ulong hash)
    {
        Settle();
        if (_keys == 0)
        {
            return (-1, -1);
        }

        var mask = _slots.Length - 1;
        for (var at = Home(hash, mask); ; at = (at + 1) & mask)
        {
            ref readonly var slot = ref _slots[at];
            if (slot.Key == Empty)
            {
                return (-1, -1);
            }

            if (slot.Check == Check(hash) && KeyIs(slot.Key, key))
            {
                return slot.Item >= 0 ? (slot.Item, -1) : (_chain[2 * ~slot.Item], _chain[(2 * ~slot.Item) + 1]);
            }
        }
    }

    /// <summary>Asks the processor to fetch the slot a key of this hash starts its probe at.</summary>
    public void PrefetchSlot(ulong hash)
    {
        // A layered index warms the index below, where nearly every key lives.
        var index = _below ?? this;
        Prefetch.Line(ref index._slots[index.Home(hash, index._slots.Length - 1)]);
    }

    /// <summary>
    /// Reads the slot of a key of this hash (best fetched already) and asks for its text; returns the item of the first
    /// slot whose check bits agree, unverified, or -1. Only a hint of what to fetch next: for a key several items share,
    /// whose items are in the chain, the chain's entry is asked for too and -1 returned, so that the caller does not wait
    /// on it.
    /// </summary>
    public int PrefetchKey(ulong hash)
    {
        if (_below is not null)
        {
            return _below.PrefetchKey(hash);
        }

        Settle();
        var mask = _slots.Length - 1;
        for (var at = Home(hash, mask); ; at = (at + 1) & mask)
        {
            ref readonly var slot = ref _slots[at];
            if (slot.Key == Empty)
            {
                return -1;
            }

            if (slot.Check == Check(hash))
            {
                if (slot.Key > 0)
                {
                    Prefetch.Line(ref _bytes[slot.Key - 1]);
                }
                else
                {
                    Prefetch.Line(ref _chars[-slot.Key - 1]);
                }

                if (slot.Item >= 0)
                {
                    return slot.Item;
                }

                Prefetch.Line(ref _chain[2 * ~slot.Item]);
                return -1;
            }
        }
    }

    // FNV-1a over the characters, then spread by a Fibonacci multiply so the table's index takes the
    // well-mixed high bits: stable across processes, unlike string.GetHashCode.
    public static ulong HashOf(ReadOnlySpan<char> key) => unchecked(DeleteNeighbourhoodIndex.Hash(key) * 0x9E3779B97F4A7C15UL);

    private static uint Check(ulong hash) => unchecked((uint)hash);

    private int Home(ulong hash, int mask) => (int)(hash >> _shift) & mask;

    /// <summary>Whether the key a slot's <paramref name="key"/> names is <paramref name="text"/>.</summary>
    private bool KeyIs(int key, ReadOnlySpan<char> text)
    {
        if (key > 0)
        {
            // ASCII bytes equal the text's characters only where the text is ASCII too.
            var (start, length) = ByteKey(key - 1);
            return length == text.Length && Ascii.Equals(_bytes.AsSpan(start, length), text);
        }

        var at = -key - 1;
        return _chars[at] == unchecked((char)text.Length) && _chars[at + 1] == (char)(text.Length >> 16) && _chars.AsSpan(at + 2, text.Length).SequenceEqual(text);
    }

    /// <summary>Where the characters of the ASCII key at <paramref name="at"/> start in <see cref="_bytes"/>, and how many there are.</summary>
    private (int Start, int Length) ByteKey(int at) =>
        _bytes[at] < LongLengthMark ? (at + 1, _bytes[at]) : (at + 5, BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(at + 1)));

    /// <summary>The characters of the key a slot's <paramref name="key"/> names (an ASCII key's widened into <paramref name="buffer"/>).</summary>
    private ReadOnlySpan<char> KeyAt(int key, ref char[] buffer)
    {
        if (key < 0)
        {
            var at = -key - 1;
            return _chars.AsSpan(at + 2, _chars[at] | (_chars[at + 1] << 16));
        }

        var (start, length) = ByteKey(key - 1);
        if (buffer.Length < length)
        {
            buffer = new char[Math.Max(length, 2 * buffer.Length)];
        }

        var widened = Ascii.ToUtf16(_bytes.AsSpan(start, length), buffer, out _);
        Debug.Assert(widened == OperationStatus.Done, "an ASCII key's bytes widen whole");
        return buffer.AsSpan(0, length);
    }

    /// <summary>Keeps a copy of <paramref name="key"/>, as bytes when it is ASCII, and returns what a slot's Key holds to name it.</summary>
    private int AddKey(ReadOnlySpan<char> key)
    {
        if (Ascii.IsValid(key))
        {
            var prefix = key.Length < LongLengthMark ? 1 : 5;
            Arrays.EnsureRoom(ref _bytes, _byteCount, key.Length + prefix);
            var at = _byteCount;
            if (prefix == 1)
            {
                _bytes[at] = (byte)key.Length;
            }
            else
            {
                _bytes[at] = LongLengthMark;
                BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(at + 1), key.Length);
            }

            var narrowed = Ascii.FromUtf16(key, _bytes.AsSpan(at + prefix), out _);
            Debug.Assert(narrowed == OperationStatus.Done, "an ASCII key narrows whole");
            _byteCount += key.Length + prefix;
            return at + 1;
        }

        Arrays.EnsureRoom(ref _chars, _charCount, key.Length + 2);

        var start = _charCount;
        _chars[start] = unchecked((char)key.Length);
        _chars[start + 1] = (char)(key.Length >> 16);
        key.CopyTo(_chars.AsSpan(start + 2));
        _charCount += key.Length + 2;
        return -(start + 1);
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
        var buffer = new char[64];
        foreach (var slot in old)
        {
            if (slot.Key != Empty)
            {
                // The slot keeps only check bits, so the home comes from the key's characters again.
                var at = Home(HashOf(KeyAt(slot.Key, ref buffer)), mask);
                while (_slots[at].Key != Empty)
                {
                    at = (at + 1) & mask;
                }

                _slots[at] = slot;
            }
        }
    }

    /// <summary>
    /// The items of one key: the slot's one, or the chain's from its first entry, newest first; then, for a layered index,
    /// those of the index below, or (with an order) the two merged by descending rank.
    /// </summary>
    public ref struct Cursor
    {
        private int[] _chain;
        private int _item;
        private int _next;
        private int[]? _belowChain;
        private int _belowItem;
        private int _belowNext;
        private readonly ItemOrder? _order;

        internal Cursor(int[] chain, int item, int next, int[]? belowChain, int belowItem, int belowNext, ItemOrder? order = null)
        {
            _chain = chain;
            _item = item;
            _next = next;
            _belowChain = belowChain;
            _belowItem = belowItem;
            _belowNext = belowNext;
            _order = order;
            Current = -1;
        }

        public int Current { get; private set; }

        public readonly Cursor GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_order is not null)
            {
                return MoveMerged(_order);
            }

            if (_item < 0 && _belowChain is not null)
            {
                (_chain, _item, _next, _belowChain) = (_belowChain, _belowItem, _belowNext, null);
            }

            if (_item < 0)
            {
                return false;
            }

            Current = _item;
            if (_next >= 0)
            {
                _item = _chain[2 * _next];
                _next = _chain[(2 * _next) + 1];
            }
            else
            {
                _item = -1;
            }

            return true;
        }

        // Both lists run in descending rank: the next item is the head of higher rank.
        private bool MoveMerged(ItemOrder order)
        {
            if (_item >= 0 && (_belowItem < 0 || order.Rank(_item) > order.Rank(_belowItem)))
            {
                Current = _item;
                (_item, _next) = _next >= 0 ? (_chain[2 * _next], _chain[(2 * _next) + 1]) : (-1, -1);
                return true;
            }

            if (_belowItem >= 0)
            {
                Current = _belowItem;
                (_belowItem, _belowNext) = _belowNext >= 0 ? (_belowChain![2 * _belowNext], _belowChain[(2 * _belowNext) + 1]) : (-1, -1);
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// A key's check bits (the hash's low half), where its text is (<c>Key = byteStart + 1</c> for an ASCII key,
    /// <c>Key = -(charStart + 1)</c> for another, 0 for an empty slot), and its item, or for a key several items share the
    /// complement of its chain's first entry (<c>Item = ~entry</c>).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot(uint check, int key, int item)
    {
        public readonly uint Check = check;
        public readonly int Key = key;
        public int Item = item;
    }
}
