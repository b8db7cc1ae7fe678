using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// <see cref="Common.BankTransaction.Extra"/> of a BAI2 transaction: a read-only view over the record's values and
/// its text (kept as bytes), so that reading a large file builds no dictionary and decodes no text nobody asks for.
/// Keys come in a fixed order: account, type_description, funds_type, raw_text, customer_ref, then the labelled
/// fields of <see cref="Bai2Transactions.ExtraFields"/>. Keys with no value are absent.
/// </summary>
/// <remarks>
/// The text's bytes are the first <paramref name="rawLength"/> of <paramref name="rawText"/>. The reader may lend its
/// own buffer for as long as it asks <see cref="BankFileReadOptions.KeepExtra"/> about the transaction, then calls
/// <see cref="OwnText"/> for a transaction that keeps its Extra.
/// </remarks>
internal sealed class Bai2Extra(string account, int typeCode, Bai2FundsType fundsType, byte[]? rawText, int rawLength, string? customerReference, Bai2TextFields fields)
    : IReadOnlyDictionary<string, string>
{
    private const int FirstTextField = 5;

    private static readonly string[] Keys =
        ["account", "type_description", "funds_type", "raw_text", "customer_ref", .. Bai2Transactions.ExtraFields.Select(f => f.Key)];

    private readonly Bai2TextFields fields = fields;
    private byte[]? rawText = rawText;
    private string? text;

    public int Count
    {
        get
        {
            var count = 0;
            for (var i = 0; i < Keys.Length; i++)
            {
                count += Has(i) ? 1 : 0;
            }

            return count;
        }
    }

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => this.Select(pair => pair.Key);

    public IEnumerable<string> Values => this.Select(pair => pair.Value);

    // The text decoded once, on first use; decoding the same bytes twice gives the same string, so a race is harmless.
    private string? Text => rawText is null ? null : text ??= Bai2RecordReader.Decode(rawText.AsSpan(0, rawLength));

    /// <summary>Copies the text's bytes out of a lent buffer, which the reader reuses after this.</summary>
    public void OwnText() => rawText = rawText?.AsSpan(0, rawLength).ToArray();

    /// <summary>Lets go of a lent buffer without a copy: whoever still holds this reads no text, never a later record's.</summary>
    public void Disown()
    {
        rawText = null;
        text = null;
    }

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The extra field '{key}' is not present.");

    public bool ContainsKey(string key) => Has(Array.IndexOf(Keys, key));

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = Array.IndexOf(Keys, key);
        value = Has(index) ? Value(index) : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Has(i))
            {
                yield return new KeyValuePair<string, string>(Keys[i], Value(i));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True when the key at <paramref name="index"/> (-1 for an unknown key) has a value.</summary>
    private bool Has(int index) => index switch
    {
        < 0 => false,
        < 3 => true,
        3 => rawText is not null,
        4 => customerReference is not null,
        _ => rawText is not null && fields[index - FirstTextField].Length > 0,
    };

    private string Value(int index)
    {
        switch (index)
        {
            case 0:
                return account;
            case 1:
                return Bai2TypeCodes.Describe(Bai2TypeCodes.GetValid(typeCode));
            case 2:
                return fundsType.ToString();
            case 3:
                return Text!;
            case 4:
                return customerReference!;
            default:
                var range = fields[index - FirstTextField];
                return Text!.Substring(range.Start, range.Length);
        }
    }
}
