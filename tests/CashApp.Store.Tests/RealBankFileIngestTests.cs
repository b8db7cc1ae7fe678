using CashApp.Engine.Ar;
using CashApp.Parsers.Common;
using CashApp.ScaleGen;

namespace CashApp.Store.Tests;

/// <summary>
/// Stores a generated day's real bank files (BAI2, camt.053, lockbox; written by ScaleGen) as the server
/// does: each file read whole by its reader, then matched and stored in one transaction.
/// </summary>
public sealed class RealBankFileIngestTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-real-").FullName;
    private ICashStore _store = null!;

    public async Task InitializeAsync() => _store = await CashStores.OpenSqliteAsync(Path.Combine(_directory, "cashapp.db"), TimeProvider.System);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task IngestBankFile_GeneratedDay_EveryCreditAppliedOrExceptedNothingOverAppliedAndResendIsDuplicate()
    {
        var day = Path.Combine(_directory, "day");
        Generate(day);
        await _store.UpsertCustomersAsync(ArFiles.ReadCustomers(Path.Combine(day, "customers.csv")), "ar");
        await _store.UpsertOpenItemsAsync(ArFiles.ReadOpenItems(Path.Combine(day, "open_items.csv")), "ar");
        var service = new LedgerService(_store);
        var files = Directory.GetFiles(Path.Combine(day, "bank")).Order(StringComparer.Ordinal).ToList();

        var results = new List<StoredBatch>();
        foreach (var file in files)
        {
            results.Add(await StoreAsync(service, file));
        }

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal(IngestStatus.Stored, r.Status));
        var truthPayments = File.ReadAllLines(Path.Combine(day, "truth", "payments.csv")).Length - 1;
        Assert.Equal(truthPayments, results.Sum(r => r.File.CreditCount));

        // Nothing lost: for each payment, what was applied plus what is unapplied is the payment.
        var applications = await _store.ListApplicationsAsync(new ApplicationQuery());
        var exceptions = new List<StoredExceptionCase>();
        for (long? after = null; ;)
        {
            var page = await _store.ListExceptionsAsync(new ExceptionQuery { AfterId = after, Take = 1000 });
            exceptions.AddRange(page.Items);
            if ((after = page.NextAfterId) is null)
            {
                break;
            }
        }

        foreach (var file in results)
        {
            foreach (var payment in await _store.ListPaymentsAsync(file.File.Id))
            {
                var applied = applications.Where(a => a.PaymentId == payment.Id).Sum(a => a.Amount.Minor);
                var unapplied = exceptions.Where(e => e.PaymentId == payment.Id).Sum(e => e.Unapplied.Minor);
                Assert.True(applied + unapplied == payment.Amount.Minor, $"{payment.PaymentRef}: applied {applied} + unapplied {unapplied} != {payment.Amount.Minor}");
            }
        }

        // Never over-applied: no item's remaining amount crossed zero.
        foreach (var itemId in applications.Select(a => a.ItemId).Distinct(StringComparer.Ordinal))
        {
            var item = (await _store.GetOpenItemAsync(itemId))!;
            Assert.True(Math.Sign(item.RemainingMinor) * Math.Sign(item.ArOpenMinor) >= 0, $"{itemId} over-applied: {item.RemainingMinor} of {item.ArOpenMinor}");
        }

        foreach (var file in files)
        {
            var again = await StoreAsync(service, file);
            Assert.Equal(IngestStatus.Duplicate, again.Status);
        }

        Assert.Equal(applications.Count, (await _store.ListApplicationsAsync(new ApplicationQuery())).Count);
    }

    /// <summary>Reads the file whole and stores it under its content hash, as the gRPC ingest does.</summary>
    private static async Task<StoredBatch> StoreAsync(LedgerService service, string file)
    {
        var read = await BankFiles.ReadAllAsync(file, new BankFileReadOptions());
        var hash = LedgerService.ContentHash(await File.ReadAllBytesAsync(file));
        return await service.StoreTransactionsAsync(read.Transactions, Path.GetFileName(file), hash, read.Format, "test");
    }

    private static void Generate(string directory) =>
        ScaleDay.Run(new ScaleOptions { OutputDirectory = directory, Seed = 7, Customers = 150, Payments = 300 });
}
