using System.Globalization;
using CashApp.Engine.Output;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Tests.Batch;

/// <summary>The scoring rules of ../shared/cashbench/score.py, for tests: hit rate, precision, lost and over-applied.</summary>
internal static class Cashbench
{
    public sealed record Figures(double HitRate, double Precision, int Lost, int OverApplied, int Wrong);

    public static Figures Score(string data, string run)
    {
        var payments = Rows(Path.Combine(data, "truth", "payments.csv"));
        var want = Group(Rows(Path.Combine(data, "truth", "applications.csv")), "amount");
        var got = Group(Rows(Path.Combine(run, "applications.csv")), "amount");
        var unapplied = new Dictionary<string, long>();
        foreach (var row in Rows(Path.Combine(run, "exceptions.csv")))
        {
            unapplied[row["payment_ref"]] = unapplied.GetValueOrDefault(row["payment_ref"]) + Cents(row["unapplied_amount"]);
        }

        var open = Rows(Path.Combine(data, "open_items.csv")).ToDictionary(r => r["item_id"], r => Cents(r["open_amount"]));
        int expected = 0, hit = 0, applied = 0, right = 0, lost = 0, wrong = 0, ambiguousApplied = 0;
        foreach (var payment in payments)
        {
            var reference = payment["payment_ref"];
            var g = got.GetValueOrDefault(reference) ?? [];
            var w = want.GetValueOrDefault(reference) ?? [];
            var same = g.Count == w.Count && g.All(kv => w.TryGetValue(kv.Key, out var v) && v == kv.Value);
            if ((!got.ContainsKey(reference) && !unapplied.ContainsKey(reference)) || g.Values.Sum() + unapplied.GetValueOrDefault(reference) != Cents(payment["amount"]))
            {
                lost++;
            }

            switch (payment["expect"])
            {
                case "auto":
                    expected++;
                    hit += same ? 1 : 0;
                    wrong += !same && g.Count > 0 ? 1 : 0;
                    break;
                case "exception":
                    wrong += g.Count > 0 ? 1 : 0;
                    break;
                default:
                    ambiguousApplied += g.Count > 0 ? 1 : 0;
                    break;
            }

            if (g.Count > 0)
            {
                applied++;
                right += same && payment["expect"] != "ambiguous" ? 1 : 0;
            }
        }

        var byItem = new Dictionary<string, long>();
        foreach (var (_, items) in got)
        {
            foreach (var (item, amount) in items)
            {
                byItem[item] = byItem.GetValueOrDefault(item) + amount;
            }
        }

        var over = byItem.Count(kv => !open.TryGetValue(kv.Key, out var o) || (o > 0 ? kv.Value > o || kv.Value < 0 : kv.Value < o || kv.Value > 0));
        return new Figures((double)hit / Math.Max(1, expected), (double)right / Math.Max(1, applied - ambiguousApplied), lost, over, wrong);
    }

    private static Dictionary<string, Dictionary<string, long>> Group(List<Dictionary<string, string>> rows, string column)
    {
        var grouped = new Dictionary<string, Dictionary<string, long>>();
        foreach (var row in rows)
        {
            var items = grouped.TryGetValue(row["payment_ref"], out var known) ? known : grouped[row["payment_ref"]] = [];
            items[row["item_id"]] = items.GetValueOrDefault(row["item_id"]) + Cents(row[column]);
        }

        foreach (var key in grouped.Keys.ToList())
        {
            grouped[key] = grouped[key].Where(kv => kv.Value != 0).ToDictionary();
        }

        return grouped;
    }

    private static long Cents(string text) => (long)Math.Round(decimal.Parse(text, CultureInfo.InvariantCulture) * 100);

    private static List<Dictionary<string, string>> Rows(string path)
    {
        using var reader = CsvDataReader.Create(path, new CsvDataReaderOptions { MaxBufferSize = CsvOut.MaxRowChars });
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetString(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
