using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A run matched in parts (served ingest's batches): the references of every part first
/// (<see cref="MatchStage.References"/>), then payer and amount for what they left, decides as one run does.
/// </summary>
public sealed class MatchStageTests
{
    [Fact]
    public void Match_ReferencesOfEveryBatchThenPayers_SameAsOneRunWhereBatchByBatchIsNot()
    {
        var items = ArFiles.ReadOpenItems(TestPaths.Demo("open_items.csv"));
        var customers = ArFiles.ReadCustomers(TestPaths.Demo("customers.csv"));
        var paid = items.Where(i => i.OpenMinor > 0).Take(120).ToList();

        // In file order: payers naming themselves and the amount of an invoice of theirs, quoting nothing; then
        // payments quoting those very invoices, each of its open amount; every third of the rest quotes nothing.
        var payments = new List<Payment>();
        foreach (var item in paid.Take(20))
        {
            payments.Add(Paying($"A{payments.Count:D4}", item, quoted: false, payments.Count + 1));
        }

        foreach (var (item, n) in paid.Select((item, n) => (item, n)))
        {
            payments.Add(Paying($"B{payments.Count:D4}", item, quoted: n < 20 || n % 3 != 0, payments.Count + 1));
        }

        var oneRun = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);
        var batches = payments.Chunk(7).ToList();

        var staged = new CashMatcher(items, customers, MatchPolicy.Default);
        var parts = batches.Select(b => staged.Match(b, MatchStage.References)).ToList();
        var left = parts.SelectMany(p => p.LeftForPayers).ToList();
        parts.AddRange(left.Chunk(7).Select(b => staged.Match(b)));

        var batchByBatch = new CashMatcher(items, customers, MatchPolicy.Default);
        var naive = batches.Select(b => batchByBatch.Match(b)).ToList();

        Assert.NotEmpty(left);
        Assert.All(parts.Take(batches.Count), p => Assert.DoesNotContain(p.Applications, a => p.LeftForPayers.Any(l => l.PaymentRef == a.PaymentRef)));
        Assert.Equal(Outcomes(oneRun.Applications), Outcomes(parts.SelectMany(p => p.Applications)));
        Assert.Equal(oneRun.Exceptions.Select(e => (e.PaymentRef, e.Unapplied.Minor)).Order(), parts.SelectMany(p => p.Exceptions).Select(e => (e.PaymentRef, e.Unapplied.Minor)).Order());
        Assert.NotEqual(Outcomes(oneRun.Applications), Outcomes(naive.SelectMany(p => p.Applications)));
    }

    private static List<(string PaymentRef, string ItemId, long Minor)> Outcomes(IEnumerable<Application> applications) =>
        [.. applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order()];

    private static Payment Paying(string reference, OpenItem item, bool quoted, int line) =>
        new(reference, item.Open, item.CustomerName, null, quoted ? [new RemittanceLine(item.InvoiceNumber, item.OpenMinor)] : [], null, "demo", line);
}
