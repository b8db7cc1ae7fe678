using System.Globalization;
using System.Text;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>A BAI2 file as a test model: what a writer renders and a reader must give back.</summary>
internal sealed record TestFile(string Sender, string Receiver, DateOnly Created, IReadOnlyList<TestGroup> Groups)
{
    public override string ToString() => $"{Groups.Count} groups, {Groups.Sum(g => g.Accounts.Sum(a => a.Details.Count))} details";
}

internal sealed record TestGroup(string Originator, DateOnly AsOf, string? Currency, IReadOnlyList<TestAccount> Accounts);

internal sealed record TestAccount(string Number, string? Currency, IReadOnlyList<TestSummary> Summaries, IReadOnlyList<TestDetail> Details);

/// <summary>A summary; <see cref="Funds"/> is the funds type with its fields as written ("V,260101,1200").</summary>
internal sealed record TestSummary(int Type, long? Amount, int? Count, string Funds);

internal sealed record TestDetail(int Type, long Amount, string Funds, string BankRef, string CustomerRef, string Text);

/// <summary>Renders a <see cref="TestFile"/> as BAI2, with trailers computed and long records continued on 88s.</summary>
internal static class Bai2TestWriter
{
    public static byte[] Render(TestFile file, int width = 80, string newLine = "\n", bool finalNewLine = true)
    {
        var lines = new List<string> { $"01,{file.Sender},{file.Receiver},{file.Created:yyMMdd},0600,1,,,2/" };
        long fileTotal = 0;
        foreach (var group in file.Groups)
        {
            var groupLines = Split($"02,,{group.Originator},1,{group.AsOf:yyMMdd},,{group.Currency},2", width);
            long groupTotal = 0;
            foreach (var account in group.Accounts)
            {
                var fields = new List<string> { account.Number, account.Currency ?? string.Empty };
                long accountTotal = 0;
                foreach (var s in account.Summaries)
                {
                    fields.Add(s.Type.ToString("D3", CultureInfo.InvariantCulture));
                    fields.Add(s.Amount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                    fields.Add(s.Count?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                    fields.Add(s.Funds);
                    accountTotal += s.Amount ?? 0;
                }

                var accountLines = Split("03," + string.Join(",", fields), width);
                foreach (var d in account.Details)
                {
                    accountLines.AddRange(Detail(d, width));
                    accountTotal += d.Amount;
                }

                accountLines.Add($"49,{accountTotal},{accountLines.Count + 1}/");
                groupLines.AddRange(accountLines);
                groupTotal += accountTotal;
            }

            groupLines.Add($"98,{groupTotal},{group.Accounts.Count},{groupLines.Count + 1}/");
            lines.AddRange(groupLines);
            fileTotal += groupTotal;
        }

        lines.Add($"99,{fileTotal},{file.Groups.Count},{lines.Count + 1}/");
        var text = string.Join(newLine, lines) + (finalNewLine ? newLine : string.Empty);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>A field record, continued on 88s between fields when longer than <paramref name="width"/>.</summary>
    private static List<string> Split(string record, int width)
    {
        var fields = record.Split(',');
        var lines = new List<string>();
        var current = new StringBuilder(fields[0]);
        foreach (var field in fields.Skip(1))
        {
            if (current.Length + field.Length + 2 > width && current.Length > 3)
            {
                lines.Add(current + "/");
                current.Clear().Append("88");
            }

            current.Append(',').Append(field);
        }

        lines.Add(current + "/");
        return lines;
    }

    /// <summary>A 16 record; its text goes on in 88s, cut anywhere except right after a '/'.</summary>
    private static List<string> Detail(TestDetail d, int width)
    {
        // The fields, continued between fields if long; the last line then ends with ',' and the text starts there.
        var lines = Split($"16,{d.Type:D3},{d.Amount},{d.Funds},{d.BankRef},{d.CustomerRef}", width);
        var last = lines[^1][..^1] + ",";
        var room = width - last.Length;
        if (d.Text.Length == 0 || room < 1)
        {
            // No text on this line: a text that is only '/' is empty.
            lines[^1] = last + "/";
            lines.AddRange(TextPieces(d.Text, width, "88,"));
            return lines;
        }

        var cut = CutAt(d.Text, room);
        lines[^1] = last + d.Text[..cut];
        lines.AddRange(TextPieces(d.Text[cut..], width, "88,"));
        return lines;
    }

    private static IEnumerable<string> TextPieces(string text, int width, string head)
    {
        while (text.Length > 0)
        {
            var cut = CutAt(text, Math.Max(1, width - head.Length));
            yield return head + text[..cut];
            text = text[cut..];
        }
    }

    /// <summary>Where to cut: at most <paramref name="room"/>, never leaving a piece whose last non-space is '/'.</summary>
    private static int CutAt(string text, int room)
    {
        if (text.Length <= room)
        {
            return text.Length;
        }

        var cut = room;
        while (cut > 1 && text[..cut].TrimEnd(' ').EndsWith('/'))
        {
            cut--;
        }

        return text[..cut].TrimEnd(' ').EndsWith('/') ? text.Length : cut;
    }
}
