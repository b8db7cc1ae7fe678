using System.Diagnostics;
using System.Globalization;
using CashApp.Store;
using CashApp.Parsers.Common;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <summary>
/// A child process ingests large files into one SQLite database and is killed at random moments. Each
/// time, the database must open cleanly and hold every file whole or not at all. Iterations:
/// <c>CASHAPP_CRASH_ITERATIONS</c> (default 4).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int CreditsPerFile = 2_000;
    private const int Items = 500;

    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-crash-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Ingest_ChildKilledAtRandomMoments_DatabaseOpensAndHoldsEachFileWholeOrNotAtAll()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CASHAPP_CRASH_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 4;
        var path = Path.Combine(_directory, "crash.db");
        var random = new Random(20261123);
        var killedMidWay = 0;
        for (var i = 0; i < iterations; i++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(100, 4_000));
            var (stored, killed) = await RunAndKillAsync(path, delay);
            killedMidWay += killed ? 1 : 0;
            var files = await VerifyAsync(path);
            output.WriteLine($"iteration {i + 1}: killed after {delay.TotalMilliseconds:F0} ms of ingest; child reported {stored} files stored; database holds {files} whole files");
            Assert.True(files >= stored, $"the child reported {stored} committed files but the database holds {files}");
        }

        Assert.True(killedMidWay > 0, "the child always finished before it was killed: the files are too small to test a crash");
    }

    internal static async Task RunChildAsync(string path, int credits, int files)
    {
        await using var store = await CashStores.OpenSqliteAsync(path, TimeProvider.System);
        if ((await store.GetOpenItemAsync("I0")) is null)
        {
            await store.UpsertOpenItemsAsync([.. Enumerable.Range(0, Items).Select(i => Invoice($"I{i}", 1_000_000_000))], "crash-child");
        }

        Console.Out.WriteLine("ready");
        await Console.Out.FlushAsync();
        for (var f = 0; f < files; f++)
        {
            var hash = Guid.NewGuid().ToString("N");
            var transactions = Enumerable.Range(0, credits).Select(i => Credit($"{hash[..8]}-{i}", 10_000 + i, reference: $"INV-I{i % Items}", line: i + 1)).ToArray();
            var batch = Batch(
                hash,
                transactions,
                [.. transactions.Select((t, i) => Apply(t.PaymentRef, $"I{i % Items}", 1))],
                [.. transactions.Select(t => Unapplied(t.PaymentRef, t.AmountMinor - 1, suggestedItems: "I0"))]);
            var result = await store.StoreIngestAsync(batch);
            Console.Out.WriteLine($"stored {result.File!.Id}");
            await Console.Out.FlushAsync();
        }
    }

    private static async Task<(int Stored, bool Killed)> RunAndKillAsync(string path, TimeSpan delay)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["exec", typeof(CrashTests).Assembly.Location, "ingest-child", path, CreditsPerFile.ToString(CultureInfo.InvariantCulture), "1000"])
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var stored = 0;
        var ready = new TaskCompletionSource();
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "ready")
            {
                ready.TrySetResult();
            }
            else if (e.Data?.StartsWith("stored ", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref stored);
            }
        };
        child.BeginOutputReadLine();
        var errors = child.StandardError.ReadToEndAsync();
        var exited = child.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(2))) != ready.Task)
        {
            throw new InvalidOperationException("The crash child did not start: " + await errors);
        }

        await Task.Delay(delay);
        var killed = !child.HasExited;
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        return (Volatile.Read(ref stored), killed);
    }

    /// <summary>Opens the database as a new process would, and checks every file is whole; returns how many files it holds.</summary>
    private static async Task<long> VerifyAsync(string path)
    {
        await using (var store = await CashStores.OpenSqliteAsync(path, TimeProvider.System))
        {
            foreach (var file in await store.ListBankFilesAsync(10_000))
            {
                Assert.Equal(BankFileStatus.Ingested, file.Status);
                Assert.Equal((CreditsPerFile, CreditsPerFile, CreditsPerFile), (file.CreditCount, file.ApplicationCount, file.ExceptionCount));
            }
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check"));

        // Whole or nothing: every row belongs to a stored file, and each file has all of its rows.
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM payments WHERE bank_file_id NOT IN (SELECT id FROM bank_files)"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM bank_files f WHERE credit_count <> (SELECT COUNT(*) FROM payments p WHERE p.bank_file_id = f.id)"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM bank_files f WHERE application_count <> (SELECT COUNT(*) FROM applications a JOIN payments p ON p.id = a.payment_id WHERE p.bank_file_id = f.id)"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM bank_files f WHERE exception_count <> (SELECT COUNT(*) FROM exceptions e JOIN payments p ON p.id = e.payment_id WHERE p.bank_file_id = f.id)"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM audit_log WHERE action = 'bank_file.ingest' AND subject NOT IN (SELECT 'bank_file/' || id FROM bank_files)"));

        // Item balances moved exactly with the stored applications.
        Assert.Equal(
            await ScalarAsync(connection, "SELECT COALESCE(SUM(amount_minor), 0) FROM applications"),
            await ScalarAsync(connection, "SELECT COALESCE(SUM(applied_minor), 0) FROM open_items"));
        return (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM bank_files"))!;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
