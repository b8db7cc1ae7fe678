using System.Globalization;
using System.Text;

namespace CashApp.Benchmarks.Bai2;

/// <summary>
/// Writes a large realistic BAI2 file: ACH CCD and CTX credits with RMR addenda, Fedwire credits with OBI, fees,
/// texts continued on 88 records at 80 columns, trailers that reconcile. Deterministic for a seed.
/// </summary>
internal static class Bai2FileGenerator
{
    private static readonly string[] Names = ["HARBOR URBAN HEA", "APEX PREMIER ENE", "VALLEY FOODS INC", "PRAIRIE RETAIL P", "SAGE SOLUTIONS I", "LONE& CANYON PRE", "MAPLE LABS", "PIONEER FREIGHT"];
    private static readonly string[] Banks = ["BANK OF AMERICA", "US BANK NA", "JPMORGAN CHASE BANK", "WELLS FARGO BANK"];

    /// <summary>Writes about <paramref name="targetBytes"/> bytes to <paramref name="path"/>; returns the 16 records written.</summary>
    public static long Write(string path, long targetBytes, int seed = 1)
    {
        var random = new Random(seed);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        var lines = 0L;
        void Line(string text)
        {
            writer.WriteLine(text);
            lines++;
        }

        Line("01,ACMEBANK,YOURCO,261120,0600,1,,,2/");
        Line("02,YOURCO,ACMEBANK,1,261120,0600,USD,2/");
        var groupRecords = 1L;
        var groupTotal = 0L;
        var accounts = 0;
        var details = 0L;
        var reference = 26112000000000L;
        while (stream.Position < targetBytes)
        {
            accounts++;
            var accountLines = new List<string>();
            var accountTotal = 0L;
            for (var i = 0; i < 2000; i++)
            {
                var cents = (long)random.Next(100, 5_000_000);
                var name = Names[random.Next(Names.Length)];
                string code, text;
                switch (random.Next(4))
                {
                    case 0:
                        code = "195";
                        text = $"WIRE TYPE:FED IN DATE:261120 TIME:0915 ET TRN:{reference}FW ORIG:{name} ID:{random.NextInt64(10_000_000, 99_999_999_999)} ORIG BK:{Banks[random.Next(Banks.Length)]} OBI:PAYMENT FOR {random.Next(1_020_000, 1_030_000)}";
                        break;
                    case 1:
                        code = "165";
                        var rmr = string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"RMR*IV*INV-{random.Next(1_020_000, 1_030_000)}*PI*{random.Next(100, 99999)}.{random.Next(100):D2}\\"));
                        text = $"ORIG CO NAME:{name} ORIG ID:{random.NextInt64(1_000_000_000, 9_999_999_999)} DESC DATE:261120 ENTRY DESCR:PAYMENTS SEC:CTX TRACE#:{random.NextInt64(100_000_000_000_000, 999_999_999_999_999)} EED:261120 IND ID:{random.Next(100_000, 999_999)} IND NAME:YOURCO ADDENDA:{rmr}";
                        break;
                    case 2:
                        code = "165";
                        text = $"ORIG CO NAME:{name} ORIG ID:{random.NextInt64(1_000_000_000, 9_999_999_999)} DESC DATE:261120 ENTRY DESCR:PAYMENT SEC:CCD TRACE#:{random.NextInt64(100_000_000_000_000, 999_999_999_999_999)} EED:261120 IND ID:{random.Next(100_000, 999_999)} IND NAME:YOURCO ADDENDA:INVOICES {random.Next(1_020_000, 1_030_000)}";
                        break;
                    default:
                        code = "698";
                        text = "ANALYSIS FEE";
                        break;
                }

                reference++;
                accountLines.AddRange(Split($"16,{code},{cents},{"0Z1"[random.Next(3)]},{reference},,{text}"));
                accountTotal += cents;
                details++;
            }

            Line($"03,{1000000000 + accounts},USD,010,{accountTotal},,,015,0,,/");
            foreach (var l in accountLines)
            {
                Line(l);
            }

            Line($"49,{accountTotal * 2},{accountLines.Count + 2}/");
            groupRecords += accountLines.Count + 2;
            groupTotal += accountTotal * 2;
        }

        Line($"98,{groupTotal},{accounts},{groupRecords + 1}/");
        Line($"99,{groupTotal},1,{lines + 1}/");
        return details;
    }

    /// <summary>Continues a long record on 88s, breaking the text before a space as banks do.</summary>
    private static IEnumerable<string> Split(string record, int width = 80)
    {
        var head = string.Empty;
        while ((head + record).Length > width)
        {
            var room = width - head.Length;
            var cut = record.LastIndexOf(' ', room - 1, room - 1);
            if (cut <= 0)
            {
                cut = room;
            }

            yield return head + record[..cut];
            record = record[cut..];
            head = "88,";
        }

        yield return head + record;
    }

    /// <summary>Formats a number for a column.</summary>
    internal static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
