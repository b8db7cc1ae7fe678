using CashApp.Store;
using Google.Protobuf;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// A server that holds under load: the write limiter queues and refuses Ingest and Upsert as configured, and an
/// Upsert stream is committed in bounded batches (counted through the store's audit, one entry per transaction).
/// </summary>
public sealed class ServerLimitsTests
{
    [Fact]
    public async Task Ingest_BeyondTheLimitAndItsQueue_IsRefusedWithResourceExhaustedAndTheQueuedOneRuns()
    {
        await WithServerAsync(o => o with { MaxConcurrentWrites = 1, WriteQueueLength = 1 }, async server =>
        {
            var admitted = 0;
            var firstAdmitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.RequestArrived = path =>
            {
                if (path.EndsWith("/Ingest", StringComparison.Ordinal) && Interlocked.Increment(ref admitted) == 1)
                {
                    firstAdmitted.TrySetResult();
                }
            };
            var day = PaymentIdentityTests.Bai2([PaymentIdentityTests.Detail("LIM-1", 1_000, "NO REMITTANCE")]);
            var other = PaymentIdentityTests.Bai2([PaymentIdentityTests.Detail("LIM-2", 2_000, "NO REMITTANCE")]);

            // The first ingest holds the only permit while its stream stays open.
            using var first = server.BankFiles().Ingest();
            await first.RequestStream.WriteAsync(new V1.FileChunk { FileName = "first.bai2", Data = ByteString.CopyFrom(day) });
            await firstAdmitted.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // The second waits in the queue: the handler has not seen it.
            using var second = server.BankFiles().Ingest();
            await second.RequestStream.WriteAsync(new V1.FileChunk { FileName = "second.bai2", Data = ByteString.CopyFrom(other) });
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, Volatile.Read(ref admitted));

            // With the permit taken and the queue full, an upsert and a third ingest are refused at once.
            // A deadline, so that a server which queued this call instead fails the test rather than hanging it.
            using var upsert = server.OpenItems().Upsert(deadline: DateTime.UtcNow.AddSeconds(60));
            var refused = await Assert.ThrowsAsync<RpcException>(() => upsert.ResponseAsync);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("retry", refused.Status.Detail, StringComparison.Ordinal);
            using var third = server.BankFiles().Ingest(deadline: DateTime.UtcNow.AddSeconds(60));
            Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => third.ResponseAsync)).StatusCode);

            await first.RequestStream.CompleteAsync();
            Assert.Equal(1, (await first.ResponseAsync).Credits);
            await second.RequestStream.CompleteAsync();
            var queued = await second.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal((1, false), (queued.Credits, queued.Duplicate));
            Assert.Equal(2, Volatile.Read(ref admitted));
        });
    }

    [Fact]
    public async Task Upsert_LargeStream_CommittedInBatchesOfTheConfiguredSize()
    {
        await WithServerAsync(o => o with { UpsertBatchSize = 100 }, async server =>
        {
            var items = Enumerable.Range(0, 1_050).Select(i => MatchingTests.Invoice($"BATCH-{i:D5}", "BATCH-CUST", $"INV-B{i:D5}", 1_000 + i)).ToList();

            var summary = await server.OpenItems().UpsertAsync(items);

            Assert.Equal((1_050L, 1_050), (summary.Received, summary.Inserted));
            var audit = await server.Store.ListAuditAsync(new AuditQuery { Subject = "open_items", Take = 1_000 });
            Assert.Equal(11, audit.Count(a => a.Action == "ar.sync_items"));
            Assert.NotNull(await server.Store.GetOpenItemAsync("BATCH-01049"));
        });
    }

    [Fact]
    public async Task Upsert_InvalidItemAfterTwoBatches_TheBatchesBeforeItStayAndTheErrorSaysSo()
    {
        await WithServerAsync(o => o with { UpsertBatchSize = 100 }, async server =>
        {
            var items = Enumerable.Range(0, 250).Select(i => MatchingTests.Invoice($"BAD-{i:D5}", "BAD-CUST", $"INV-X{i:D5}", 1_000 + i)).ToList();
            items[230].Currency = "XXX";

            var ex = await Assert.ThrowsAsync<RpcException>(() => server.OpenItems().UpsertAsync(items));

            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            var fields = ex.FieldViolations().Select(v => v.Field).ToList();
            Assert.Contains("items[230].currency", fields);
            Assert.Contains(ex.FieldViolations(), v => v.Field == "items" && v.Description.Contains("items[0] to items[199] were stored", StringComparison.Ordinal));
            Assert.NotNull(await server.Store.GetOpenItemAsync("BAD-00199"));
            Assert.Null(await server.Store.GetOpenItemAsync("BAD-00200"));
        });
    }

    private static async Task WithServerAsync(Func<Hosting.ServeOptions, Hosting.ServeOptions> configure, Func<ServerFixture, Task> test)
    {
        var server = new ServerFixture(64L * 1024 * 1024, configure: configure);
        await server.InitializeAsync();
        try
        {
            await test(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
