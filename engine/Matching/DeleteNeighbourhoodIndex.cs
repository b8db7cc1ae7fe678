namespace CashApp.Engine.Matching;

/// <summary>
/// A SymSpell-style index for references within a small edit distance. Each stored key is indexed
/// under itself and every string made by deleting one character; a query looks up itself and its own
/// one-deletions. Two keys meet when they differ by one insertion, deletion or substitution, or by an
/// adjacent transposition: the typing and reading errors payers make. Candidates are then verified
/// with the optimal string alignment distance.
/// Keys are stored as 64-bit hashes in one sorted array, so a million items cost tens of megabytes
/// rather than millions of strings.
/// </summary>
internal sealed class DeleteNeighbourhoodIndex
{
    private readonly ulong[] _hashes;
    private readonly int[] _items;

    private DeleteNeighbourhoodIndex(ulong[] hashes, int[] items)
    {
        _hashes = hashes;
        _items = items;
    }

    public static DeleteNeighbourhoodIndex Build(IReadOnlyList<(string Key, int Item)> entries)
    {
        var count = 0;
        foreach (var (key, _) in entries)
        {
            count += key.Length + 1;
        }

        var hashes = new ulong[count];
        var items = new int[count];
        var n = 0;
        Span<char> buffer = stackalloc char[64];
        foreach (var (key, item) in entries)
        {
            if (key.Length > 64)
            {
                continue;
            }

            hashes[n] = Hash(key);
            items[n++] = item;
            for (var i = 0; i < key.Length; i++)
            {
                var deleted = Delete(key, i, buffer);
                hashes[n] = Hash(deleted);
                items[n++] = item;
            }
        }

        Array.Resize(ref hashes, n);
        Array.Resize(ref items, n);
        Array.Sort(hashes, items);
        return new DeleteNeighbourhoodIndex(hashes, items);
    }

    /// <summary>Adds to <paramref name="into"/> the items whose key may lie within edit distance 2 of <paramref name="query"/>.</summary>
    public void Candidates(string query, List<int> into)
    {
        Span<char> buffer = stackalloc char[64];
        if (query.Length > 64)
        {
            return;
        }

        Collect(Hash(query), into);
        for (var i = 0; i < query.Length; i++)
        {
            Collect(Hash(Delete(query, i, buffer)), into);
        }
    }

    private void Collect(ulong hash, List<int> into)
    {
        var at = Array.BinarySearch(_hashes, hash);
        if (at < 0)
        {
            return;
        }

        while (at > 0 && _hashes[at - 1] == hash)
        {
            at--;
        }

        for (; at < _hashes.Length && _hashes[at] == hash; at++)
        {
            if (!into.Contains(_items[at]))
            {
                into.Add(_items[at]);
            }
        }
    }

    private static ReadOnlySpan<char> Delete(string key, int index, Span<char> buffer)
    {
        key.AsSpan(0, index).CopyTo(buffer);
        key.AsSpan(index + 1).CopyTo(buffer[index..]);
        return buffer[..(key.Length - 1)];
    }

    // FNV-1a, 64 bits: stable across runs and processes, unlike string.GetHashCode.
    private static ulong Hash(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped.</summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
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

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
