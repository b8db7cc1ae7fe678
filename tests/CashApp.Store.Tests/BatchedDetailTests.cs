using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Tests.Camt;
using Microsoft.Data.Sqlite;

namespace CashApp.Store.Tests;

/// <summary>
/// A camt.054 entry whose credits fall in different batches of a served ingest (batches go by payment reference, so
/// batches of one split an entry's two credits): the entry's debits are stored once for the file, whichever batch
/// stores them, when the ingest stops mid-file and the file is sent again, and when one of its credits came before
/// in another file. Each test has a SQLite store of its own.
/// </summary>
public sealed class BatchedDetailTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private static readonly CurrencyCode Eur = new("EUR");
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-detail-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string DatabasePath => Path.Combine(_directory, "cashapp.db");

    /// <summary>
    /// The references leave T-A (it quotes an invoice the ledger does not hold yet) and store T-Z with the entry's
    /// debits; the server stops before the payers' stage. The invoice arrives, the file is sent again: T-A is now
    /// stored by its reference, in the first batch, and the entry's debits are still there once each.
    /// </summary>
    [Fact]
    public async Task Ingest_StoppedAfterTheReferencesThenSentAgain_EntryDebitsStoredOnce()
    {
        await using var store = await CashStores.OpenSqliteAsync(DatabasePath, TimeProvider.System);
        await store.UpsertCustomersAsync([Ledger.Customer("C1")], "ar");
        await store.UpsertOpenItemsAsync([Ledger.Invoice("2", 300_00, "EUR")], "ar");
        var file = Notification(withFirst: true, withSecond: true, debits: true);

        var stopping = new LedgerService(store, new StopsAfter(store, calls: 2)) { IngestBatchSize = 1 };
        await Assert.ThrowsAsync<OperationCanceledException>(() => stopping.IngestBankFileAsync(file, "day.camt054.xml", new IngestOptions()));
        Assert.Equal(["T-Z"], await StoredCreditsAsync());
        Assert.Equal(2, await DebitRowsAsync());

        await store.UpsertOpenItemsAsync([Ledger.Invoice("1", 1_200_00, "EUR")], "ar");
        var resent = await new LedgerService(store) { IngestBatchSize = 1 }.IngestBankFileAsync(file, "day.camt054.xml", new IngestOptions());

        Assert.Equal(IngestStatus.Stored, resent.Status);
        Assert.Equal(["T-A", "T-Z"], await StoredCreditsAsync());
        Assert.Equal(2, await DebitRowsAsync());
        Assert.Equal([("T-D", 25_00L), ("T-D", 25_00L)], await DebitsAsync());
    }

    /// <summary>
    /// T-A came in an earlier camt.054 of the entry; the full notification brings T-Z new, in a later batch than T-A's:
    /// the entry's debits come with T-Z, once each.
    /// </summary>
    [Fact]
    public async Task Ingest_FirstCreditReceivedFromAnotherFile_EntryDebitsStoredOnce()
    {
        await using var store = await CashStores.OpenSqliteAsync(DatabasePath, TimeProvider.System);
        await store.UpsertCustomersAsync([Ledger.Customer("C1")], "ar");
        await store.UpsertOpenItemsAsync([Ledger.Invoice("1", 1_200_00, "EUR"), Ledger.Invoice("2", 300_00, "EUR")], "ar");
        var service = new LedgerService(store) { IngestBatchSize = 1 };

        var first = await service.IngestBankFileAsync(Notification(withFirst: true, withSecond: false, debits: false), "early.camt054.xml", new IngestOptions());
        Assert.Equal(IngestStatus.Stored, first.Status);
        Assert.Equal(0, await DebitRowsAsync());

        var full = await service.IngestBankFileAsync(Notification(withFirst: true, withSecond: true, debits: true), "day.camt054.xml", new IngestOptions());

        Assert.Equal(IngestStatus.Stored, full.Status);
        Assert.Equal(1, full.AlreadyReceivedCount);
        Assert.Equal(["T-A", "T-Z"], await StoredCreditsAsync());
        Assert.Equal(2, await DebitRowsAsync());
        Assert.Equal([("T-D", 25_00L), ("T-D", 25_00L)], await DebitsAsync());
    }

    /// <summary>
    /// The camt.053 entry E-1 booked without details is resolved by hand before its camt.054 comes in batches of one:
    /// the debits the second batch brings again are the ones the first stored, so the entry agrees with its detail and
    /// the file holds each debit once.
    /// </summary>
    [Fact]
    public async Task Ingest_DepositResolvedByHandThenItsDetailInBatches_EntryDebitsCountedOnceAndReconciled()
    {
        await using var store = await CashStores.OpenSqliteAsync(DatabasePath, TimeProvider.System);
        await store.UpsertCustomersAsync([Ledger.Customer("C1")], "ar");
        await store.UpsertOpenItemsAsync([Ledger.Invoice("1", 1_200_00, "EUR"), Ledger.Invoice("2", 300_00, "EUR")], "ar");
        var service = new LedgerService(store) { IngestBatchSize = 1 };
        var lump = new EntryModel(1_450_00, Eur, Direction.Credit, "BOOK", false, "E-1", null, Day, []);
        var booked = await service.IngestBankFileAsync(CamtWriter.Write(new StatementModel(8, false, null, [lump])), "day.camt053.xml", new IngestOptions());
        Assert.Equal(DepositState.AwaitingDetail, Assert.Single(booked.Deposits).State);
        var awaiting = Assert.Single((await store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Reason == ExceptionReason.DepositAwaitingDetail);
        var resolved = await store.ResolveExceptionAsync(new ResolveRequest
        {
            ExceptionId = awaiting.Id,
            ExpectedRowVersion = awaiting.RowVersion,
            Kind = ResolutionKind.LeaveOnAccount,
            Actor = "alice",
            Reason = "the customer's deposit, detail to follow",
        });
        Assert.Equal(ResolveStatus.Resolved, resolved.Status);

        var notified = await service.IngestBankFileAsync(Notification(withFirst: true, withSecond: true, debits: true), "day.camt054.xml", new IngestOptions());

        var outcome = Assert.Single(notified.Deposits);
        Assert.Equal(DepositState.Reconciled, outcome.State);
        Assert.Equal(2, await DebitRowsAsync());
        Assert.Equal([("T-D", 25_00L), ("T-D", 25_00L)], await DebitsAsync());
    }

    /// <summary>
    /// The camt.054 entry E-1 of the day: T-A (1,200.00 for INV-1), two equal debits T-D of 25.00 (fees), and T-Z
    /// (300.00 for INV-2): T-A and T-Z are the first and last by payment reference, the debits between them in the file.
    /// </summary>
    private static byte[] Notification(bool withFirst, bool withSecond, bool debits)
    {
        var details = new List<DetailModel>();
        if (withFirst)
        {
            details.Add(new(1_200_00, Direction.Credit, "T-A", null, "CEDAR BUILDERS INC", null, null, [], [("INV-1", "CINV", 1_200_00)]));
        }

        if (debits)
        {
            details.Add(new(25_00, Direction.Debit, "T-D", null, null, null, null, ["BANK FEE"], []));
            details.Add(new(25_00, Direction.Debit, "T-D", null, null, null, null, ["BANK FEE"], []));
        }

        if (withSecond)
        {
            details.Add(new(300_00, Direction.Credit, "T-Z", null, "CEDAR BUILDERS INC", null, null, [], [("INV-2", "CINV", 300_00)]));
        }

        var net = details.Sum(d => d.Direction == Direction.Debit ? -d.Amount : d.Amount);
        var entry = new EntryModel(net, Eur, Direction.Credit, "BOOK", false, "E-1", null, Day, details);
        return CamtWriter.Write(new StatementModel(8, true, null, [entry]));
    }

    private async Task<long> DebitRowsAsync() =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM deposit_details WHERE json_extract(source, '$.credit') = 0 AND bank_file_id = (SELECT MAX(id) FROM bank_files)"))!;

    private async Task<List<(string Ref, long Minor)>> DebitsAsync()
    {
        var rows = new List<(string, long)>();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_extract(source, '$.ref'), json_extract(source, '$.amount') FROM deposit_details WHERE json_extract(source, '$.credit') = 0 ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private async Task<List<string>> StoredCreditsAsync()
    {
        var refs = new List<string>();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payment_ref FROM payments ORDER BY payment_ref";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            refs.Add(reader.GetString(0));
        }

        return refs;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
