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

/// <summary>
/// A check's extra data lent for <see cref="BankFileReadOptions.KeepExtra"/>'s question about its payment: one object per
/// decoder, reused check after check, which makes the payment's own copy (<see cref="Owned"/>) only when read. A
/// payment keeps that copy or nothing, never this object. Between questions it reads as empty; a reference kept past its
/// question, against the rule, reads whichever check is being asked about, if any.
/// </summary>
internal sealed class LockboxLentExtra(Func<IReadOnlyDictionary<string, string>> own) : IReadOnlyDictionary<string, string>
{
    private IReadOnlyDictionary<string, string>? owned;
    private bool lent;

    /// <summary>The copy of the check being asked about, made at the first read; nothing when none is lent.</summary>
    public IReadOnlyDictionary<string, string> Owned => lent ? owned ??= own() : LockboxNoExtra.Instance;

    public int Count => Owned.Count;

    public IEnumerable<string> Keys => Owned.Keys;

    public IEnumerable<string> Values => Owned.Values;

    public string this[string key] => Owned[key];

    /// <summary>Lends the data of the check being completed.</summary>
    public void Lend()
    {
        owned = null;
        lent = true;
    }

    /// <summary>Ends the loan: the question is answered, and what the check's values become next is not its payment's.</summary>
    public void Return()
    {
        owned = null;
        lent = false;
    }

    public bool ContainsKey(string key) => Owned.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => Owned.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Owned.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
