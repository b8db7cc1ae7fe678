using System.Collections;

namespace CashApp.Parsers.Common;

/// <summary>
/// Collects the warnings of a read up to a cap, and counts the rest: a file with a deviation on every line
/// reports the first of them and how many there were, without holding them all.
/// </summary>
public sealed class ParseWarningCollection(int capacity) : ICollection<ParseWarning>, IReadOnlyList<ParseWarning>
{
    private readonly List<ParseWarning> _kept = [];

    /// <summary>How many warnings are kept at most.</summary>
    public int Capacity { get; } = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must not be negative");

    /// <summary>How many warnings the read reported, the ones not kept included.</summary>
    public long Total { get; private set; }

    /// <summary>The warnings kept, in the order reported.</summary>
    public int Count => _kept.Count;

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <inheritdoc/>
    public ParseWarning this[int index] => _kept[index];

    /// <summary>Keeps the warning while under the cap; counts it always.</summary>
    public void Add(ParseWarning item)
    {
        Total++;
        if (_kept.Count < Capacity)
        {
            _kept.Add(item);
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        _kept.Clear();
        Total = 0;
    }

    /// <inheritdoc/>
    public bool Contains(ParseWarning item) => _kept.Contains(item);

    /// <inheritdoc/>
    public void CopyTo(ParseWarning[] array, int arrayIndex) => _kept.CopyTo(array, arrayIndex);

    /// <summary>Not supported: warnings are only ever added.</summary>
    public bool Remove(ParseWarning item) => throw new NotSupportedException("Warnings are only ever added.");

    /// <inheritdoc/>
    public IEnumerator<ParseWarning> GetEnumerator() => _kept.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
