using System.Globalization;
using System.Text;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Camt;

public sealed class CamtPropertyTests
{
    [Property(MaxTest = 200, Replay = "(20261123,12345)")]
    public Property ReadEntries_WrittenStatement_GivesBackTheSameEntries(int seed)
    {
        var model = CamtWriter.Random(seed);
        var bytes = CamtWriter.Write(model);
        var entries = CamtReader.ReadEntries(new MemoryStream(bytes), "p.xml", new CamtReaderOptions(), null).ToList();

        Assert.Equal(model.Entries.Count, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var want = model.Entries[i];
            var got = entries[i];
            Assert.Equal(
                (want.Amount, want.Currency.Code, want.Direction, want.Status, want.Reversal, want.AccountServicerRef, want.EntryRef, (DateOnly?)want.BookingDate),
                (got.AmountMinor, got.Currency.Code, got.Direction, got.StatusCode, got.IsReversal, got.AccountServicerRef, got.EntryRef, got.BookingDate));
            Assert.Equal(model.Notification ? CamtMessageKind.Notification : CamtMessageKind.Statement, got.Statement.Kind);
            Assert.Equal(want.Details.Count, got.Transactions.Count);
            for (var d = 0; d < want.Details.Count; d++)
            {
                var wd = want.Details[d];
                var gd = got.Transactions[d];
                Assert.Equal(
                    (wd.AccountServicerRef, wd.EndToEndId, wd.Amount, wd.Direction, wd.DebtorName, wd.UltimateDebtorName, wd.DebtorIban),
                    (gd.AccountServicerRef, gd.EndToEndId, (gd.Amount ?? gd.TransactionAmount)!.Value.Minor, gd.Direction, gd.DebtorName, gd.UltimateDebtorName, gd.DebtorAccount));
                Assert.Equal(wd.Unstructured, gd.Unstructured);
                Assert.Equal(wd.Documents, gd.Documents.Select(doc => (doc.Number, doc.TypeCode!, doc.RemittedMinor)));
            }
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 200, Replay = "(4242,777)")]
    public Property Read_WrittenStatement_MapsByTheContract(int seed)
    {
        var model = CamtWriter.Random(seed);
        var warnings = new List<ParseWarning>();
        var read = CamtReader.Read(new MemoryStream(CamtWriter.Write(model)), "p.xml", new CamtReaderOptions(), warnings).ToList();

        var expected = new List<(string Ref, Direction Direction, long Amount, bool IsPayment)>();
        for (var n = 0; n < model.Entries.Count; n++)
        {
            var entry = model.Entries[n];
            var entryRef = entry.AccountServicerRef ?? entry.EntryRef ?? string.Create(CultureInfo.InvariantCulture, $"S-1/{n + 1}");
            bool Paying(Direction direction) => direction == Direction.Credit && entry.Status == "BOOK" && !entry.Reversal;
            if (entry.Details.Count == 0)
            {
                expected.Add((entryRef + "#1", entry.Direction, entry.Amount, Paying(entry.Direction)));
                continue;
            }

            for (var d = 0; d < entry.Details.Count; d++)
            {
                var detail = entry.Details[d];
                var paymentRef = detail.AccountServicerRef
                    ?? (detail.EndToEndId is { } e2e && e2e != "NOTPROVIDED" ? e2e : null)
                    ?? string.Create(CultureInfo.InvariantCulture, $"{entryRef}#{d + 1}");
                var single = entry.Details.Count == 1;
                var direction = single ? entry.Direction : detail.Direction ?? entry.Direction;
                expected.Add((paymentRef, direction, single ? entry.Amount : detail.Amount, Paying(direction)));
            }
        }

        Assert.Equal(expected, read.Select(t => (t.PaymentRef, t.Direction, t.AmountMinor, t.IsPayment)));
        Assert.DoesNotContain(warnings, w => w.Code == CamtErrorCodes.BatchMismatch);
        return true.ToProperty();
    }

    [Property(MaxTest = 300, Replay = "(99991,31337)")]
    public Property Read_CorruptedDocument_FailsOnlyWithCamtFormatException(int seed, int where, byte what, byte how)
    {
        var bytes = CamtWriter.Write(CamtWriter.Random(seed)).ToList();
        CamtCorruption.Apply(bytes, where, what, how % CamtCorruption.Kinds);

        try
        {
            _ = CamtReader.Read(new MemoryStream(bytes.ToArray()), "c.xml", new CamtReaderOptions(), new List<ParseWarning>()).ToList();
        }
        catch (CamtFormatException ex)
        {
            Assert.False(string.IsNullOrEmpty(ex.ErrorCode));
            Assert.StartsWith("c.xml:", ex.Message, StringComparison.Ordinal);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 200, Replay = "(5,7)")]
    public Property CreditorReference_Encode_DecodesBack(NonEmptyString text)
    {
        var reference = new string(text.Get.Where(char.IsAsciiLetterOrDigit).Take(CreditorReference.MaxReferenceLength).ToArray());
        if (reference.Length == 0)
        {
            return true.ToProperty();
        }

        var encoded = CreditorReference.Encode(reference);
        return (CreditorReference.TryDecode(encoded, out var decoded) && string.Equals(decoded, reference, StringComparison.OrdinalIgnoreCase)).ToProperty();
    }
}
