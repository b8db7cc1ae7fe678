using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Grpc.Cli;

/// <summary>
/// Writes <c>cashapp parse</c>'s rows as UTF-8 CSV straight from each row's values (a <see cref="BankRow"/>: made from a
/// <see cref="BankTransaction"/>, or for a strict BAI2 file read in parts, from the record's text): the bytes
/// <see cref="CashApp.Engine.Output.CsvOut"/> (Sylvan's writer over a UTF-8 <see cref="StreamWriter"/>) writes for
/// the same rows, without a string per amount, line and date, a <c>string[]</c> per row, a <c>DbDataReader</c>
/// call per field and a UTF-16 pass before the encoder. Fields are quoted as Sylvan quotes them: when they hold a
/// comma, a quote, CR or LF, or start with '#'; quotes doubled; null and empty written as nothing; text that is
/// not valid UTF-16 encoded with U+FFFD, as the encoder does. <c>ParseRowsBenchmarks</c> measures it against
/// <c>CsvOut</c> (PERFORMANCE.md, "Parse as a whole process"); a property test holds the bytes equal.
/// Not thread-safe.
/// </summary>
internal sealed class ParseRowWriter
{
    private readonly Stream? output;
    private readonly SpooledBytes? spool;
    private readonly int bufferSize;
    private byte[] buffer;
    private int used;
    private string? currency;
    private int minorDigits;

    /// <summary>Creates a writer that hands <paramref name="output"/> its bytes in blocks of <paramref name="bufferSize"/>.</summary>
    public ParseRowWriter(Stream output, int bufferSize = 1 << 16)
    {
        this.output = output;
        this.bufferSize = bufferSize;
        buffer = new byte[bufferSize];
    }

    /// <summary>
    /// Creates a writer that fills the chunks <paramref name="spool"/> gives and gives each back when it is full (or
    /// when <see cref="Flush"/> is called), then starts a new one: the bytes are not copied again.
    /// </summary>
    public ParseRowWriter(SpooledBytes spool)
    {
        this.spool = spool;
        bufferSize = spool.ChunkSize;

        // The first chunk is taken at the first write, as after a flush: a part without a row holds none.
        buffer = [];
    }

    /// <summary>Writes the header row.</summary>
    public void WriteHeader(IReadOnlyList<string> columns)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                Put((byte)',');
            }

            Text(columns[i]);
        }

        Put((byte)'\n');
    }

    /// <summary>Writes the row of <paramref name="t"/>, in the columns of <see cref="ParseCommand"/>.</summary>
    public void Write(BankTransaction t) => Write(BankRow.Of(t));

    /// <summary>Writes <paramref name="t"/>, a transaction's row, in the columns of <see cref="ParseCommand"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(in BankRow t)
    {
        Text(t.PaymentRef);
        Put((byte)',');
        Ascii(t.Direction == Direction.Credit ? "credit,"u8 : "debit,"u8);
        Amount(t.AmountMinor, t.Currency);
        Put((byte)',');
        Text(t.Currency);
        Put((byte)',');
        Text(MatchCommand.FormatName(t.Format));
        Put((byte)',');
        Ensure(24);
        t.LineNumber.TryFormat(buffer.AsSpan(used), out var written, default, CultureInfo.InvariantCulture);
        used += written;
        Ascii(t.IsPayment ? ",true,"u8 : ",false,"u8);
        Text(t.TypeCode);
        Put((byte)',');
        if (t.ValueDate is { } date)
        {
            Ensure(32);
            date.TryFormat(buffer.AsSpan(used), out written, "O", CultureInfo.InvariantCulture);
            used += written;
        }

        Put((byte)',');
        Text(t.PayerName);
        Put((byte)',');
        Text(t.PayerAccount);
        Put((byte)',');
        Text(t.PayerId);
        Put((byte)',');
        Remittance(t.Remittance, t.Currency);
        Put((byte)',');
        Text(t.FreeText);
        Put((byte)'\n');
    }

    /// <summary>Hands what is buffered to the stream, or the chunk being filled to the spool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Flush()
    {
        if (used == 0)
        {
            return;
        }

        if (spool is null)
        {
            output!.Write(buffer, 0, used);
        }
        else
        {
            // The spool keeps this chunk; the next one is made when something is written.
            spool.Keep(buffer, used);
            buffer = [];
        }

        used = 0;
    }

    /// <summary>
    /// The remittance column, the documents joined as <c>REF=AMOUNT | REF</c>, quoted as the whole joined text would
    /// be: amounts, '=' and " | " never need quotes, so it needs them when a reference does or it starts with '#'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Remittance(BankRowRemittance lines, string currencyCode)
    {
        var count = lines.Count;
        if (count == 0)
        {
            return;
        }

        if (count == 1 && lines.AmountMinor(0) is null)
        {
            Text(lines.Reference(0));
            return;
        }

        var quoted = lines.Reference(0) is ['#', ..];
        for (var i = 0; i < count && !quoted; i++)
        {
            quoted = NeedsQuotes(lines.Reference(i));
        }

        if (quoted)
        {
            Put((byte)'"');
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Ascii(" | "u8);
            }

            if (quoted)
            {
                Doubled(lines.Reference(i));
            }
            else
            {
                Utf16(lines.Reference(i));
            }

            if (lines.AmountMinor(i) is { } amount)
            {
                Put((byte)'=');
                Amount(amount, currencyCode);
            }
        }

        if (quoted)
        {
            Put((byte)'"');
        }
    }

    // As MinorUnits.Format with the currency's digits (the plain number for an unknown code), looked up once per currency.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Amount(long minor, string code)
    {
        if (!string.Equals(code, currency, StringComparison.Ordinal))
        {
            minorDigits = CurrencyCode.TryParse(code, out var parsed) ? parsed.MinorDigits : -1;
            currency = code;
        }

        Ensure(48);
        MinorUnits.TryFormat(minor, minorDigits, buffer.AsSpan(used), out var written);
        used += written;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Text(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        if (value[0] != '#')
        {
            // Most fields are ASCII and need no quotes: each char is its byte, copied in the same pass that looks for
            // a char that is neither (one loop instead of the quote test and a call of the encoder per field).
            Ensure(value.Length);
            ref var to = ref buffer[used];
            var i = AsciiWithoutQuotes(value, ref to);
            for (; i < value.Length; i++)
            {
                var c = value[i];
                if (c >= 0x80 || (c <= ',' && (c == ',' || c == '"' || c == '\r' || c == '\n')))
                {
                    break;
                }

                Unsafe.Add(ref to, i) = (byte)c;
            }

            if (i == value.Length)
            {
                used += i;
                return;
            }

            // What was copied is left behind used and written again below.
            if (!NeedsQuotes(value[i..]))
            {
                Utf16(value);
                return;
            }
        }

        Put((byte)'"');
        Doubled(value);
        Put((byte)'"');
    }

    /// <summary>
    /// Copies <paramref name="value"/>'s chars to <paramref name="to"/> as bytes, eight at a time, while they are ASCII and
    /// none is a comma, quote, CR or LF; returns how many were copied (a multiple of eight: the rest is the caller's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AsciiWithoutQuotes(ReadOnlySpan<char> value, ref byte to)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated && value.Length >= Vector128<ushort>.Count)
        {
            ref var from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(value));
            var comma = Vector128.Create((ushort)',');
            var quote = Vector128.Create((ushort)'"');
            var cr = Vector128.Create((ushort)'\r');
            var lf = Vector128.Create((ushort)'\n');
            var ascii = Vector128.Create((ushort)0x7F);
            for (; i <= value.Length - Vector128<ushort>.Count; i += Vector128<ushort>.Count)
            {
                var chars = Vector128.LoadUnsafe(ref from, (nuint)i);
                var stop = Vector128.Equals(chars, comma) | Vector128.Equals(chars, quote) | Vector128.Equals(chars, cr) | Vector128.Equals(chars, lf) | Vector128.GreaterThan(chars, ascii);
                if (stop != Vector128<ushort>.Zero)
                {
                    break;
                }

                Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, i), Vector128.Narrow(chars, chars).AsUInt64().ToScalar());
            }
        }

        return i;
    }

    // A comma, quote, CR or LF: tested here in the writer's own optimised code rather than
    // through SearchValues' shared generic code, which a short run (a lockbox file reads in under a second) ran in
    // tier 0 (3 % of a lockbox parse's samples). Fields are short; the first test passes over letters and digits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsQuotes(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c <= ',' && (c == ',' || c == '"' || c == '\r' || c == '\n'))
            {
                return true;
            }
        }

        return false;
    }

    // The text with each quote doubled; a quote never splits a surrogate pair.
    private void Doubled(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var quote = text.IndexOf('"');
            if (quote < 0)
            {
                Utf16(text);
                return;
            }

            Utf16(text[..(quote + 1)]);
            Put((byte)'"');
            text = text[(quote + 1)..];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Utf16(ReadOnlySpan<char> text)
    {
        Ensure(text.Length * 3);
        Utf8.FromUtf16(text, buffer.AsSpan(used), out _, out var written, replaceInvalidSequences: true, isFinalBlock: true);
        used += written;
    }

    private void Ascii(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(used));
        used += bytes.Length;
    }

    private void Put(byte b)
    {
        if (used == buffer.Length)
        {
            Ensure(1);
        }

        buffer[used++] = b;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Ensure(int bytes)
    {
        if (buffer.Length - used >= bytes)
        {
            return;
        }

        Flush();
        if (buffer.Length < bytes)
        {
            buffer = spool is not null && bytes <= bufferSize ? spool.NewChunk() : new byte[Math.Max(bytes, bufferSize)];
        }
    }

    /// <summary>
    /// The row as <c>cashapp parse</c> made it before this writer: a string per value, written through
    /// <c>CsvOut</c>. The reference this writer's bytes are held to, by a property test and by its benchmark.
    /// </summary>
    internal static string?[] StringRow(BankTransaction t) =>
    [
        t.PaymentRef,
        t.Direction == Direction.Credit ? "credit" : "debit",
        MatchCommand.Amount(t.AmountMinor, t.Currency),
        t.Currency,
        MatchCommand.FormatName(t.Format),
        t.LineNumber.ToString(CultureInfo.InvariantCulture),
        t.IsPayment ? "true" : "false",
        t.TypeCode,
        t.ValueDate?.ToString("O", CultureInfo.InvariantCulture),
        t.PayerName,
        t.PayerAccount,
        t.PayerId,
        t.Remittance.Count == 1 && t.Remittance[0].AmountMinor is null
            ? t.Remittance[0].Reference
            : string.Join(" | ", t.Remittance.Select(r => r.AmountMinor is { } a ? r.Reference + "=" + MatchCommand.Amount(a, t.Currency) : r.Reference)),
        t.FreeText,
    ];
}
