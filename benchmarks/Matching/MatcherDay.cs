using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Benchmarks.Matching;

/// <summary>The synthetic ledger and payments the matcher benchmarks share (the runner and the BenchmarkDotNet class).</summary>
internal static class MatcherDay
{
    private static readonly string[] First = ["ACME", "APEX", "ATLAS", "AURORA", "BEACON", "BIRCH", "CEDAR", "CITADEL", "COBALT", "CROWN", "DELTA", "EAGLE", "FALCON", "GRANITE", "HARBOR", "HORIZON", "IRON", "JADE", "KEYSTONE", "LIBERTY", "MAPLE", "MERIDIAN", "NEXUS", "OMEGA", "PACIFIC", "PEAK", "PIONEER", "PRAIRIE", "QUANTUM", "REDWOOD", "SAGE", "SIERRA", "SUMMIT", "TITAN", "VALLEY", "VERTEX", "WILLOW", "ZENITH"];
    private static readonly string[] Second = ["ALLIED", "CENTRAL", "DIGITAL", "DYNAMIC", "FIRST", "GLOBAL", "INTEGRATED", "NATIONAL", "PREMIER", "REGIONAL", "STRATEGIC", "UNITED", "URBAN", "WESTERN"];
    private static readonly string[] Industry = ["LOGISTICS", "FOODS", "SYSTEMS", "INDUSTRIES", "SUPPLY", "PARTNERS", "SOLUTIONS", "LABS", "MEDIA", "HEALTH", "MOTORS", "ENERGY", "TRADERS", "FREIGHT", "BRANDS", "RETAIL", "NETWORKS"];

    /// <summary>Open invoices <c>INV-1000000</c> onwards, dealt round the customers, of random amounts in USD.</summary>
    public static List<OpenItem> Items(int count, List<Customer> customers, Random random)
    {
        var usd = new CurrencyCode("USD");
        var items = new List<OpenItem>(count);
        var day = new DateOnly(2026, 11, 1);
        for (var i = 0; i < count; i++)
        {
            var customer = customers[i % customers.Count];
            items.Add(new OpenItem($"AR{i:D8}", DocType.Invoice, customer.CustomerId, customer.Name, $"INV-{1_000_000 + i}", null, usd, random.NextInt64(1_00, 100_000_00), day, day.AddDays(30)));
        }

        return items;
    }

    /// <summary>
    /// Payments that each quote one distinct invoice at its open amount. Distinct, because a second payment
    /// of an invoice already paid is no exact match (it is a fuzzy search and an exception).
    /// </summary>
    public static List<Payment> ExactPayments(List<OpenItem> items, int count, Random random)
    {
        var picked = new HashSet<int>();
        while (picked.Count < count)
        {
            picked.Add(random.Next(items.Count));
        }

        return [.. picked.Select((at, n) =>
        {
            var item = items[at];
            // The payment's own copy of the number, as a bank file's parser makes it: never the ledger's string object.
            return new Payment($"P{n:D6}", item.Open, null, null, [new RemittanceLine(new string(item.InvoiceNumber.AsSpan()), item.OpenMinor)], null, "bench", n);
        })];
    }

    /// <summary>
    /// Distinct company names as AR systems hold them: invented surname-like words (so that names differ
    /// as real ones do, early), an optional second word or industry, and a legal form.
    /// </summary>
    public static List<Customer> Customers(int count, Random random)
    {
        string[] onsets = ["B", "BR", "C", "CH", "D", "DR", "F", "G", "GR", "H", "K", "L", "M", "N", "P", "PR", "R", "S", "ST", "T", "TR", "V", "W", "Z"];
        string[] vowels = ["A", "E", "I", "O", "U", "AI", "EA", "OU"];
        string[] codas = ["", "", "N", "R", "L", "S", "T", "X", "CK", "ND", "RT"];
        string[] legal = ["INC", "LLC", "CORP", "CO", "LTD", "GROUP"];
        string Word(int syllables)
        {
            var text = string.Empty;
            for (var s = 0; s < syllables; s++)
            {
                text += onsets[random.Next(onsets.Length)] + vowels[random.Next(vowels.Length)] + codas[random.Next(codas.Length)];
            }

            return text;
        }

        var list = new List<Customer>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (list.Count < count)
        {
            var name = random.Next(4) switch
            {
                0 => $"{Word(3)} {Industry[random.Next(Industry.Length)]} {legal[random.Next(legal.Length)]}",
                1 => $"{Word(2)} {Word(2)} {legal[random.Next(legal.Length)]}",
                2 => $"{First[random.Next(First.Length)]} {Word(2)} {Industry[random.Next(Industry.Length)]} {legal[random.Next(legal.Length)]}",
                _ => $"{Word(2)} & {Word(2)} {Second[random.Next(Second.Length)]} {legal[random.Next(legal.Length)]}",
            };
            if (names.Add(name))
            {
                list.Add(new Customer($"C{list.Count:D7}", name, null, [], []));
            }
        }

        return list;
    }
}
