using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace CashApp.Engine.Output;

/// <summary>
/// Writes RFC 4180 CSV as UTF-8 straight into a large buffer: fields are quoted only when they must be,
/// and numbers and amounts are formatted into the buffer, so a million rows cost no string per field.
/// Not thread-safe; one writer per file.
/// </summary>
public sealed class Utf8CsvWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _used;
    private bool _rowStarted;

    /// <summary>Creates a writer over a new file at <paramref name="path"/> (no byte order mark).</summary>
    public Utf8CsvWriter(string path)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
    {
    }

    /// <summary>Creates a writer over <paramref name="stream"/>, which it disposes.</summary>
    public Utf8CsvWriter(Stream stream)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    }

    /// <summary>Writes a header or any row of plain text fields.</summary>
    public void WriteRow(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var field in fields)
        {
            Field(field);
        }

        EndRow();
    }

    /// <summary>A text field; null and empty are written as nothing.</summary>
    public void Field(ReadOnlySpan<char> value)
    {
        Separator();
        if (value.IsEmpty)
        {
            return;
        }

        if (value.IndexOfAny(",\"\r\n") < 0)
        {
            Text(value);
            return;
        }

        Byte((byte)'"');
        foreach (var part in value.Split('"'))
        {
            if (part.Start.Value > 0)
            {
                Text("\"\"");
            }

            Text(value[part]);
        }

        Byte((byte)'"');
    }

    /// <summary>A text field.</summary>
    public void Field(string? value) => Field(value.AsSpan());

    /// <summary>A whole number.</summary>
    public void Field(long value)
    {
        Separator();
        var room = Room(24);
        Utf8Formatter.TryFormat(value, room, out var n);
        _used += n;
    }

    /// <summary>An amount in minor units as a decimal with <paramref name="minorDigits"/> places (<c>-12.50</c>).</summary>
    public void Amount(long minor, int minorDigits)
    {
        Separator();
        var room = Room(48);
        var n = 0;
        if (minor < 0)
        {
            room[n++] = (byte)'-';
        }

        var abs = minor < 0 ? (ulong)(-(minor + 1)) + 1 : (ulong)minor;
        ulong scale = 1;
        for (var i = 0; i < minorDigits; i++)
        {
            scale *= 10;
        }

        Utf8Formatter.TryFormat(abs / scale, room[n..], out var w);
        n += w;
        if (minorDigits > 0)
        {
            room[n++] = (byte)'.';
            Utf8Formatter.TryFormat(abs % scale, room[n..], out w, new StandardFormat('D', (byte)minorDigits));
            n += w;
        }

        _used += n;
    }

    /// <summary>A score in [0, 1] with three decimals (<c>0.875</c>).</summary>
    public void Score(double value) => Amount((long)Math.Round(value * 1000), 3);

    /// <summary>Ends the row.</summary>
    public void EndRow()
    {
        Byte((byte)'\n');
        _rowStarted = false;
    }

    private void Separator()
    {
        if (_rowStarted)
        {
            Byte((byte)',');
        }

        _rowStarted = true;
    }

    private void Text(ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > _buffer.Length / 2)
        {
            Flush();
            _stream.Write(Encoding.UTF8.GetBytes(text.ToArray()));
            return;
        }

        var room = Room(max);
        _used += Encoding.UTF8.GetBytes(text, room);
    }

    private void Byte(byte b)
    {
        var room = Room(1);
        room[0] = b;
        _used++;
    }

    private Span<byte> Room(int size)
    {
        if (_buffer.Length - _used < size)
        {
            Flush();
        }

        return _buffer.AsSpan(_used);
    }

    /// <summary>Writes what is buffered.</summary>
    public void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Flush();
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
