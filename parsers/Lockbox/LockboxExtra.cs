using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// A payment's extra data: the layout's keys, shared by every payment of a file, over this payment's values.
/// A null value (a field blank or absent for this check) is not a key of the dictionary.
/// </summary>
internal sealed class LockboxExtra(string[] keys, string?[] values) : IReadOnlyDictionary<string, string>
{
    /// <summary>
    /// The extra data of one payment. <paramref name="values"/> may be the decoder's reused buffer: a single value
    /// (the default layout's check number) is kept without an array.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Create(string[] keys, string?[] values) =>
        keys.Length == 1
            ? values[0] is { } value ? new LockboxSingleExtra(keys[0], value) : LockboxNoExtra.Instance
            : new LockboxExtra(keys, values);

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var value in values)
            {
                count += value is null ? 0 : 1;
            }

            return count;
        }
    }

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<string> Values => this.Select(pair => pair.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The extra field '{key}' is not present.");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = Array.IndexOf(keys, key);
        value = index >= 0 ? values[index] : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (values[i] is { } value)
            {
                yield return new KeyValuePair<string, string>(keys[i], value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Extra data with exactly one value.</summary>
internal sealed class LockboxSingleExtra(string key, string value) : IReadOnlyDictionary<string, string>
{
    public int Count => 1;

    public IEnumerable<string> Keys => [key];

    public IEnumerable<string> Values => [value];

    public string this[string name] => name == key ? value : throw new KeyNotFoundException($"The extra field '{name}' is not present.");

    public bool ContainsKey(string name) => name == key;

    public bool TryGetValue(string name, [MaybeNullWhen(false)] out string found)
    {
        found = name == key ? value : null;
        return found is not null;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new KeyValuePair<string, string>(key, value);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
