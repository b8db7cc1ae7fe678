namespace CashApp.Engine.Matching;

/// <summary>
/// A multi-map from string keys to item indexes, compact enough for millions of items: one dictionary
/// entry per distinct key and a shared chain of further items for keys that several items share.
/// </summary>
internal sealed class KeyIndex
{
    private readonly Dictionary<string, int> _head;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly List<int> _item = [];
    private readonly List<int> _next = [];

    public KeyIndex()
    {
        _head = new Dictionary<string, int>(StringComparer.Ordinal);
        _bySpan = _head.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _head.Count;

    public void Add(string key, int item)
    {
        ref var head = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_head, key, out var exists);
        var entry = _item.Count;
        _item.Add(item);
        _next.Add(exists ? head : -1);
        head = entry;
    }

    /// <summary>Adds the distinct items stored under <paramref name="key"/> to <paramref name="into"/>.</summary>
    public bool Find(ReadOnlySpan<char> key, List<int> into)
    {
        var found = false;
        for (var entry = First(key); entry >= 0; entry = Next(entry))
        {
            var item = _item[entry];
            if (!into.Contains(item))
            {
                into.Add(item);
            }

            found = true;
        }

        return found;
    }

    /// <summary>The first entry stored under <paramref name="key"/>, or -1; walk on with <see cref="Next"/>.</summary>
    public int First(ReadOnlySpan<char> key) => _head.Count > 0 && _bySpan.TryGetValue(key, out var entry) ? entry : -1;

    /// <summary>The entry after <paramref name="entry"/> under the same key, or -1.</summary>
    public int Next(int entry) => _next[entry];

    /// <summary>The item of an entry.</summary>
    public int ItemOf(int entry) => _item[entry];
}
