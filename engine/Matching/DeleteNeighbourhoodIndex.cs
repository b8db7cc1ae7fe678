namespace CashApp.Engine.Matching;

/// <summary>
/// A SymSpell-style index for references within a small edit distance. Each stored key is indexed
/// under itself and every string made by deleting one character; a query looks up itself and its own
/// one-deletions. Two keys meet when they differ by one insertion, deletion or substitution, or by an
/// adjacent transposition: the typing and reading errors payers make.
/// Each entry also records which character was deleted, and where, so where the query and a key meet
/// tells their distance without reading the key: the same deletion on both sides is a substitution, a
/// deletion on one side only an insertion or deletion, deletions side by side of the same character a
/// transposition, and any other meeting two edits. Keys are stored as 64-bit hashes sorted in one array, not as strings, so
/// a million items cost tens of megabytes rather than millions of strings; a table of where each run of leading hash bits
/// starts makes a probe one or two cache misses rather than a binary search over the whole array.
/// An entry is 12 bytes: a word of its hash's low 48 bits and the deleted character, and one of its item and the deleted
/// position. The table has at least 2^16 places (256 KB, however few the entries: a generation's index of a few added
/// items too), so the hash's top 16 bits, which the word leaves out, are the place's, and the entries of one place are
/// compared on all 64 bits of their hashes.
/// </summary>
internal sealed class DeleteNeighbourhoodIndex
{
    /// <summary>Longest key indexed: the deleted position is kept in six bits, 63 meaning none.</summary>
    public const int MaxKeyLength = 62;

    private const int Whole = 63;

    /// <summary>Most items: an entry's 32-bit item word packs the item above the deleted position (6 bits).</summary>
    public const int MaxItems = 1 << 26;

    private const int ItemShift = 6;

    /// <summary>The fewest leading hash bits the bucket table is indexed by: those the entries' words leave out.</summary>
    private const int MinBucketBits = 16;

    /// <summary>Bits of an entry's word below its hash bits: the deleted character.</summary>
    private const int CharBits = 16;

    private const ulong HashPart = ~(ulong)char.MaxValue;

    // Entry e's hash bits below the top 16 and deleted character (_words[e] = hash << 16 | character), and its item and
    // deleted position (_items[e] = item << 6 | position), sorted by hash, then item.
    private readonly ulong[] _words;
    private readonly uint[] _items;
    private readonly int[] _bucketStart;
    private readonly int _shift;

    // Each thread's buffer of meetings for Candidates (a lookup allocates nothing once it has grown).
    [ThreadStatic]
    private static List<ulong>? _met;

    // Each thread's second buffer, for merging the runs of meetings.
    [ThreadStatic]
    private static ulong[]? _spare;

    /// <summary>The index of entries sorted by hash, then item; <paramref name="hashes"/> becomes its words (see <see cref="_words"/>).</summary>
    private DeleteNeighbourhoodIndex(ulong[] hashes, uint[] items, ushort[] chars, bool hugePages)
    {
        _items = items;

        // About four hashes a bucket, and never fewer bits than the words leave out: bucket b holds the hashes whose
        // top bits are b.
        var bits = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, hashes.Length / 4)), MinBucketBits, 28);
        _shift = 64 - bits;
        _bucketStart = new int[(1 << bits) + 1];
        if (hugePages)
        {
            HugePages.Advise(_bucketStart);
        }

        // Each hash is counted in the bucket its top bits name, and its word then keeps its other bits and the character,
        // in its place: one pass.
        for (var e = 0; e < hashes.Length; e++)
        {
            var hash = hashes[e];
            _bucketStart[(int)(hash >> _shift) + 1]++;
            hashes[e] = (hash << CharBits) | chars[e];
        }

        for (var b = 1; b < _bucketStart.Length; b++)
        {
            _bucketStart[b] += _bucketStart[b - 1];
        }

        _words = hashes;
    }

    public static DeleteNeighbourhoodIndex Build(IReadOnlyList<(string Key, int Item)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var keys = new Keys(entries.Count, entries.Sum(e => e.Key.Length));
        foreach (var (key, item) in entries)
        {
            keys.Add(key, item);
        }

        return Build(keys);
    }

    /// <summary>The index of <paramref name="entries"/>.</summary>
    /// <param name="entries">The keys and their items.</param>
    /// <param name="hugePages">
    /// Whether its large arrays ask for 2 MB pages (<see cref="HugePages"/>): for a full build's index, which lives as
    /// long as its matcher, not for a generation's, which a later one replaces (see <see cref="KeyIndex"/>'s constructor).
    /// </param>
    public static DeleteNeighbourhoodIndex Build(Keys entries, bool hugePages = false)
    {
        ArgumentNullException.ThrowIfNull(entries);

        // Where each entry's hashes start: the entries are then hashed on every core, each part into its own place.
        var starts = GC.AllocateUninitializedArray<int>(entries.Count + 1);
        var count = 0;
        for (var e = 0; e < entries.Count; e++)
        {
            starts[e] = count;
            var length = EntriesOf(entries.KeyAt(e).Length);
            if (length > 0)
            {
                MatcherCapacity.CheckFuzzyItem(entries.ItemAt(e));
            }

            count = checked(count + length);
        }

        starts[entries.Count] = count;
        var (hashes, items, chars) = NewEntries(count, hugePages);
        var parts = Parts(count);
        Parallel.For(0, parts, part =>
        {
            var (from, to) = PartOf(part, parts, entries.Count);
            for (var e = from; e < to; e++)
            {
                WriteEntries(entries.KeyAt(e), entries.ItemAt(e), hashes, items, chars, starts[e]);
            }
        });

        return OfEntries(hashes, items, chars, hugePages);
    }

    /// <summary>
    /// How many entries a key of <paramref name="keyLength"/> characters has in the index: itself and each of its
    /// one-deletions, or none for a key longer than <see cref="MaxKeyLength"/> (never indexed).
    /// </summary>
    internal static int EntriesOf(int keyLength) => keyLength > MaxKeyLength ? 0 : keyLength + 1;

    /// <summary>
    /// Room for <paramref name="count"/> entries, not cleared (every one is written before it is read), asking for 2 MB
    /// pages when <paramref name="hugePages"/>: what <see cref="WriteEntries"/> fills and <see cref="OfEntries"/> indexes.
    /// The hashes and items become the index's; the characters, 2 bytes an entry, are let go once they are in its words.
    /// </summary>
    internal static (ulong[] Hashes, uint[] Items, ushort[] Chars) NewEntries(int count, bool hugePages)
    {
        var hashes = GC.AllocateUninitializedArray<ulong>(count);
        var items = GC.AllocateUninitializedArray<uint>(count);
        var chars = GC.AllocateUninitializedArray<ushort>(count);
        if (hugePages)
        {
            HugePages.Advise(hashes);
            HugePages.Advise(items);
        }

        return (hashes, items, chars);
    }

    /// <summary>
    /// Writes the <see cref="EntriesOf"/> entries of <paramref name="key"/> for <paramref name="item"/> from
    /// <paramref name="at"/> on (none for a key too long), and returns where the next key's go. The one writing of a key's
    /// entries: each part of a build writes its own keys into its own place, on its own core, in any order.
    /// </summary>
    internal static int WriteEntries(ReadOnlySpan<char> key, int item, ulong[] hashes, uint[] items, ushort[] chars, int at)
    {
        if (key.Length > MaxKeyLength)
        {
            return at;
        }

        HashesOf(key, hashes.AsSpan(at, key.Length + 1));

        // Multiplied, not shifted, so that the build's overflow checking refuses an item past MaxItems (which
        // MatcherCapacity.CheckFuzzyItem refuses first).
        var itemWord = (uint)item * (1u << ItemShift);
        items[at] = itemWord | Whole;
        chars[at] = 0;
        for (var i = 0; i < key.Length; i++)
        {
            items[at + i + 1] = itemWord | (uint)i;
            chars[at + i + 1] = key[i];
        }

        return at + key.Length + 1;
    }

    /// <summary>
    /// The index of the entries <see cref="WriteEntries"/> wrote into <paramref name="hashes"/>, <paramref name="items"/>
    /// and <paramref name="chars"/> (made by <see cref="NewEntries"/>), which it sorts in place and keeps, but for the
    /// characters. The order they were written in does not matter: sorted by hash, then item word (an item and a deleted
    /// position, unique to an entry while each item has one key, as a matcher's has), a total order, they are one index
    /// whichever part wrote which. (Two keys of one item can give two entries that differ only in their character: their
    /// order may then differ, and the answers not, as a lookup keeps each item once, at its least distance.)
    /// </summary>
    internal static DeleteNeighbourhoodIndex OfEntries(ulong[] hashes, uint[] items, ushort[] chars, bool hugePages)
    {
        SortByHashThenItem(hashes, items, chars);
        return new DeleteNeighbourhoodIndex(hashes, items, chars, hugePages);
    }

    /// <summary>True when <paramref name="other"/> holds the same entries in the same order: the same index, answering alike.</summary>
    internal bool SameEntries(DeleteNeighbourhoodIndex other) =>
        _shift == other._shift && _words.AsSpan().SequenceEqual(other._words) && _items.AsSpan().SequenceEqual(other._items)
        && _bucketStart.AsSpan().SequenceEqual(other._bucketStart);

    /// <summary>Below this many entries the index is built on one thread: a thread costs more than it saves.</summary>
    private const int ParallelFrom = 1 << 16;

    private static int Parts(int hashes) => hashes < ParallelFrom ? 1 : Math.Max(1, Environment.ProcessorCount) * 4;

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of <paramref name="count"/>: from, to, every one of them in exactly one part.</summary>
    internal static (int From, int To) PartOf(int part, int parts, int count) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    /// <summary>
    /// Sorts the entries by hash, and within one hash by item word, the characters going with their entries: the one
    /// order the index has, whatever sort gets there. The entries are first dealt in place into runs by their hash's top
    /// byte (an American flag sort's first pass), and the runs, which share no hash, are then sorted on every core.
    /// </summary>
    internal static void SortByHashThenItem(ulong[] hashes, uint[] items, ushort[] chars)
    {
        var n = hashes.Length;
        if (n < ParallelFrom)
        {
            SortRun(hashes, items, chars, 0, n, 64);
            return;
        }

        var starts = new int[DealBuckets + 1];
        Deal(hashes, items, chars, 0, n, FirstShift, starts);
        Parallel.For(0, DealBuckets, b => SortRun(hashes, items, chars, starts[b], starts[b + 1] - starts[b], FirstShift));
    }

    private const int DealBuckets = 256;
    private const int FirstShift = 56;

    /// <summary>Runs at least this long are dealt again by their hash's next byte before they are sorted.</summary>
    private const int DealAgainFrom = 256;

    /// <summary>Parts at most this long are sorted by insertion, in place, without a call of the general sort.</summary>
    private const int InsertionSortTo = 16;

    /// <summary>
    /// Deals the entries <paramref name="start"/> to <paramref name="start"/> + <paramref name="length"/> in place into
    /// runs by the byte of their hash at <paramref name="shift"/> (a pass of an American flag sort), and writes where each
    /// run starts to <paramref name="starts"/> (257 places, the last the end). Allocates nothing: it is called for every
    /// run of a few hundred entries.
    /// </summary>
    private static void Deal(ulong[] hashes, uint[] items, ushort[] chars, int start, int length, int shift, Span<int> starts)
    {
        Span<int> next = stackalloc int[DealBuckets];
        next.Clear();
        var end = start + length;
        for (var at = start; at < end; at++)
        {
            next[(int)((hashes[at] >> shift) & 0xFF)]++;
        }

        starts[0] = start;
        for (var b = 0; b < DealBuckets; b++)
        {
            starts[b + 1] = starts[b] + next[b];
        }

        // next[b] is where bucket b's next misplaced entry goes; each swap puts one entry in its bucket for good.
        starts[..DealBuckets].CopyTo(next);
        for (var b = 0; b < DealBuckets; b++)
        {
            var bucketEnd = starts[b + 1];
            while (next[b] < bucketEnd)
            {
                var at = next[b];
                var hash = hashes[at];
                var item = items[at];
                var c = chars[at];
                var home = (int)((hash >> shift) & 0xFF);
                while (home != b)
                {
                    var to = next[home]++;
                    (hash, hashes[to]) = (hashes[to], hash);
                    (item, items[to]) = (items[to], item);
                    (c, chars[to]) = (chars[to], c);
                    home = (int)((hash >> shift) & 0xFF);
                }

                hashes[at] = hash;
                items[at] = item;
                chars[at] = c;
                next[b]++;
            }
        }
    }

    /// <summary>
    /// Sorts one run of entries that share their hash's bits above <paramref name="shift"/>. A run of a few hundred
    /// entries or more (the 1M-payment day's first runs are some 150,000 entries, its second some 600) is dealt again by
    /// the next byte first, down to parts of a few entries that are sorted by insertion; the order reached is the same
    /// (by hash, then item), as the dealing is by the hash's own bits. A run that shares every bit shares its hash, and
    /// is sorted by item alone, however long: dense numbering gives thousands of keys one deletion.
    /// </summary>
    private static void SortRun(ulong[] hashes, uint[] items, ushort[] chars, int start, int length, int shift)
    {
        if (length >= DealAgainFrom && shift > 0)
        {
            var nextShift = shift - 8;
            Span<int> starts = stackalloc int[DealBuckets + 1];
            Deal(hashes, items, chars, start, length, nextShift, starts);
            for (var b = 0; b < DealBuckets; b++)
            {
                SortRun(hashes, items, chars, starts[b], starts[b + 1] - starts[b], nextShift);
            }
        }
        else if (length <= InsertionSortTo)
        {
            InsertionSort(hashes, items, chars, start, start + length);
        }
        else if (shift == 0)
        {
            // Every bit dealt: one hash.
            items.AsSpan(start, length).Sort(chars.AsSpan(start, length));
        }
        else
        {
            SortPart(hashes, items, chars, start, length);
        }
    }

    /// <summary>
    /// Sorts fewer than <see cref="DealAgainFrom"/> entries by hash, then item: the hashes with each entry's item and
    /// character packed beside them (item above character, so packed ones order as their items), then each run of one hash
    /// by its packed words.
    /// </summary>
    private static void SortPart(ulong[] hashes, uint[] items, ushort[] chars, int start, int length)
    {
        Span<ulong> packed = stackalloc ulong[length];
        for (var e = 0; e < length; e++)
        {
            packed[e] = ((ulong)items[start + e] << CharBits) | chars[start + e];
        }

        var keys = hashes.AsSpan(start, length);
        keys.Sort(packed);
        for (var from = 0; from < length;)
        {
            var to = from + 1;
            while (to < length && keys[to] == keys[from])
            {
                to++;
            }

            if (to - from > 1)
            {
                packed[from..to].Sort();
            }

            from = to;
        }

        for (var e = 0; e < length; e++)
        {
            items[start + e] = (uint)(packed[e] >> CharBits);
            chars[start + e] = unchecked((ushort)packed[e]);
        }
    }

    /// <summary>Sorts a few entries by hash, then item, in place.</summary>
    private static void InsertionSort(ulong[] hashes, uint[] items, ushort[] chars, int start, int end)
    {
        for (var i = start + 1; i < end; i++)
        {
            var hash = hashes[i];
            var item = items[i];
            var c = chars[i];
            var j = i - 1;
            while (j >= start && (hashes[j] > hash || (hashes[j] == hash && items[j] > item)))
            {
                hashes[j + 1] = hashes[j];
                items[j + 1] = items[j];
                chars[j + 1] = chars[j];
                j--;
            }

            hashes[j + 1] = hash;
            items[j + 1] = item;
            chars[j + 1] = c;
        }
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the items whose key lies within edit distance 2 of
    /// <paramref name="query"/> as far as deleting one character on each side can tell, each once, in
    /// ascending order, with the distance (0, 1 or 2).
    /// </summary>
    public void Candidates(ReadOnlySpan<char> query, List<Neighbour> into)
    {
        if (query.Length > MaxKeyLength)
        {
            return;
        }

        // Meetings are gathered as item << 2 | edits in a reused buffer. Each probe's meetings come in item
        // order (see Build), so the runs are merged, not sorted.
        var met = _met ??= new List<ulong>();
        met.Clear();
        Span<int> runEnds = stackalloc int[MaxKeyLength + 1];
        var runs = 0;

        // The probes' hashes first (the query whole, then each deletion), and the places they read asked for ahead:
        // each probe is a miss in the bucket table and others in the words and the items, which then overlap instead of
        // queueing.
        Span<ulong> probes = stackalloc ulong[MaxKeyLength + 1];
        probes = probes[..(query.Length + 1)];
        HashesOf(query, probes);
        foreach (var hash in probes)
        {
            Prefetch.Line(ref _bucketStart[(int)(hash >> _shift)]);
        }

        foreach (var hash in probes)
        {
            var start = _bucketStart[(int)(hash >> _shift)];
            if (start < _words.Length)
            {
                Prefetch.Line(ref _words[start]);
                Prefetch.Line(ref _items[start]);
            }
        }

        for (var i = -1; i < query.Length; i++)
        {
            var before = met.Count;
            Collect(probes[i + 1], i < 0 ? Whole : i, i < 0 ? '\0' : query[i], met);
            if (met.Count > before)
            {
                runEnds[runs++] = met.Count;
            }
        }

        var found = MergeRuns(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(met), runEnds[..runs]);

        // One item meets the query through several deletions: keep each once, at its least distance.
        var last = -1L;
        foreach (var meeting in found)
        {
            var item = (long)(meeting >> 2);
            var edits = (int)(meeting & 3);
            if (item != last)
            {
                into.Add(new Neighbour((int)item, edits));
                last = item;
            }
            else if (edits < into[^1].Edits)
            {
                into[^1] = new Neighbour((int)item, edits);
            }
        }
    }

    /// <summary>
    /// How near <see cref="Candidates"/> would find an item indexed under <paramref name="key"/> to
    /// <paramref name="query"/>: the least distance over every meeting of their hashes (the query or one of its
    /// deletions against the key or one of its), 0, 1 or 2, or -1 when they do not meet or either is too long to index.
    /// For asking about a few items without probing the index (CashMatcher.NearByAmount.cs).
    /// </summary>
    public static int Meeting(ReadOnlySpan<char> query, ReadOnlySpan<char> key)
    {
        // Hashes meet as the index's do (strings of lengths further apart meet only if their hashes collide, as in the
        // index): no shortcut by length.
        if (query.Length > MaxKeyLength || key.Length > MaxKeyLength)
        {
            return -1;
        }

        Span<ulong> probes = stackalloc ulong[query.Length + 1];
        Span<ulong> entries = stackalloc ulong[key.Length + 1];
        HashesOf(query, probes);
        HashesOf(key, entries);
        var least = -1;
        for (var i = -1; i < query.Length; i++)
        {
            var deletedFromQuery = i < 0 ? Whole : i;
            for (var j = -1; j < key.Length; j++)
            {
                if (probes[i + 1] != entries[j + 1])
                {
                    continue;
                }

                var edits = EditsOf(deletedFromQuery, i < 0 ? '\0' : query[i], j < 0 ? Whole : j, j < 0 ? '\0' : key[j]);
                if (least < 0 || edits < least)
                {
                    least = edits;
                }
            }
        }

        return least;
    }

    /// <summary>
    /// Merges the runs of <paramref name="meetings"/> (each ascending by item, ending at <paramref name="runEnds"/>)
    /// pairwise into one run ascending by item, in <paramref name="meetings"/> or in this thread's spare buffer.
    /// </summary>
    private static ReadOnlySpan<ulong> MergeRuns(Span<ulong> meetings, Span<int> runEnds)
    {
        if (runEnds.Length <= 1)
        {
            return meetings;
        }

        if (_spare is null || _spare.Length < meetings.Length)
        {
            _spare = new ulong[Math.Max(meetings.Length, 2 * (_spare?.Length ?? 256))];
        }

        Span<ulong> from = meetings, to = _spare.AsSpan(0, meetings.Length);
        var runs = runEnds.Length;
        while (runs > 1)
        {
            var merged = 0;
            for (var r = 0; r < runs; r += 2)
            {
                var start = r == 0 ? 0 : runEnds[r - 1];
                var middle = runEnds[r];
                var end = r + 1 < runs ? runEnds[r + 1] : middle;
                int a = start, b = middle, o = start;
                while (a < middle && b < end)
                {
                    to[o++] = (from[b] >> 2) < (from[a] >> 2) ? from[b++] : from[a++];
                }

                from[a..middle].CopyTo(to[o..]);
                o += middle - a;
                from[b..end].CopyTo(to[o..]);
                runEnds[merged++] = end;
            }

            runs = merged;
            var swap = from;
            from = to;
            to = swap;
        }

        return from;
    }

    private void Collect(ulong hash, int deletedFromQuery, char deletedCharOfQuery, List<ulong> into)
    {
        // The bucket holds the hash's top bits, at least the 16 its words leave out; within it, the words' hash bits
        // ascend as the hashes do.
        var bucket = (int)(hash >> _shift);
        var end = _bucketStart[bucket + 1];
        var sought = hash << CharBits;
        for (var at = _bucketStart[bucket]; at < end; at++)
        {
            var word = _words[at];
            if ((word & HashPart) > sought)
            {
                break;
            }

            if ((word & HashPart) == sought)
            {
                var entry = _items[at];
                var edits = EditsOf(deletedFromQuery, deletedCharOfQuery, (int)(entry & Whole), unchecked((char)word));
                into.Add(((ulong)(entry >> ItemShift) << 2) | (uint)edits);
            }
        }
    }

    /// <summary>
    /// How far apart a query and a key whose hashes meet are, by where each had a character deleted (<see cref="Whole"/>
    /// for none) and which: the same deletion on both sides is one substitution, a deletion on one side only one insertion
    /// or deletion, deletions side by side of one character a transposition, and any other meeting two edits.
    /// </summary>
    private static int EditsOf(int deletedFromQuery, char deletedCharOfQuery, int deletedFromKey, char deletedCharOfKey) =>
        deletedFromQuery == Whole && deletedFromKey == Whole ? 0
            : deletedFromQuery == Whole || deletedFromKey == Whole || deletedFromQuery == deletedFromKey ? 1
            : Math.Abs(deletedFromQuery - deletedFromKey) == 1 && deletedCharOfQuery == deletedCharOfKey ? 1
            : 2;

    // FNV-1a, 64 bits: stable across runs and processes, unlike string.GetHashCode.
    internal static ulong Hash(ReadOnlySpan<char> text) => HashOn(FnvBasis, text);

    /// <summary>The FNV hash of some text followed by <paramref name="text"/>, given the hash of the text before.</summary>
    private static ulong HashOn(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * FnvPrime);
        }

        return hash;
    }

    private const ulong FnvBasis = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>
    /// Writes the <see cref="Hash"/> of <paramref name="key"/> whole to <paramref name="hashes"/>[0], and of the key
    /// without its character i to <paramref name="hashes"/>[i + 1]. FNV reads left to right, so each deletion's hash
    /// goes on from the hash of the characters before the deleted one, kept as the whole key's is made: the same values
    /// as hashing each deletion written out, without writing any (the index's build hashes some 40 million on the
    /// 1M-payment day).
    /// </summary>
    internal static void HashesOf(ReadOnlySpan<char> key, Span<ulong> hashes)
    {
        var before = FnvBasis;
        for (var i = 0; i < key.Length; i++)
        {
            hashes[i + 1] = HashOn(before, key[(i + 1)..]);
            before = HashOn(before, key.Slice(i, 1));
        }

        hashes[0] = before;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at <paramref name="max"/> + 1.</summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        // Same length: only substitutions and transpositions are cheap, so count the differences first.
        if (a.Length == b.Length && SameLengthDistance(a, b) is var quick and >= 0)
        {
            return Math.Min(quick, max + 1);
        }

        if (b.Length > 64)
        {
            return DistanceOf(a, b, max, new int[3 * (b.Length + 1)]);
        }

        return DistanceOf(a, b, max, stackalloc int[3 * (b.Length + 1)]);
    }

    /// <summary>
    /// The distance of two strings of one length that differ in at most two places (0, 1, or 1 for an
    /// adjacent transposition, else 2), or -1 when they differ in more and need the full computation.
    /// </summary>
    private static int SameLengthDistance(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        int first = -1, second = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                if (first < 0)
                {
                    first = i;
                }
                else if (second < 0)
                {
                    second = i;
                }
                else
                {
                    return -1;
                }
            }
        }

        return first < 0 ? 0
            : second < 0 ? 1
            : second == first + 1 && a[first] == b[second] && a[second] == b[first] ? 1
            : 2;
    }

    private static int DistanceOf(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max, Span<int> rows)
    {
        var width = b.Length + 1;
        var previous2 = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            var spare = previous2;
            previous2 = previous;
            previous = current;
            current = spare;
        }

        return Math.Min(previous[b.Length], max + 1);
    }

    /// <summary>
    /// The keys and items an index is built from, in the order added, the keys' characters in one array (no string per
    /// key): for millions of items, what a list of strings would cost in objects and collections is not paid.
    /// </summary>
    public sealed class Keys
    {
        private char[] _chars;
        private int _charCount;

        // Key e is _chars[_starts[e].._starts[e + 1]], its item _items[e].
        private int[] _starts;
        private int[] _items;
        private int _count;

        /// <summary>No keys yet, with room for <paramref name="keys"/> keys of <paramref name="chars"/> characters in all.</summary>
        public Keys(int keys = 16, int chars = 256)
        {
            // Only what is written is read: the arrays need no clearing.
            _chars = GC.AllocateUninitializedArray<char>(Math.Max(16, chars));
            _starts = GC.AllocateUninitializedArray<int>(Math.Max(1, keys) + 1);
            _starts[0] = 0;
            _items = GC.AllocateUninitializedArray<int>(Math.Max(1, keys));
        }

        public int Count => _count;

        public void Add(ReadOnlySpan<char> key, int item)
        {
            if (_count == _items.Length)
            {
                _items = Arrays.Grown(_items, _count, 2 * _count);
                _starts = Arrays.Grown(_starts, _count + 1, (2 * _count) + 1);
            }

            Arrays.EnsureRoom(ref _chars, _charCount, key.Length);

            key.CopyTo(_chars.AsSpan(_charCount));
            _charCount += key.Length;
            _items[_count] = item;
            _starts[++_count] = _charCount;
        }

        public ReadOnlySpan<char> KeyAt(int entry) => _chars.AsSpan(_starts[entry], _starts[entry + 1] - _starts[entry]);

        public int ItemAt(int entry) => _items[entry];
    }
}

/// <summary>An item whose key is near a query, and how near: 0, 1 or 2 edits.</summary>
internal readonly record struct Neighbour(int Item, int Edits);
