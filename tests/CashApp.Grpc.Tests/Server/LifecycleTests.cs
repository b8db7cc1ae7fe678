using CashApp.Store;
using CashApp.Tests;
using Google.Protobuf;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>An ingest is whole or absent: when the client goes away, when the file is too big, when the server stops.</summary>
public sealed class LifecycleTests
{
    private static readonly string Lockbox = TestPaths.Demo("bank", "day.lockbox.txt");

    [Fact]
    public async Task Ingest_ClientCancelsMidway_NothingStored_ServerGoesOn()
    {
        await using var server = await StartAsync(64L * 1024 * 1024);
        var content = await File.ReadAllBytesAsync(Lockbox);
        using (var cts = new CancellationTokenSource())
        {
            using var call = server.BankFiles("treasury").Ingest(cancellationToken: cts.Token);
            await call.RequestStream.WriteAsync(new V1.FileChunk { FileName = "cancelled.txt", Data = ByteString.CopyFrom(content, 0, content.Length / 2) });
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () => await call);
        }

        // The server still serves, and the same file whole is not a duplicate of anything.
        var report = await server.BankFiles("treasury").IngestAsync("whole.txt", content);
        Assert.False(report.Duplicate);
        var files = await server.Store.ListBankFilesAsync(100);
        Assert.Single(files, f => f.Status == BankFileStatus.Ingested);
    }

    [Fact]
    public async Task Ingest_FileOverTheLimit_ResourceExhausted_NothingStored()
    {
        await using var server = await StartAsync(maxFileBytes: 8 * 1024);
        var content = await File.ReadAllBytesAsync(Lockbox);
        Assert.True(content.Length > 8 * 1024);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync("big.txt", content, chunkSize: 1024));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Empty(await server.Store.ListBankFilesAsync(100));
    }

    [Fact]
    public async Task Ingest_ServerStopsWhileReceiving_CompletesWhole()
    {
        await using var server = await StartAsync(64L * 1024 * 1024);
        var content = await File.ReadAllBytesAsync(Lockbox);
        var expected = (await CashApp.Parsers.Common.BankFiles.ReadAllAsync(Lockbox, new CashApp.Parsers.Common.BankFileReadOptions())).Transactions.Count;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestArrived = path =>
        {
            if (path.EndsWith("/Ingest", StringComparison.Ordinal))
            {
                arrived.TrySetResult();
            }
        };
        using var call = server.BankFiles("treasury").Ingest();
        var half = content.Length / 2;
        await call.RequestStream.WriteAsync(new V1.FileChunk { FileName = "stopping.txt", Data = ByteString.CopyFrom(content, 0, half) });

        // The call must have reached the server before it is told to stop (a call that had not would be refused, rightly).
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Ctrl+C arrives while the file is half received: the server stops taking calls, and lets this one finish.
        var stopping = server.StopServerAsync();
        await call.RequestStream.WriteAsync(new V1.FileChunk { Data = ByteString.CopyFrom(content, half, content.Length - half) });
        await call.RequestStream.CompleteAsync();
        var report = await call;
        await stopping;

        Assert.False(report.Duplicate);
        await using var store = await CashStores.OpenSqliteAsync(server.DbPath, TimeProvider.System);
        var file = Assert.Single(await store.ListBankFilesAsync(100));
        Assert.Equal(expected, (await store.ListPaymentsAsync(file.Id)).Count);
    }

    private static async Task<OwnServer> StartAsync(long maxFileBytes)
    {
        var fixture = new ServerFixture(maxFileBytes);
        await fixture.InitializeAsync();
        return new OwnServer(fixture);
    }

    /// <summary>A server of one test's own.</summary>
    private sealed class OwnServer(ServerFixture fixture) : IAsyncDisposable
    {
        public string DbPath => fixture.DbPath;

        internal ICashStore Store => fixture.Store;

        public V1.BankFiles.BankFilesClient BankFiles(string role) => fixture.BankFiles(role);

        public Action<string>? RequestArrived
        {
            set => fixture.RequestArrived = value;
        }

        public Task StopServerAsync() => fixture.StopServerAsync();

        public async ValueTask DisposeAsync() => await fixture.DisposeAsync();
    }
}
