using System.Collections.Frozen;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// One field of a lockbox record: a name and the columns it occupies, <paramref name="Start"/> 1-based and
/// <paramref name="Length"/> characters long (LOCKBOX.md writes it <c>[start, length]</c>).
/// </summary>
public readonly record struct LockboxField(string Name, int Start, int Length)
{
    /// <summary>The last column, 1-based and inclusive.</summary>
    public int End => Start + Length - 1;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{Start}, {Length}]";
}

/// <summary>
/// A lockbox transmission layout (LOCKBOX.md): where each record type places its fields. A layout is validated when
/// it is built, so a reader never meets overlapping fields, a field past the record length or a missing required
/// field. Immutable; share one instance between readers.
/// </summary>
/// <remarks>
/// A layout file is complete for each record type it names: the fields it gives for record <c>6</c> are all the
/// fields of record <c>6</c>. Record types it does not name take the built-in <see cref="Default"/> layout, and so do
/// <c>recordLength</c> (80) and <c>currency</c> (USD) when absent.
/// </remarks>
public sealed partial class LockboxLayout
{
    /// <summary>The default record length of LOCKBOX.md.</summary>
    public const int DefaultRecordLength = 80;

    /// <summary>The default currency of lockbox amounts.</summary>
    public const string DefaultCurrency = "USD";

    /// <summary>The longest record a layout may define.</summary>
    public const int MaxRecordLength = 4096;

    private static (char Type, LockboxField[] Fields)[] DefaultRecords => Defaults.Records;

    /// <summary>The built-in default layout of LOCKBOX.md (80-character records, USD).</summary>
    public static LockboxLayout Default => Defaults.Layout;

    // A nested type, so that the default layout is built after the tables it is built from.
    private static class Defaults
    {
        // In the order the layouts' tables enumerate them (a frozen dictionary of these kept this order).
        public static readonly (char Type, LockboxField[] Fields)[] Records =
        [
            ('1', [new("priority", 2, 2), new("destination", 4, 10), new("origin", 14, 10), new("file_date", 24, 6), new("file_time", 30, 4)]),
            ('2', [new("destination", 2, 10), new("origin", 12, 10), new("reference", 22, 10), new("service_type", 32, 3)]),
            ('5', [new("batch", 2, 3), new("item", 5, 3), new("lockbox", 8, 7), new("deposit_date", 15, 6)]),
            ('6',
            [
                new("batch", 2, 3), new("item", 5, 3), new("amount", 8, 10), new("routing", 18, 9), new("account", 27, 14),
                new("check_number", 41, 10), new("remitter_name", 51, 30),
            ]),
            ('4',
            [
                new("batch", 2, 3), new("item", 5, 3), new("overflow_type", 8, 1), new("sequence", 9, 2), new("last", 11, 1),
                new("invoice_number", 12, 20), new("invoice_amount", 32, 10),
            ]),
            ('7', [new("batch", 2, 3), new("item", 5, 3), new("lockbox", 8, 7), new("deposit_date", 15, 6), new("batch_count", 21, 3), new("batch_amount", 24, 10)]),
            ('8', [new("lockbox", 8, 7), new("deposit_date", 15, 6), new("lockbox_count", 21, 4), new("lockbox_amount", 25, 10)]),
            ('9', [new("record_count", 2, 6)]),
        ];

        public static readonly LockboxLayout Layout = Create("default", DefaultRecordLength, new Dictionary<char, IReadOnlyList<LockboxField>>());
    }

    private LockboxLayout(string name, string? sourceFile, int recordLength, string currency, IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> records, LockboxCsvMapping? csv)
    {
        Name = name;
        SourceFile = sourceFile;
        RecordLength = recordLength;
        Currency = currency;
        Records = records;
        Csv = csv;
        Compiled = LockboxCompiledLayout.Compile(this);
    }

    /// <summary>The layout's name (<c>name</c> in the file, else the file's name).</summary>
    public string Name { get; }

    /// <summary>The file the layout was loaded from, or the name given to <see cref="Parse"/>; null for built ones.</summary>
    public string? SourceFile { get; }

    /// <summary>The record length: shorter lines are padded with spaces, longer ones are an error.</summary>
    public int RecordLength { get; }

    /// <summary>The ISO 4217 currency of the file's amounts.</summary>
    public string Currency { get; }

    /// <summary>Every record type's fields, the default ones included, each list ordered by start column.</summary>
    public IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> Records { get; }

    /// <summary>The column mapping for CSV remittance files, when the layout has one.</summary>
    public LockboxCsvMapping? Csv { get; }

    internal LockboxCompiledLayout Compiled { get; }

    /// <summary>
    /// Builds and validates a layout. Record types not in <paramref name="records"/> take the default layout's
    /// fields. Throws <see cref="LockboxLayoutException"/> naming the record and field at fault.
    /// </summary>
    public static LockboxLayout Create(
        string name,
        int recordLength,
        IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> records,
        string currency = DefaultCurrency,
        LockboxCsvMapping? csv = null,
        string? sourceFile = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(currency);
        var source = sourceFile ?? name;
        var merged = new Dictionary<char, IReadOnlyList<LockboxField>>();
        foreach (var (type, fields) in DefaultRecords)
        {
            merged[type] = fields;
        }

        foreach (var (type, fields) in records)
        {
            merged[type] = [.. fields.OrderBy(f => f.Start)];
        }

        Validate(source, recordLength, currency, merged, records, csv);
        // With no records of its own a layout has the default records, whose frozen dictionary kept their order (their
        // types are dense); any other set of types keeps the frozen dictionary, whose order depends on the types.
        IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> table = records.Count == 0 ? new LockboxRecordTable(merged) : merged.ToFrozenDictionary();
        return new LockboxLayout(name, sourceFile, recordLength, currency, table, csv);
    }

    /// <summary>
    /// Loads and validates a layout JSON file (LOCKBOX.md, "A layout file"). Any problem, an unreadable file
    /// included, is a <see cref="LockboxLayoutException"/> naming the file and the field.
    /// </summary>
    public static LockboxLayout Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw LockboxLayoutException.Create(path, 0, ex, null, null, LockboxErrors.LayoutUnreadableCode, LockboxErrors.LayoutUnreadable, ex.Message);
        }

        return FromJson(json, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>
    /// Parses and validates layout JSON text received from elsewhere (the gRPC service); <paramref name="name"/>
    /// names it in errors and is its name when the JSON has none.
    /// </summary>
    public static LockboxLayout Parse(string json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(name);
        return FromJson(System.Text.Encoding.UTF8.GetBytes(json), name, name);
    }

    /// <summary>The fields of one record type; empty when the layout does not know the type.</summary>
    public IReadOnlyList<LockboxField> FieldsOf(char recordType) => Records.TryGetValue(recordType, out var fields) ? fields : [];

    /// <inheritdoc/>
    public override string ToString() => SourceFile is null ? Name : $"{Name} ({SourceFile})";

    /// <summary>
    /// <paramref name="fields"/> as an array: itself when it is one (the default layout's records), else a copy. A loop
    /// over an array needs none of the framework's generic code over <see cref="LockboxField"/>, which an
    /// <see cref="IReadOnlyList{T}"/> of an array does (compiled at start-up, not ahead of time).
    /// </summary>
    internal static LockboxField[] ArrayOf(IReadOnlyList<LockboxField> fields)
    {
        if (fields is LockboxField[] array)
        {
            return array;
        }

        var copy = new LockboxField[fields.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = fields[i];
        }

        return copy;
    }
}
