using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>
/// A large file's XML is read on a thread of its own (<see cref="CamtReadAhead"/>): the caller must see exactly what the
/// one-thread read gives, valid file or not.
/// </summary>
public sealed partial class CamtReadAheadTests
{
    [Property(MaxTest = 300, Replay = "(20261204,4711)")]
    public Property Read_OnTwoThreads_GivesWhatOneThreadGives(int seed, int where, byte what, byte how, byte size)
    {
        var bytes = Document(seed, where, what, how, size);

        var one = Outcome(bytes, readAheadMinBytes: 0);
        var two = Outcome(bytes, readAheadMinBytes: 1);

        Assert.Equal(one.Transactions, two.Transactions);
        Assert.Equal(one.Warnings, two.Warnings);
        Assert.Equal(one.Error, two.Error);
        return true.ToProperty();
    }

    /// <summary>
    /// <c>cashapp parse</c> reads camt without <see cref="BankTransaction.Extra"/> (its columns never show it): every other
    /// field, warning and error is the same, on one thread and two, and Extra is what the other read leaves out.
    /// </summary>
    [Property(MaxTest = 200, Replay = "(20261205,5319)")]
    public Property Read_WithoutExtra_GivesEverythingButExtra(int seed, int where, byte what, byte how, byte size)
    {
        var bytes = Document(seed, where, what, how, size);

        foreach (var readAheadMinBytes in new long[] { 0, 1 })
        {
            var with = Outcome(bytes, readAheadMinBytes, withoutExtra: false);
            var without = Outcome(bytes, readAheadMinBytes, withoutExtra: true);

            Assert.Equal(with.Transactions.Select(t => t.WithoutExtra), without.Transactions.Select(t => t.WithoutExtra));
            Assert.All(without.Transactions, t => Assert.Equal("{}", t.Extra));
            Assert.Equal(with.Warnings, without.Warnings);
            Assert.Equal(with.Error, without.Error);
        }

        return true.ToProperty();
    }

    [Fact]
    public void Read_WithoutExtra_LeavesOutWhatTheReadWithExtraHas()
    {
        var bytes = CamtWriter.Write(WithEntries(7));

        var with = Outcome(bytes, readAheadMinBytes: 1, withoutExtra: false);
        var without = Outcome(bytes, readAheadMinBytes: 1, withoutExtra: true);

        Assert.NotEmpty(with.Transactions);
        Assert.All(with.Transactions, t => Assert.NotEqual("{}", t.Extra));
        Assert.Equal(with.Transactions.Count, without.Transactions.Count);
    }

    [Fact]
    public void Read_ManyBlocksFailingLate_GivesEveryTransactionBeforeTheSameError()
    {
        var model = WithEntries(7);
        var many = model with { Entries = [.. Enumerable.Range(0, 2000).Select(i => model.Entries[i % model.Entries.Count])] };
        var xml = Encoding.UTF8.GetString(CamtWriter.Write(many));
        var last = xml.LastIndexOf("Ntry>", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(xml.Insert(last, "<"));

        var one = Outcome(bytes, readAheadMinBytes: 0);
        var two = Outcome(bytes, readAheadMinBytes: 1);

        Assert.NotNull(one.Error);
        Assert.True(one.Transactions.Count > 1000);
        Assert.Equal(one.Transactions, two.Transactions);
        Assert.Equal(one.Warnings, two.Warnings);
        Assert.Equal(one.Error, two.Error);
    }

    [Fact]
    public void Read_StoppedEarly_StopsTheReadingThread()
    {
        var model = WithEntries(11);
        var many = model with { Entries = [.. Enumerable.Range(0, 3000).Select(i => model.Entries[i % model.Entries.Count])] };
        using var stream = new MemoryStream(CamtWriter.Write(many));

        var first = CamtReader.Read(stream, "c.xml", new CamtReaderOptions { ReadAheadMinBytes = 1 }, null).Take(3).ToList();

        // Disposing the enumerator stopped and joined the reading thread, which was blocks ahead.
        Assert.Equal(3, first.Count);
    }

    private static StatementModel WithEntries(int seed)
    {
        var model = CamtWriter.Random(seed);
        while (model.Entries.Count == 0)
        {
            model = CamtWriter.Random(++seed);
        }

        return model;
    }

    /// <summary>
    /// A random statement, at times many times longer (past one block of entries), with a header element after its
    /// entries (the reading thread must not change the statement an entry already handed out names), at times corrupted.
    /// </summary>
    private static byte[] Document(int seed, int where, byte what, byte how, byte size)
    {
        var model = CamtWriter.Random(seed);
        if (size % 3 == 0 && model.Entries.Count > 0)
        {
            model = model with { Entries = [.. Enumerable.Range(0, 300 + size).Select(i => model.Entries[i % model.Entries.Count])] };
        }

        var xml = Encoding.UTF8.GetString(CamtWriter.Write(model));
        if (what % 2 == 0)
        {
            // A late statement Id: entries without references are named after the statement Id, so it shows in the output.
            var id = StatementId().Match(xml);
            var end = StatementEnd().Match(xml);
            if (id.Success && end.Success)
            {
                xml = xml.Insert(end.Index, id.Value.Replace("S-1", "S-LATE", StringComparison.Ordinal));
            }
        }

        var bytes = Encoding.UTF8.GetBytes(xml).ToList();
        // One kind more than the corruptions: a document left valid.
        if (how % (CamtCorruption.Kinds + 1) < CamtCorruption.Kinds)
        {
            CamtCorruption.Apply(bytes, where, what, how % (CamtCorruption.Kinds + 1));
        }

        return [.. bytes];
    }

    private static (List<string> Transactions, List<ParseWarning> Warnings, string? Error) Outcome(byte[] bytes, long readAheadMinBytes)
    {
        var (transactions, warnings, error) = Outcome(bytes, readAheadMinBytes, withoutExtra: false);
        return ([.. transactions.Select(t => t.Whole)], warnings, error);
    }

    /// <summary>Each transaction as JSON whole, without its Extra, and its Extra alone.</summary>
    private static (List<(string Whole, string WithoutExtra, string Extra)> Transactions, List<ParseWarning> Warnings, string? Error) Outcome(byte[] bytes, long readAheadMinBytes, bool withoutExtra)
    {
        var transactions = new List<(string, string, string)>();
        var warnings = new List<ParseWarning>();
        string? error = null;
        try
        {
            foreach (var transaction in CamtReader.Read(new MemoryStream(bytes), "c.xml", new CamtReaderOptions { ReadAheadMinBytes = readAheadMinBytes, WithoutExtra = withoutExtra }, warnings))
            {
                transactions.Add((
                    JsonSerializer.Serialize(transaction),
                    JsonSerializer.Serialize(transaction with { Extra = new Dictionary<string, string>() }),
                    JsonSerializer.Serialize(transaction.Extra)));
            }
        }
        catch (CamtFormatException ex)
        {
            error = $"{ex.ErrorCode}|{ex.LineNumber}|{ex.LinePosition}|{ex.ElementPath}|{ex.Value}|{ex.Message}";
        }

        return (transactions, warnings, error);
    }

    [GeneratedRegex(@"<(\w+:)?Id>S-1</(\w+:)?Id>")]
    private static partial Regex StatementId();

    [GeneratedRegex(@"</(\w+:)?(Stmt|Ntfctn)>")]
    private static partial Regex StatementEnd();
}
