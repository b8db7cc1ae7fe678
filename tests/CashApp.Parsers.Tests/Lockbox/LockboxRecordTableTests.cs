using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using CashApp.Parsers.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Lockbox;

/// <summary>
/// The default layout's records by type, since session 21 <see cref="LockboxRecordTable"/>, against the frozen
/// dictionary it replaced (made here from the same entries, as the layout made it): for the default records the same
/// entries in the same order; for any records the same count and the same answer to every look-up, found or not, and
/// the entries in the order given.
/// </summary>
public sealed class LockboxRecordTableTests
{
    private static readonly Gen<Dictionary<char, IReadOnlyList<LockboxField>>> Sources =
        from types in Gen.Elements("12345678904ABZaz \u00e9#".ToCharArray()).ListOf()
        from widths in Gen.Choose(1, 30).ListOf(types.Count)
        select Source(types, widths);

    [Property(MaxTest = 300)]
    public Property Table_AnyRecords_AnswersAsTheFrozenDictionaryOfThem() =>
        Prop.ForAll(Arb.From(Sources), source =>
        {
            var table = new LockboxRecordTable(source);
            var lookups = Lookups(table);
            var frozen = Lookups(source.ToFrozenDictionary());
            var order = string.Join(',', table.Select(e => $"{(int)e.Key}={e.Value[0]}"));
            var given = string.Join(',', source.Select(e => $"{(int)e.Key}={e.Value[0]}"));
            return (lookups == frozen).Label($"table:\n{lookups}\nfrozen dictionary:\n{frozen}")
                .And((order == given).Label($"entries {order}, given {given}"))
                .And((string.Join(',', table.Keys.Select(k => (int)k)) + "|" + string.Join(',', table.Values.Select(v => v[0])) ==
                      string.Join(',', source.Keys.Select(k => (int)k)) + "|" + string.Join(',', source.Values.Select(v => v[0]))).Label("keys and values in the order given"));
        });

    [Fact]
    public void DefaultLayout_Records_AreATableAndTheFrozenDictionaryOfTheDefaults()
    {
        var merged = new Dictionary<char, IReadOnlyList<LockboxField>>();
        foreach (var (type, fields) in LockboxLayout.Default.Records)
        {
            merged[type] = fields;
        }

        Assert.IsType<LockboxRecordTable>(LockboxLayout.Default.Records);
        Assert.Equal("12564789", string.Concat(LockboxLayout.Default.Records.Keys));
        Assert.Equal(Render(merged.ToFrozenDictionary()), Render(LockboxLayout.Default.Records));
    }

    private static Dictionary<char, IReadOnlyList<LockboxField>> Source(List<char> types, List<int> widths)
    {
        // Types given twice keep their first place and take the later fields, as a layout's merge does.
        var source = new Dictionary<char, IReadOnlyList<LockboxField>>();
        for (var i = 0; i < types.Count; i++)
        {
            source[types[i]] = [new LockboxField("f" + i.ToString(CultureInfo.InvariantCulture), 2, widths[i])];
        }

        return source;
    }

    private static string Render(IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> records)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"count {records.Count}\n");
        foreach (var (type, fields) in records)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(int)type}: {string.Join(' ', fields)}\n");
        }

        text.Append("keys ").AppendJoin(',', records.Keys.Select(k => (int)k)).Append('\n');
        text.Append("values ").AppendJoin(',', records.Values.Select(v => v[0])).Append('\n');
        return text.Append(Lookups(records)).ToString();
    }

    private static string Lookups(IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> records)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"count {records.Count}\n");
        for (var c = 0; c < 300; c++)
        {
            var key = (char)c;
            var found = records.TryGetValue(key, out var value);
            if (found != records.ContainsKey(key))
            {
                text.Append(CultureInfo.InvariantCulture, $"{c}: TryGetValue and ContainsKey disagree\n");
            }

            string indexed;
            try
            {
                indexed = records[key][0].ToString();
            }
            catch (KeyNotFoundException)
            {
                indexed = "not found";
            }

            text.Append(CultureInfo.InvariantCulture, $"{c}: {(found ? value![0].ToString() : "-")} {indexed}\n");
        }

        return text.ToString();
    }
}
