using System.Globalization;
using CashApp.Parsers.Bai2;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Bai2;

public sealed class Bai2PropertyTests
{
    private static readonly string[] Words = ["INV", "ACH", "PAYMENT", "1022069", "RE:", "ORIG", "ID:", "A1", "CO", "12/31/26", "X-9", "RMR*IV*123*PI*10.00\\", "NTE*ZZZ*HI\\"];
    private static readonly string[] Separators = [" ", ",", "/", "  ", "-", ", "];

    private static Gen<string> Token(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Elements("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".ToCharArray()), n)).Select(c => new string(c));

    private static readonly Gen<string> Text =
        Gen.Choose(0, 14).SelectMany(n => Gen.ArrayOf(Gen.Elements(Words).Zip(Gen.Elements(Separators)), n))
            .Select(parts => string.Concat(parts.Select(p => p.Item1 + p.Item2)).TrimEnd(' ', '/', ',', '-'))
            .Select(t => t.TrimEnd(' ', '/'));

    private static readonly Gen<string> Funds = Gen.OneOf(
        Gen.Elements(string.Empty, "0", "1", "2", "Z"),
        Gen.Choose(0, 2359).Select(t => t % 100 < 60 ? $"V,260315,{t:D4}" : "V,260315,"),
        Gen.Choose(0, 99999).Select(a => $"S,{a},,{a / 2}"),
        Gen.Choose(1, 3).Select(n => "D," + n.ToString(CultureInfo.InvariantCulture) + string.Concat(Enumerable.Range(0, n).Select(i => $",{i},{(i + 1) * 1000}"))));

    private static readonly Gen<TestDetail> Detail =
        from type in Gen.Elements(165, 195, 142, 108, 399, 475, 495, 698, 409)
        from amount in Gen.Choose(0, int.MaxValue).Select(a => (long)a * 7)
        from funds in Funds
        from bankRef in Token(14)
        from customerRef in Token(10)
        from text in Text
        select new TestDetail(type, amount, funds, bankRef, customerRef, text);

    private static readonly Gen<TestSummary> Summary =
        from type in Gen.Elements(10, 15, 40, 45, 100, 400, 190)
        from amount in Gen.Choose(-1_000_000, 1_000_000).Select(a => a % 5 == 0 ? (long?)null : a * 1000L)
        from count in Gen.Choose(-1, 50).Select(c => c < 0 ? (int?)null : c)
        from funds in Funds
        select new TestSummary(type, amount, count, funds);

    private static readonly Gen<TestAccount> Account =
        from number in Gen.Choose(1, int.MaxValue).Select(n => n.ToString(CultureInfo.InvariantCulture))
        from currency in Gen.Elements<string?>(null, "USD", "JPY", "EUR", "BHD")
        from summaries in Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Summary, n))
        from details in Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(Detail, n))
        select new TestAccount(number, currency, summaries.ToList(), details.ToList());

    private static readonly Gen<TestGroup> Group =
        from originator in Token(9).Select(t => "B" + t)
        from currency in Gen.Elements<string?>(null, "USD", "CAD")
        from accounts in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Account, n))
        select new TestGroup(originator, new DateOnly(2026, 3, 14), currency, accounts.ToList());

    internal static readonly Gen<(TestFile File, int Width, string NewLine, bool FinalNewLine)> Files =
        from groups in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Group, n))
        from width in Gen.Choose(30, 120)
        from newLine in Gen.Elements("\n", "\r\n")
        from finalNewLine in Gen.Elements(true, false)
        select (new TestFile("SENDER", "RECEIVER", new DateOnly(2026, 3, 15), groups.ToList()), width, newLine, finalNewLine);

    [Property(MaxTest = 200, Replay = "(20260315,1)")]
    public Property WriteThenRead_RandomValidFile_GivesTheSameRecords() =>
        Prop.ForAll(Arb.From(Files), input =>
        {
            var bytes = Bai2TestWriter.Render(input.File, input.Width, input.NewLine, input.FinalNewLine);
            var read = Bai2Harness.ReadAll(bytes, bytes.Length / 2, incremental: true, new Bai2ReaderOptions());
            var expected = Expected(input.File);
            var actual = read.Where(l => l.StartsWith("03|", StringComparison.Ordinal) || l.StartsWith("16|", StringComparison.Ordinal))
                .Select(l => string.Join("|", l.Split('|').Where((_, i) => i != 1))).ToList();
            return expected.SequenceEqual(actual).Label(string.Join("\n", expected.Zip(actual).Where(p => p.First != p.Second).Take(2).Select(p => p.First + "\n" + p.Second)));
        });

    [Property(MaxTest = 300, Replay = "(4242,3)")]
    public Property Read_RandomCorruption_FailsWithFormatErrorOrKeepsTheTotal() =>
        Prop.ForAll(Arb.From(Files.Zip(Gen.Choose(0, int.MaxValue)).Zip(Gen.Choose(0, 6)).Zip(Gen.Elements(",/\n8-0 1Z9A\r".ToCharArray()))), input =>
        {
            var (((file, seed), kind), insert) = input;
            var valid = Bai2TestWriter.Render(file.File, file.Width, file.NewLine, file.FinalNewLine);
            var corrupt = Corrupt(valid, seed, kind, (byte)insert);
            var original = Sum(Bai2Harness.ReadAll(valid, valid.Length, incremental: false, new Bai2ReaderOptions()));
            try
            {
                var read = Bai2Harness.ReadAll(corrupt, corrupt.Length / 3, incremental: true, new Bai2ReaderOptions());
                return (Sum(read) == original).Label("read a corrupted file with a different total");
            }
            catch (Bai2FormatException)
            {
                return true.ToProperty();
            }
        });

    private static (long Total, int Count) Sum(List<string> dump)
    {
        var details = dump.Where(l => l.StartsWith("16|", StringComparison.Ordinal)).Select(l => long.Parse(l.Split('|')[3], CultureInfo.InvariantCulture)).ToList();
        return (details.Sum(), details.Count);
    }

    internal static byte[] Corrupt(byte[] valid, int seed, int kind, byte insert)
    {
        var random = new Random(seed);
        var at = random.Next(valid.Length);
        var bytes = valid.ToList();
        switch (kind)
        {
            case 0:
                bytes[at] = insert;
                break;
            case 1:
                bytes.RemoveAt(at);
                break;
            case 2:
                bytes.Insert(at, insert);
                break;
            case 3:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 4:
                bytes[at] = (byte)('0' + random.Next(10));
                break;
            default:
                // Drop or repeat a whole line.
                var text = System.Text.Encoding.UTF8.GetString(valid);
                var lines = text.Split('\n').ToList();
                var line = random.Next(lines.Count);
                if (kind == 5)
                {
                    lines.RemoveAt(line);
                }
                else
                {
                    lines.Insert(line, lines[line]);
                }

                return System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines));
        }

        return [.. bytes];
    }

    /// <summary>What the reader's dump of 03 and 16 records must be for a model (line numbers left out).</summary>
    private static List<string> Expected(TestFile file)
    {
        var lines = new List<string>();
        foreach (var group in file.Groups)
        {
            foreach (var account in group.Accounts)
            {
                var currency = account.Currency ?? group.Currency ?? "USD";
                lines.Add($"03|{account.Number}|{currency}|{string.Join(";", account.Summaries.Select(s => $"{s.Type:D3},{s.Amount},{s.Count},{s.Funds}"))}");
                foreach (var d in account.Details)
                {
                    lines.Add($"16|{d.Type:D3}|{d.Amount}|{currency}|{d.Funds}|{d.BankRef}|{d.CustomerRef}|{d.Text}");
                }
            }
        }

        return lines;
    }
}
