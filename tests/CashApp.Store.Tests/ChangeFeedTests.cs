using CashApp.Store;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CashApp.Store.Tests;

/// <summary>
/// The change log on SQLite: every write that changes an open item, a customer or a payer rule is recorded with a
/// version that only grows, a reader that goes on from its last answer misses none, and one behind a pruned log is
/// told to read in full. Its T-SQL statements parse.
/// </summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private static readonly ManualClock Clock = new();

    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-changes-").FullName;

    private string DatabasePath => Path.Combine(_directory, "cashapp.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<DbCashStore> OpenAsync() => (DbCashStore)await CashStores.OpenSqliteAsync(DatabasePath, Clock);

    [Fact]
    public async Task Writes_OfItemsCustomersApplicationsAndClosures_AreListedAfterTheVersionBeforeThem()
    {
        await using var store = await OpenAsync();
        var start = await store.GetChangeVersionAsync();

        await store.UpsertCustomersAsync([Ledger.Customer("C1")], "ar");
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I1", 10_000), Ledger.Invoice("I2", 5_000)], "ar");
        var afterUpsert = await store.GetChangeVersionAsync();
        var upserted = (await store.ListChangesAsync(start, 100))!;

        Assert.Equal(["I1", "I2"], upserted.ItemIds);
        Assert.Equal(["C1"], upserted.CustomerIds);
        Assert.Equal(afterUpsert, upserted.Through);
        Assert.True(afterUpsert > start);

        // An ingest's application moves I1's open amount; the same upsert again changes nothing and is not listed.
        await store.StoreIngestAsync(Ledger.Batch("h1", [Ledger.Credit("P1", 4_000)], applications: [Ledger.Apply("P1", "I1", 4_000)]));
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I2", 5_000)], "ar");
        var applied = (await store.ListChangesAsync(afterUpsert, 100))!;
        Assert.Equal(["I1"], applied.ItemIds);
        Assert.Empty(applied.CustomerIds);

        await store.CloseOpenItemsAsync(["I2"], "ar", "written off");
        var closed = (await store.ListChangesAsync(applied.Through, 100))!;
        Assert.Equal(["I2"], closed.ItemIds);
        Assert.True(closed.Through > applied.Through);

        // Asked again from where it stopped: nothing, at the same version.
        var none = (await store.ListChangesAsync(closed.Through, 100))!;
        Assert.True(none.IsEmpty);
        Assert.Equal(closed.Through, none.Through);

        // From the start, each key once, at its latest change.
        Assert.Equal(["I1", "I2"], (await store.ListChangesAsync(start, 100))!.ItemIds);
    }

    [Fact]
    public async Task Changes_MoreThanTake_AreNotListed()
    {
        await using var store = await OpenAsync();
        var start = await store.GetChangeVersionAsync();
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I1", 1_000), Ledger.Invoice("I2", 2_000), Ledger.Invoice("I3", 3_000)], "ar");

        Assert.Null(await store.ListChangesAsync(start, 2));
        Assert.Equal(3, (await store.ListChangesAsync(start, 3))!.ItemIds.Count);
    }

    [Fact]
    public async Task ConcurrentWriters_ReaderGoingOnFromEachAnswer_SeesEveryCommittedChangeWithGrowingVersions()
    {
        const int Writers = 4, ItemsEach = 60;
        await using var reader = await OpenAsync();
        var start = await reader.GetChangeVersionAsync();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var throughs = new List<long>();
        using var done = new CancellationTokenSource();

        async Task PollAsync()
        {
            var since = start;
            while (true)
            {
                // Stop only after a poll that began once every writer had committed.
                var last = done.IsCancellationRequested;
                var changes = await reader.ListChangesAsync(since, 1_000_000);
                Assert.NotNull(changes);
                Assert.True(changes.Through >= since);
                throughs.Add(changes.Through);
                seen.UnionWith(changes.ItemIds);
                since = changes.Through;
                if (last)
                {
                    return;
                }
            }
        }

        var polling = Task.Run(PollAsync);

        // Writers on their own stores (connections) on the one file, each item written by one transaction.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await using var writer = await CashStores.OpenSqliteAsync(DatabasePath, Clock);
            for (var i = 0; i < ItemsEach; i++)
            {
                await writer.UpsertOpenItemsAsync([Ledger.Invoice($"W{w}-{i:D3}", 1_000 + i)], "ar");
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await polling;

        Assert.Equal(Writers * ItemsEach, seen.Count);
        Assert.Equal(throughs.Order(), throughs);
    }

    [Fact]
    public async Task Prune_ReaderOlderThanTheMark_IsToldToReadInFull_NewerOneStillAnswered()
    {
        await using var store = await OpenAsync();
        var start = await store.GetChangeVersionAsync();
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I1", 1_000)], "ar");
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I2", 2_000)], "ar");
        var middle = await store.GetChangeVersionAsync();
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I3", 3_000)], "ar");

        Assert.Equal(2, await store.PruneChangesAsync(keep: 1));

        Assert.Null(await store.ListChangesAsync(start, 100));
        Assert.Equal(["I3"], (await store.ListChangesAsync(middle, 100))!.ItemIds);
        Assert.Equal(0, await store.PruneChangesAsync(keep: 1));

        // Pruned to nothing: the version does not go back, and a reader at it still gets answers.
        Assert.Equal(1, await store.PruneChangesAsync(keep: 0));
        var latest = await store.GetChangeVersionAsync();
        Assert.True(latest >= middle);
        Assert.Null(await store.ListChangesAsync(middle, 100));
        Assert.True((await store.ListChangesAsync(latest, 100))!.IsEmpty);
        await store.UpsertOpenItemsAsync([Ledger.Invoice("I1", 1_500)], "ar");
        Assert.Equal(["I1"], (await store.ListChangesAsync(latest, 100))!.ItemIds);
    }

    [Fact]
    public async Task Open_FileOfABuildWithoutTheLog_AddsItAndKeepsTheData()
    {
        await using (var first = await OpenAsync())
        {
            await first.UpsertOpenItemsAsync([Ledger.Invoice("OLD-1", 7_000)], "ar");
        }

        // What an older build's file looks like: no change log, no triggers; and a write made by that build.
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = string.Join(";", ChangeSql.Sqlite.Triggers.Select(t => $"DROP TRIGGER {t.Name["Changes.".Length..]}"))
                + "; DROP TABLE change_log; DROP TABLE change_log_state; UPDATE open_items SET remaining_minor = 6000 WHERE item_id = 'OLD-1'";
            await command.ExecuteNonQueryAsync();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE '%change%'";
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }

        await using var store = await OpenAsync();
        var start = await store.GetChangeVersionAsync();
        Assert.Equal(6_000, (await store.GetOpenItemAsync("OLD-1"))!.RemainingMinor);
        Assert.True((await store.ListChangesAsync(start, 100))!.IsEmpty);
        await store.UpsertOpenItemsAsync([Ledger.Invoice("NEW-1", 1_000)], "ar");
        Assert.Equal(["NEW-1"], (await store.ListChangesAsync(start, 100))!.ItemIds);

        // Opening again creates nothing twice.
        await store.MigrateAsync();
        Assert.Equal(["NEW-1"], (await store.ListChangesAsync(start, 100))!.ItemIds);
    }

    public static TheoryData<string> SqlServerStatementNames => [.. All(ChangeSql.SqlServer).Select(s => s.Name).Distinct()];

    private static IEnumerable<LedgerStatement> All(ChangeSql sql) =>
        sql.Schema.Concat(sql.Triggers).Concat(typeof(ChangeSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => (LedgerStatement)p.GetValue(sql)!));

    [Theory]
    [MemberData(nameof(SqlServerStatementNames))]
    public void SqlServerStatement_ParsedAsTSql160_HasNoErrors(string name)
    {
        foreach (var statement in All(ChangeSql.SqlServer).Where(s => s.Name == name))
        {
            var errors = Parse(statement.Text);
            Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}\n{statement.Text}");
        }
    }

    [Fact]
    public void Dialects_EveryStatement_TakesTheSameParametersInBoth()
    {
        var sqlite = All(ChangeSql.Sqlite).Where(s => !s.Name.StartsWith("Changes.", StringComparison.Ordinal)).ToDictionary(s => s.Name);
        var sqlServer = All(ChangeSql.SqlServer).Where(s => !s.Name.StartsWith("Changes.", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, sqlServer.Count);
        foreach (var statement in sqlServer)
        {
            Assert.Equal(statement.Parameters, sqlite[statement.Name].Parameters);
            Assert.All(statement.Parameters, p => Assert.Contains(p.Type, new[] { LedgerParamType.BigInt, LedgerParamType.Count }));
        }
    }

    [Fact]
    public void SqlServerStatements_OnTheTablesTheLogWatches_OutputOnlyIntoATable()
    {
        // SQL Server refuses OUTPUT without INTO on a table with a trigger (error 334): each such write would fail.
        var statements = SqlServerStatements.All
            .Concat(typeof(PayerRuleSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => (LedgerStatement)p.GetValue(PayerRuleSql.SqlServer)!))
            .Concat(typeof(DepositSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => (LedgerStatement)p.GetValue(DepositSql.SqlServer)!))
            .ToList();
        var watched = new OutputFinder();
        foreach (var statement in statements)
        {
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            using var reader = new StringReader(statement.Text);
            parser.Parse(reader, out _).Accept(watched);
        }

        Assert.Contains("open_items", watched.Written);
        Assert.Contains("payer_rules", watched.Written);
        Assert.Empty(watched.Offending);

        // The check has teeth: the form the store used before the log is found.
        var before = new OutputFinder();
        using var old = new StringReader("MERGE dbo.customers WITH (HOLDLOCK) AS t USING (SELECT @customer_id AS customer_id) AS s ON t.customer_id = s.customer_id WHEN NOT MATCHED THEN INSERT (customer_id) VALUES (@customer_id) OUTPUT INSERTED.row_version;");
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(old, out _).Accept(before);
        Assert.Equal(["customers"], before.Offending);
    }

    private sealed class OutputFinder : TSqlFragmentVisitor
    {
        private static readonly HashSet<string> Watched = new(StringComparer.OrdinalIgnoreCase) { "open_items", "customers", "payer_rules" };

        public HashSet<string> Written { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Offending { get; } = [];

        public override void Visit(DataModificationSpecification node)
        {
            if (node.Target is NamedTableReference { SchemaObject.BaseIdentifier.Value: var table } && Watched.Contains(table))
            {
                Written.Add(table);
                if (node.OutputClause is not null)
                {
                    Offending.Add(table);
                }
            }
        }
    }

    [Fact]
    public void SqliteTrigger_ParsedAsTSql_Fails()
    {
        // The check has teeth: CREATE TRIGGER IF NOT EXISTS is not T-SQL.
        Assert.NotEmpty(Parse(ChangeSql.Sqlite.Triggers[0].Text));
    }

    private static IList<ParseError> Parse(string text)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        parser.Parse(reader, out var errors);
        return errors;
    }
}
