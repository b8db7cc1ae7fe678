using System.Text;

namespace CashApp.Store;

/// <summary>
/// One copy of each string that many rows repeat (a customer's id and name, a currency), so a snapshot of
/// millions of items keeps one string per customer rather than one per item, and reading UTF-8 from the
/// database allocates only when a value is new. Not thread-safe: one per reader.
/// </summary>
/// <remarks>
/// Items of one customer usually come together, so the value of the previous row is checked first. Past
/// <see cref="MaxEntries"/> distinct values new ones are still returned but no longer kept.
/// </remarks>
internal sealed class SharedStrings
{
    /// <summary>How many distinct values are kept at most.</summary>
    internal const int MaxEntries = 1 << 20;

    // Values up to this many UTF-8 bytes are decoded on the stack and looked up without allocating.
    private const int StackChars = 256;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private byte[] _lastUtf8 = new byte[64];
    private int _lastLength = -1;
    private string _last = "";

    /// <summary>The shared copy of <paramref name="value"/>.</summary>
    public string Get(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (ReferenceEquals(value, _last) || string.Equals(value, _last, StringComparison.Ordinal))
        {
            return _last;
        }

        // The bytes of the previous UTF-8 value no longer describe the previous value.
        _lastLength = -1;
        if (_values.TryGetValue(value, out var shared))
        {
            return _last = shared;
        }

        Keep(value);
        return _last = value;
    }

    /// <summary>The shared string for UTF-8 text; allocates only for a value not seen before.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == _lastLength && utf8.SequenceEqual(_lastUtf8.AsSpan(0, _lastLength)))
        {
            return _last;
        }

        string value;
        if (utf8.Length <= StackChars)
        {
            Span<char> chars = stackalloc char[StackChars];
            var length = Encoding.UTF8.GetChars(utf8, chars);
            if (!_values.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out value!))
            {
                value = new string(chars[..length]);
                Keep(value);
            }
        }
        else
        {
            value = Encoding.UTF8.GetString(utf8);
            if (_values.TryGetValue(value, out var shared))
            {
                value = shared;
            }
            else
            {
                Keep(value);
            }
        }

        if (utf8.Length > _lastUtf8.Length)
        {
            _lastUtf8 = new byte[utf8.Length * 2];
        }

        utf8.CopyTo(_lastUtf8);
        _lastLength = utf8.Length;
        return _last = value;
    }

    private void Keep(string value)
    {
        if (_values.Count < MaxEntries)
        {
            _values.Add(value, value);
        }
    }
}
