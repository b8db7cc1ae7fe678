using System.Collections;
using System.Collections.ObjectModel;
using System.Data.Common;

namespace CashApp.Engine.Output;

/// <summary>
/// Presents a sequence of string rows as a forward-only <see cref="DbDataReader"/>, the shape Sylvan's
/// <c>CsvDataWriter</c> writes from. Rows stream: nothing is buffered beyond the current row.
/// </summary>
#pragma warning disable CA1010 // DbDataReader is the shape Sylvan asks for; its non-generic enumerator is the framework's.
public sealed class StringRowReader : DbDataReader, IDbColumnSchemaGenerator
#pragma warning restore CA1010
{
    private readonly string[] _columns;
    private readonly IEnumerator<string?[]> _rows;
    private string?[] _current = [];

    /// <summary>Creates a reader over <paramref name="rows"/>, each with one value per column.</summary>
    public StringRowReader(IReadOnlyList<string> columns, IEnumerable<string?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        _columns = [.. columns];
        _rows = rows.GetEnumerator();
    }

    /// <summary>Every column is a nullable string; Sylvan's writer asks for this schema.</summary>
    public ReadOnlyCollection<DbColumn> GetColumnSchema() =>
        new([.. _columns.Select((name, ordinal) => (DbColumn)new StringColumn(name, ordinal))]);

    /// <inheritdoc/>
    public override int FieldCount => _columns.Length;

    /// <inheritdoc/>
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc/>
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc/>
    public override int RecordsAffected => -1;

    /// <inheritdoc/>
    public override bool HasRows => true;

    /// <inheritdoc/>
    public override bool IsClosed => false;

    /// <inheritdoc/>
    public override int Depth => 0;

    /// <inheritdoc/>
    public override bool Read()
    {
        if (!_rows.MoveNext())
        {
            return false;
        }

        _current = _rows.Current;
        if (_current.Length != _columns.Length)
        {
            throw new InvalidOperationException($"A row has {_current.Length} values for {_columns.Length} columns.");
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool NextResult() => false;

    /// <inheritdoc/>
    public override string GetName(int ordinal) => _columns[ordinal];

    /// <inheritdoc/>
    public override int GetOrdinal(string name) => Array.IndexOf(_columns, name);

    /// <inheritdoc/>
    public override Type GetFieldType(int ordinal) => typeof(string);

    /// <inheritdoc/>
    public override string GetDataTypeName(int ordinal) => "string";

    /// <inheritdoc/>
    public override string GetString(int ordinal) => _current[ordinal] ?? string.Empty;

    /// <inheritdoc/>
    public override object GetValue(int ordinal) => (object?)_current[ordinal] ?? DBNull.Value;

    /// <inheritdoc/>
    public override bool IsDBNull(int ordinal) => _current[ordinal] is null;

    /// <inheritdoc/>
    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, _current.Length);
        for (var i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }

        return n;
    }

    /// <inheritdoc/>
    public override IEnumerator GetEnumerator() => throw new NotSupportedException();

    /// <inheritdoc/>
    public override bool GetBoolean(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override byte GetByte(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override char GetChar(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var value = GetString(ordinal);
        if (buffer is null)
        {
            return value.Length;
        }

        var n = (int)Math.Max(0, Math.Min(length, value.Length - dataOffset));
        value.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    /// <inheritdoc/>
    public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override decimal GetDecimal(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override double GetDouble(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override float GetFloat(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override Guid GetGuid(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override short GetInt16(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override int GetInt32(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long GetInt64(int ordinal) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rows.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class StringColumn : DbColumn
    {
        public StringColumn(string name, int ordinal)
        {
            ColumnName = name;
            ColumnOrdinal = ordinal;
            DataType = typeof(string);
            DataTypeName = "string";
            AllowDBNull = true;
        }
    }
}
