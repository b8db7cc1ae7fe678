using System.Globalization;
using System.Text;
using CashApp.Fixtures;
using CashApp.Parsers.Lockbox;

namespace CashApp.Benchmarks.Lockbox;

/// <summary>Generates a valid lockbox file in the default layout, deterministic for a size.</summary>
internal static class LockboxBenchmarkFile
{
    private static readonly string[] Names =
    [
        "ACME SUPPLY CO", "LIGHTHOUSE REGIONAL ELEC", "KEYSTONE NETWORKS", "STERLING FOODS", "CANYON ANALYTICS GROUP",
        "LONE MOTORS CO.", "COBALT APPAREL", "", "VANGUARD INTERNATIONAL SYS", "TANGO SERVICES LP",
    ];

    public static byte[] Generate(long targetBytes)
    {
        var random = new Random(42);
        var lockboxes = new List<LockboxModel>();
        long estimate = 0;
        var lockboxNumber = 1_000_000;
        while (estimate < targetBytes)
        {
            var batches = new List<LockboxBatchModel>();
            // At most 9,500 checks of at most $19,000 per lockbox: the default 8 record's lockbox_count has 4 digits
            // and its lockbox_amount 10.
            for (var b = 1; b <= 190 && estimate < targetBytes; b++)
            {
                var checks = new List<LockboxCheckModel>();
                for (var i = 1; i <= 50; i++)
                {
                    var invoices = new (string, long?)[random.Next(0, 5)];
                    for (var k = 0; k < invoices.Length; k++)
                    {
                        invoices[k] = ("INV" + random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture), random.Next(4) == 0 ? null : random.Next(100, 9_999_999));
                    }

                    checks.Add(new LockboxCheckModel(
                        i.ToString("000", CultureInfo.InvariantCulture),
                        random.Next(100, 1_900_000),
                        random.Next(10_000_000, 999_999_999).ToString("000000000", CultureInfo.InvariantCulture),
                        random.NextInt64(1_000_000, 99_999_999_999).ToString(CultureInfo.InvariantCulture),
                        random.Next(1000, 99999).ToString(CultureInfo.InvariantCulture),
                        Names[random.Next(Names.Length)],
                        invoices));
                    estimate += 81 * (1 + invoices.Length);
                }

                batches.Add(new LockboxBatchModel(b.ToString("000", CultureInfo.InvariantCulture), checks));
                estimate += 162;
            }

            lockboxes.Add(new LockboxModel((lockboxNumber++).ToString(CultureInfo.InvariantCulture), new DateOnly(2026, 11, 20), batches));
        }

        return Encoding.ASCII.GetBytes(LockboxWriter.Write(LockboxLayout.Default, lockboxes, new LockboxWriterOptions { NewLine = "\n" }));
    }
}

/// <summary>
/// The hand-written baseline: what a first lockbox reader looks like (lines as strings, Substring per field, no
/// control totals). It only sums the check amounts and counts invoice lines.
/// </summary>
#pragma warning disable CA1846 // The baseline is deliberately the string-per-field reader the span reader is measured against.
internal static class NaiveLockboxReader
{
    public static long Read(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.ASCII);
        long total = 0;
        var invoices = 0;
        string? line;
        string lockbox = string.Empty;
        while ((line = reader.ReadLine()) is not null)
        {
            line = line.PadRight(80);
            switch (line[0])
            {
                case '5':
                    lockbox = line.Substring(7, 7).Trim();
                    break;
                case '6':
                    var reference = lockbox + "-" + line.Substring(1, 3).Trim() + "-" + line.Substring(4, 3).Trim();
                    total += long.Parse(line.Substring(7, 10), CultureInfo.InvariantCulture) + (reference.Length & 0);
                    _ = line.Substring(50, 30).Trim();
                    _ = line.Substring(17, 9).Trim() + ":" + line.Substring(26, 14).Trim();
                    break;
                case '4':
                    if (line.Substring(11, 20).Trim().Length > 0)
                    {
                        invoices++;
                    }

                    break;
            }
        }

        return total + invoices;
    }
}
#pragma warning restore CA1846
