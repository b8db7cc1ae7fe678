namespace CashApp.Store;

/// <summary>The kind of value a statement parameter carries; each store maps it to its own column type.</summary>
public enum LedgerParamType
{
    /// <summary>A 64-bit integer: ids, row versions, money in minor units (SQL Server <c>bigint</c>).</summary>
    BigInt,

    /// <summary>A 32-bit integer: counts and page sizes (SQL Server <c>int</c>).</summary>
    Count,

    /// <summary>A short key or code: item and customer ids, currency, status (SQL Server <c>nvarchar(128)</c>).</summary>
    Key,

    /// <summary>Text of bounded length: names, references, reasons (SQL Server <c>nvarchar(400)</c>).</summary>
    Text,

    /// <summary>Unbounded text: JSON documents, free text (SQL Server <c>nvarchar(max)</c>).</summary>
    LongText,

    /// <summary>A point in time (SQL Server <c>datetimeoffset</c>; SQLite ISO 8601 UTC text).</summary>
    Time,

    /// <summary>A calendar date (SQL Server <c>date</c>; SQLite integer <c>yyyymmdd</c>).</summary>
    Date,

    /// <summary>A flag (SQL Server <c>bit</c>; SQLite 0 or 1).</summary>
    Bool,
}

/// <summary>A named parameter of a statement and its type.</summary>
public sealed record LedgerParam(string Name, LedgerParamType Type);

/// <summary>
/// One SQL statement of a store, named, with every parameter it takes. Statements are data so that tests
/// can enumerate and parse every one of them.
/// </summary>
public sealed record LedgerStatement(string Name, string Text, IReadOnlyList<LedgerParam> Parameters)
{
    /// <summary>Makes a statement from its text and <c>(name, type)</c> pairs.</summary>
    public static LedgerStatement Of(string name, string text, params (string Name, LedgerParamType Type)[] parameters) =>
        new(name, text, [.. parameters.Select(p => new LedgerParam(p.Name, p.Type))]);
}
