using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Parsers.Common;
using CashApp.ScaleGen;

namespace CashApp.Engine.Tests.Scale;

public sealed class ScaleGenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-scalegen").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Generate(string name, long seed = 7, int customers = 300, int payments = 400, double perCustomer = 6.0)
    {
        var output = Path.Combine(_dir, name);
        ScaleDay.Run(new ScaleOptions { OutputDirectory = output, Seed = seed, Customers = customers, Payments = payments, ItemsPerCustomer = perCustomer });
        return output;
    }

    private static string[] Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];

    private static List<Dictionary<string, string>> Rows(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }

    [Fact]
    public void Run_SameSeedAndSize_WritesByteIdenticalFiles()
    {
        var a = Generate("a");
        var b = Generate("b");
        Assert.Equal(Files(a), Files(b));
        Assert.Equal(7, Files(a).Length);
        foreach (var file in Files(a))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, file))), file + " differs");
        }
    }

    [Fact]
    public void Run_OtherSeed_WritesOtherFiles()
    {
        var a = Generate("a", seed: 1);
        var b = Generate("b", seed: 2);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "open_items.csv")), File.ReadAllBytes(Path.Combine(b, "open_items.csv")));
    }

    [Fact]
    public async Task Run_SmallDay_FilesReadBackToTheTruth()
    {
        var day = Generate("day");
        var payments = Rows(Path.Combine(day, "truth", "payments.csv"));
        var applications = Rows(Path.Combine(day, "truth", "applications.csv"));
        Assert.Equal(400, payments.Count);
        Assert.Equal(payments.Count, payments.Select(p => p["payment_ref"]).Distinct(StringComparer.Ordinal).Count());

        var items = ArFiles.ReadOpenItems(Path.Combine(day, "open_items.csv"));
        var customers = ArFiles.ReadCustomers(Path.Combine(day, "customers.csv"));
        Assert.Equal(300, customers.Count);
        Assert.Equal(items.Count, items.Select(i => i.InvoiceNumber).Distinct(StringComparer.Ordinal).Count());
        var po = items.Where(i => i.PoNumber is not null).Select(i => i.PoNumber).ToList();
        Assert.Equal(po.Count, po.Distinct(StringComparer.Ordinal).Count());

        // Every true application names a credit and an item; no item is applied past its open amount.
        var byId = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        var refs = payments.Select(p => p["payment_ref"]).ToHashSet(StringComparer.Ordinal);
        foreach (var group in applications.GroupBy(a => a["item_id"], StringComparer.Ordinal))
        {
            Assert.True(byId.TryGetValue(group.Key, out var item));
            var applied = group.Sum(a => Minor(a["amount"]));
            Assert.True(item.OpenMinor >= 0 ? applied <= item.OpenMinor : applied >= item.OpenMinor);
            Assert.All(group, a => Assert.Contains(a["payment_ref"], refs));
        }

        // Each payment's applications never exceed it; exceptions apply nothing.
        var appliedByRef = applications.GroupBy(a => a["payment_ref"], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(a => Minor(a["amount"])), StringComparer.Ordinal);
        foreach (var p in payments)
        {
            var applied = appliedByRef.GetValueOrDefault(p["payment_ref"]);
            Assert.True(applied <= Minor(p["amount"]));
            if (p["expect"] == "exception")
            {
                Assert.Equal(0, applied);
            }
        }

        // The lockbox file reads back to the checks of the truth, with every control total reconciled.
        var lockbox = await BankFiles.ReadAllAsync(Path.Combine(day, "bank", "day.lockbox.txt"), new BankFileReadOptions());
        var checks = payments.Where(p => p["channel"] == "check").ToDictionary(p => p["payment_ref"], p => Minor(p["amount"]), StringComparer.Ordinal);
        Assert.Equal(checks, lockbox.Transactions.ToDictionary(t => t.PaymentRef, t => t.AmountMinor, StringComparer.Ordinal));

        // BAI2 and camt: one credit per truth row of their channels.
        var bai2 = File.ReadAllLines(Path.Combine(day, "bank", "day.bai2"));
        var credits16 = bai2.Where(l => l.StartsWith("16,", StringComparison.Ordinal) && !l.StartsWith("16,698,", StringComparison.Ordinal)).Select(l => l.Split(',')[4]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(payments.Where(p => p["channel"] is "ach_ctx" or "ach_ccd" or "wire").Select(p => p["payment_ref"]).ToHashSet(StringComparer.Ordinal), credits16);
        var camt = File.ReadAllText(Path.Combine(day, "bank", "day.camt053.xml"));
        Assert.Equal(payments.Count(p => p["channel"] == "sepa"), camt.Split("<TxDtls>").Length - 1);
    }

    [Fact]
    public void Run_ManyCustomers_NamesStayUniqueWithPlaceQualifiers()
    {
        var day = Generate("many", customers: 6000, payments: 50, perCustomer: 1);
        var names = ArFiles.ReadCustomers(Path.Combine(day, "customers.csv")).Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(names, n => Vocabulary.Places.Any(p => n.Contains(" " + p + " ", StringComparison.Ordinal)));
    }

    [Fact]
    public void CountUpTo2_AgreesWithBruteForce()
    {
        var r = new Rng(3, 99);
        for (var round = 0; round < 300; round++)
        {
            var pool = Enumerable.Range(0, 1 + r.Below(20)).Select(_ => r.Range(-5, 30)).ToArray();
            var total = r.Range(1, 60);
            var brute = 0;
            for (var mask = 1; mask < 1 << pool.Length && brute < 2; mask++)
            {
                if (int.PopCount(mask) <= 6 && Enumerable.Range(0, pool.Length).Where(i => (mask >> i & 1) == 1).Sum(i => pool[i]) == total)
                {
                    brute++;
                }
            }

            Assert.Equal(brute, SubsetSums.CountUpTo2(pool, total, 6));
        }
    }

    [Fact]
    public void Split88_LongRecord_PiecesFitAndJoinBack()
    {
        var rec = "16,165,100,0,26112000000001,,ORIG CO NAME:ACME ORIG ID:1234567890 ADDENDA:" + string.Concat(Enumerable.Repeat("RMR*IV*INV-1234567*PI*12.50\\", 6));
        var pieces = ScaleDay.Split88(rec);
        Assert.All(pieces, p => Assert.True(p.Length <= 80));
        Assert.Equal(rec, pieces[0] + string.Concat(pieces.Skip(1).Select(p => p[3..])));
    }

    [Fact]
    public void RfReference_HasValidCheckDigits()
    {
        var rf = ScaleDay.RfReference("INV1234567");
        Assert.Equal(1, ScaleDay.Mod97(rf[4..] + rf[..4]));
    }

    private static long Minor(string amount) => (long)Math.Round(decimal.Parse(amount, CultureInfo.InvariantCulture) * 100);
}
