using System.Buffers;
using System.Globalization;
using System.Text;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>Drives <see cref="Bai2RecordReader"/> over bytes as a pipe would, and dumps what it read as text.</summary>
internal static class Bai2Harness
{
    /// <summary>
    /// Reads <paramref name="data"/> as two segments split at <paramref name="split"/>, each held in a larger array
    /// with guard bytes around it. With <paramref name="incremental"/> the second segment arrives only after the
    /// reader asked for more, as from a pipe; otherwise both are there from the start. Returns one line per record.
    /// </summary>
    public static List<string> ReadAll(byte[] data, int split, bool incremental, Bai2ReaderOptions options, ICollection<ParseWarning>? warnings = null)
    {
        var reader = new Bai2RecordReader("test.bai2", options, warnings);
        var first = Guarded(data.AsMemory(0, split));
        var second = Guarded(data.AsMemory(split));
        var dump = new List<string>();
        if (!incremental)
        {
            var all = Segments.Create(first, second);
            var sequence = new SequenceReader<byte>(all);
            Drain(reader, ref sequence, true, dump);
            if (!sequence.End)
            {
                throw new InvalidOperationException($"Framing left {sequence.Remaining} bytes unread.");
            }

            return dump;
        }

        var pending = Segments.Create(first);
        var reader1 = new SequenceReader<byte>(pending);
        Drain(reader1: ref reader1, reader: reader, isFinal: second.Length == 0, dump: dump);
        var rest = pending.Slice(reader1.Position);
        var combined = rest.IsEmpty ? Segments.Create(second) : Segments.Create(rest.ToArray(), second);
        var reader2 = new SequenceReader<byte>(combined);
        Drain(reader, ref reader2, true, dump);
        if (!reader2.End)
        {
            throw new InvalidOperationException($"Framing left {reader2.Remaining} bytes unread.");
        }

        return dump;
    }

    private static void Drain(Bai2RecordReader reader, ref SequenceReader<byte> reader1, bool isFinal, List<string> dump)
    {
        while (true)
        {
            var status = reader.Read(ref reader1, isFinal);
            if (status != Bai2ReadStatus.Record)
            {
                if (isFinal && status != Bai2ReadStatus.EndOfFile)
                {
                    throw new InvalidOperationException("A final block ended without EndOfFile.");
                }

                return;
            }

            dump.Add(Dump(reader));
        }
    }

    private static ReadOnlyMemory<byte> Guarded(ReadOnlyMemory<byte> payload)
    {
        // The payload sits inside junk that a reader reaching past its slice would read.
        var buffer = new byte[payload.Length + 16];
        buffer.AsSpan().Fill((byte)'#');
        payload.CopyTo(buffer.AsMemory(8));
        return buffer.AsMemory(8, payload.Length);
    }

    /// <summary>One line describing the current record.</summary>
    public static string Dump(Bai2RecordReader reader) => reader.RecordCode switch
    {
        Bai2RecordCode.FileHeader => $"01|{reader.LineNumber}|{reader.FileHeader}",
        Bai2RecordCode.GroupHeader => $"02|{reader.LineNumber}|{reader.GroupHeader}",
        Bai2RecordCode.AccountIdentifier => $"03|{reader.LineNumber}|{reader.AccountNumber}|{reader.Currency}|{string.Join(";", reader.Summaries.ToArray().Select(Summary))}",
        Bai2RecordCode.TransactionDetail => $"16|{reader.LineNumber}|{reader.TypeCode}|{reader.Amount}|{reader.Currency}|{Funds(reader.Availability)}|{Text(reader.BankReference)}|{Text(reader.CustomerReference)}|{Text(reader.Text)}",
        _ => $"{(int)reader.RecordCode}|{reader.LineNumber}|{reader.Amount}|{reader.TrailerItemCount}|{reader.TrailerRecordCount}",
    };

    public static string Summary(Bai2AccountSummary s) => $"{s.TypeCode},{s.Amount},{s.ItemCount},{Funds(s.Availability)}";

    /// <summary>The funds type and its fields as the file writes them ("V,260101,1200", "S,1,2,3", "D,1,0,100").</summary>
    public static string Funds(Bai2Availability a) => a.FundsType switch
    {
        Bai2FundsType.NotGiven => string.Empty,
        Bai2FundsType.Immediate => "0",
        Bai2FundsType.OneDay => "1",
        Bai2FundsType.TwoOrMoreDays => "2",
        Bai2FundsType.Unknown => "Z",
        Bai2FundsType.ValueDated => $"V,{a.ValueDate:yyMMdd},{(a.ValueTime is { } t ? t.ToString("HHmm", CultureInfo.InvariantCulture) : string.Empty)}",
        Bai2FundsType.Distributed => $"S,{a.Immediate},{a.OneDay},{a.TwoOrMoreDays}",
        _ => "D," + a.Distributions.Count.ToString(CultureInfo.InvariantCulture) + string.Concat(a.Distributions.Select(d => $",{d.Days},{d.Amount}")),
    };

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Reads a whole file strictly or leniently through the public async API.</summary>
    public static async Task<List<BankTransaction>> ReadTransactionsAsync(byte[] data, Bai2ReaderOptions options, List<ParseWarning>? warnings = null, string fileName = "test.bai2")
    {
        using var stream = new MemoryStream(data);
        var list = new List<BankTransaction>();
        await foreach (var t in Bai2Reader.ReadAsync(stream, fileName, options, warnings))
        {
            list.Add(t);
        }

        return list;
    }

    /// <summary>Transactions as CSV lines, the golden files' form.</summary>
    public static IEnumerable<string> Csv(IEnumerable<BankTransaction> transactions)
    {
        yield return "payment_ref,direction,amount,currency,type_code,is_payment,value_date,line,payer_name,payer_id,payer_account,remittance,free_text";
        foreach (var t in transactions)
        {
            var digits = new CurrencyCode(t.Currency).MinorDigits;
            var remittance = string.Join(" | ", t.Remittance.Select(r => $"{r.Kind}:{r.Reference}={(r.AmountMinor is { } a ? MinorUnits.Format(a, digits) : string.Empty)}"));
            string?[] cells =
            [
                t.PaymentRef, t.Direction == Direction.Credit ? "credit" : "debit", MinorUnits.Format(t.AmountMinor, digits), t.Currency,
                t.TypeCode, t.IsPayment ? "true" : "false", t.ValueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                t.LineNumber.ToString(CultureInfo.InvariantCulture), t.PayerName, t.PayerId, t.PayerAccount, remittance, t.FreeText,
            ];
            yield return string.Join(",", cells.Select(Quote));
        }

        static string Quote(string? cell) => cell is null ? string.Empty
            : cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}

/// <summary>A <see cref="ReadOnlySequence{T}"/> built from separate segments.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Create(params ReadOnlyMemory<byte>[] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segments(nonEmpty[0], 0);
        var last = first;
        foreach (var part in nonEmpty.Skip(1))
        {
            var next = new Segments(part, last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
