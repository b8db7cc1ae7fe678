using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// The default layout's fields by record type (<see cref="LockboxLayout.Records"/>): two arrays, enumerated in the
/// order the types were given, and looked up by a walk over a dozen types at most. The framework's frozen dictionary
/// gave the same, but its code over a <see cref="char"/> key cannot be compiled ahead of time (ReadyToRun) into our
/// image, so every process that read a lockbox file compiled about 20 of its methods before the first line. (A frozen
/// dictionary of sparse types enumerates them sorted, so layouts with records of their own keep it.)
/// </summary>
internal sealed class LockboxRecordTable : IReadOnlyDictionary<char, IReadOnlyList<LockboxField>>
{
    private readonly char[] _types;
    private readonly IReadOnlyList<LockboxField>[] _fields;

    /// <summary>The entries of <paramref name="source"/>, in its order.</summary>
    public LockboxRecordTable(IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _types = new char[source.Count];
        _fields = new IReadOnlyList<LockboxField>[_types.Length];
        var i = 0;
        foreach (var (type, list) in source)
        {
            _types[i] = type;
            _fields[i++] = list;
        }
    }

    public int Count => _types.Length;

    public IEnumerable<char> Keys => _types;

    public IEnumerable<IReadOnlyList<LockboxField>> Values => _fields;

    public IReadOnlyList<LockboxField> this[char key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

    public bool ContainsKey(char key) => IndexOf(key) >= 0;

    public bool TryGetValue(char key, [MaybeNullWhen(false)] out IReadOnlyList<LockboxField> value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _fields[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<char, IReadOnlyList<LockboxField>>> GetEnumerator()
    {
        for (var i = 0; i < _types.Length; i++)
        {
            yield return new KeyValuePair<char, IReadOnlyList<LockboxField>>(_types[i], _fields[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(char key)
    {
        for (var i = 0; i < _types.Length; i++)
        {
            if (_types[i] == key)
            {
                return i;
            }
        }

        return -1;
    }
}
