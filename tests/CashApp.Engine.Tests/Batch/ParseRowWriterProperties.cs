using System.Globalization;
using System.Text;
using CashApp.Engine.Output;
using CashApp.Grpc.Cli;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp parse</c> writes its rows as UTF-8 straight from the transactions; the bytes must be those of the rows
/// made as strings and written through <see cref="CsvOut"/> (Sylvan) and a UTF-8 <see cref="StreamWriter"/>, the way
/// it wrote them before: every field that needs quotes, '#' first, non-ASCII, broken surrogates, amounts in every
/// currency's decimals.
/// </summary>
public sealed class ParseRowWriterProperties
{
    private static readonly Gen<string?> Texts =
        Gen.Choose(0, 9).SelectMany(length => Gen.ArrayOf(
                Gen.Elements('a', 'Z', '7', ' ', ',', '"', '\r', '\n', '#', '|', '=', '-', '.', 'é', 'Ł', '株', '\uD83D', '\uDE00', '\t'),
                length)
            .Select(chars => new string(chars)))
        .SelectMany(text => Gen.Elements<string?>(text, text, text, null));

    /// <summary>
    /// Fields of up to 40 chars, mostly ASCII letters and digits, now and then one char that is not ASCII or needs quotes
    /// anywhere in them: the writer copies ASCII fields eight chars at a time and must stop at such a char in any block.
    /// </summary>
    private static readonly Gen<string?> LongTexts =
        Gen.Choose(0, 40).SelectMany(length => Gen.ArrayOf(
                Gen.Frequency(
                    (40, Gen.Elements('a', 'Z', '7', ' ', '-', '.', '#', '\u007F')),
                    (1, Gen.Elements(',', '"', '\r', '\n', 'é', '\u0080', '株', '\uD83D', '\uDE00'))),
                length)
            .Select(chars => new string(chars)))
        .SelectMany(text => Gen.Elements<string?>(text, text, text, null));

    private static readonly Gen<long> Amounts = Gen.OneOf(
        Gen.Choose(-100_000, 100_000).Select(i => (long)i),
        Gen.Choose(int.MinValue, int.MaxValue).Zip(Gen.Choose(0, int.MaxValue)).Select(p => ((long)p.Item1 << 31) | (long)p.Item2),
        Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L));

    private static readonly Gen<BankTransaction> Transactions = TransactionsOf(Texts);

    private static Gen<RemittanceLine> LinesOf(Gen<string?> texts) =>
        from reference in texts
        from amount in Amounts
        from hasAmount in Gen.Elements(true, false)
        select new RemittanceLine(reference ?? string.Empty, hasAmount ? amount : null);

    private static Gen<BankTransaction> TransactionsOf(Gen<string?> texts) =>
        from paymentRef in texts
        from amount in Amounts
        from currency in Gen.Elements("USD", "JPY", "BHD", "EUR", "ZZZ", "usd", string.Empty)
        from format in Gen.Elements(Enum.GetValues<BankFileFormat>())
        from line in Gen.Choose(0, int.MaxValue)
        from isPayment in Gen.Elements(true, false)
        from credit in Gen.Elements(true, false)
        from typeCode in texts
        from day in Gen.Choose(-1, 3_000_000)
        from names in Gen.ArrayOf(texts, 4)
        from lines in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(LinesOf(texts), n))
        select new BankTransaction
        {
            PaymentRef = paymentRef ?? string.Empty,
            Direction = credit ? Direction.Credit : Direction.Debit,
            AmountMinor = amount,
            Currency = currency,
            Format = format,
            SourceFile = "f",
            LineNumber = line,
            IsPayment = isPayment,
            TypeCode = typeCode,
            ValueDate = day < 0 ? null : DateOnly.FromDayNumber(day),
            PayerName = names[0],
            PayerAccount = names[1],
            PayerId = names[2],
            FreeText = names[3],
            Remittance = lines,
        };

    [Property(MaxTest = 500, Replay = "(41,43)")]
    public Property Rows_AreTheBytesCsvOutWritesForTheStringRows() =>
        Prop.ForAll(Gen.ListOf(Transactions).ToArbitrary(), Gen.Choose(1, 80).ToArbitrary(), AreTheBytesCsvOutWrites);

    [Property(MaxTest = 500)]
    public Property Rows_OfLongMostlyAsciiFields_AreTheBytesCsvOutWritesForTheStringRows() =>
        Prop.ForAll(Gen.ListOf(TransactionsOf(LongTexts)).ToArbitrary(), Gen.Choose(1, 80).ToArbitrary(), AreTheBytesCsvOutWrites);

    private static Property AreTheBytesCsvOutWrites(IList<BankTransaction> transactions, int bufferSize)
    {
        using var expected = new MemoryStream();
        using (var text = new StreamWriter(expected, new UTF8Encoding(false), 1 << 10, leaveOpen: true))
        {
            CsvOut.Write(text, ParseCommand.Columns, transactions.Select(ParseRowWriter.StringRow));
        }

        using var actual = new MemoryStream();
        var writer = new ParseRowWriter(actual, bufferSize);
        writer.WriteHeader(ParseCommand.Columns);
        foreach (var t in transactions)
        {
            writer.Write(t);
        }

        writer.Flush();
        return expected.ToArray().AsSpan().SequenceEqual(actual.ToArray())
            .Label(Encoding.UTF8.GetString(expected.ToArray()) + "\n---\n" + Encoding.UTF8.GetString(actual.ToArray()));
    }

    /// <summary>
    /// A writer that gives its filled chunks to a <see cref="SpooledBytes"/> (the parse's rows) writes the bytes of one
    /// that copies its buffer into a stream, whatever the chunk size: fields that do not fit the rest of a chunk, or
    /// are longer than a whole chunk, included.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property Rows_GivenToASpoolInChunks_AreTheBytesWrittenToAStream() =>
        Prop.ForAll(
            Gen.ListOf(Transactions).ToArbitrary(),
            Gen.Choose(1, 80).ToArbitrary(),
            (transactions, chunkSize) =>
            {
                using var expected = new MemoryStream();
                var streamed = new ParseRowWriter(expected, 1 << 16);
                var spool = new SpooledBytes(chunkSize);
                var spooled = new ParseRowWriter(spool);
                streamed.WriteHeader(ParseCommand.Columns);
                spooled.WriteHeader(ParseCommand.Columns);
                foreach (var t in transactions)
                {
                    streamed.Write(t);
                    spooled.Write(t);
                }

                streamed.Flush();
                spooled.Flush();
                using var actual = new MemoryStream();
                spool.CopyTo(actual);
                return (expected.ToArray().AsSpan().SequenceEqual(actual.ToArray()) && spool.Length == actual.Length)
                    .Label(Encoding.UTF8.GetString(expected.ToArray()) + "\n---\n" + Encoding.UTF8.GetString(actual.ToArray()));
            });

    /// <summary>
    /// Spools that share a pool of chunks, as the parts of a parse do: the chunks one spool wrote out and gave back are
    /// filled again by the next, which writes its own rows and none of the earlier bytes left in them, and what the
    /// first wrote out stays as it was written. Chunks of 48 bytes or more, the most any of a row's first values asks
    /// for at once, so that a spool that wrote a row gives chunks back (smaller ones may all be made to measure).
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Rows_OfSpoolsSharingAPool_AreEachTheirOwn() =>
        Prop.ForAll(
            Gen.ListOf(Transactions).ToArbitrary(),
            Gen.ListOf(Transactions).ToArbitrary(),
            Gen.Choose(48, 200).ToArbitrary(),
            (first, second, chunkSize) =>
            {
                var pool = new System.Collections.Concurrent.ConcurrentStack<byte[]>();
                using var firstOut = new MemoryStream();
                using var secondOut = new MemoryStream();
                SpoolRows(first, new SpooledBytes(chunkSize, pool)).MoveTo(firstOut);
                var pooled = pool.Count;
                SpoolRows(second, new SpooledBytes(chunkSize, pool)).MoveTo(secondOut);
                return (firstOut.ToArray().AsSpan().SequenceEqual(StreamedRows(first))
                        && secondOut.ToArray().AsSpan().SequenceEqual(StreamedRows(second))
                        && (first.Count == 0 || pooled > 0))
                    .Label($"chunks pooled after the first spool: {pooled}, chunk size {chunkSize}");
            });

    private static SpooledBytes SpoolRows(IEnumerable<BankTransaction> transactions, SpooledBytes spool)
    {
        var writer = new ParseRowWriter(spool);
        foreach (var t in transactions)
        {
            writer.Write(t);
        }

        writer.Flush();
        return spool;
    }

    private static byte[] StreamedRows(IEnumerable<BankTransaction> transactions)
    {
        using var output = new MemoryStream();
        var writer = new ParseRowWriter(output, 1 << 16);
        foreach (var t in transactions)
        {
            writer.Write(t);
        }

        writer.Flush();
        return output.ToArray();
    }
}
