using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Client request ids (AIP-155) on the two calls that change money: a committed Match and a Resolve. A retry with
/// the same id gets the first response and changes nothing, on the same server or on a second one over the same
/// store; the same id with another request fails with ALREADY_EXISTS.
/// </summary>
public sealed class RequestIdTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();
    private ServerFixture? _second;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _second = ServerFixture.OnStoreOf(_server);
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Match_CommittedAndRetriedWithTheSameRequestId_ReturnsTheFirstResponseAndAppliesOnce()
    {
        await _server.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("RQ-I1", "RQ-CUST", "INV-7101001", 40_000)]);
        var request = new V1.MatchRequest
        {
            Commit = true,
            RequestId = Guid.NewGuid().ToString(),
            Payments = { MatchingTests.Payment("RQ-PAY-1", 40_000, "INV-7101001"), MatchingTests.Payment("RQ-PAY-2", 1_234, "NOTHING") },
        };

        var first = await _server.Matching("ar-system").MatchAsync(request);
        var retry = await _server.Matching("ar-system").MatchAsync(request);
        var retryElsewhere = await _second!.Matching("ar-system").MatchAsync(request);

        Assert.True(first.Committed);
        Assert.Single(first.Applications);
        Assert.Equal(first, retry);
        Assert.Equal(first, retryElsewhere);
        var store = _server.Store;
        Assert.Single(await store.ListBankFilesAsync(10));
        Assert.Single(await store.ListApplicationsAsync(new ApplicationQuery()));
        Assert.Equal(1, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
        Assert.Equal(0, (await store.GetOpenItemAsync("RQ-I1"))!.RemainingMinor);
    }

    [Fact]
    public async Task Match_SameRequestIdForAnotherRequest_AlreadyExistsAndNothingStored()
    {
        var id = Guid.NewGuid().ToString();
        await _server.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, RequestId = id, Payments = { MatchingTests.Payment("RQ-A", 500, "NOTHING") } });

        var other = new V1.MatchRequest { Commit = true, RequestId = id, Payments = { MatchingTests.Payment("RQ-B", 600, "NOTHING") } };
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _second!.Matching("ar-system").MatchAsync(other));

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        Assert.Contains(id, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Single(await _server.Store.ListBankFilesAsync(10));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Match_RequestIdNotAUuid_InvalidArgumentNamingTheField(string requestId)
    {
        var request = new V1.MatchRequest { Commit = true, RequestId = requestId, Payments = { MatchingTests.Payment("RQ-X", 500, "NOTHING") } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _server.Matching("ar-system").MatchAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(ex.FieldViolations(), v => v.Field == "request_id");
        Assert.Empty(await _server.Store.ListBankFilesAsync(10));
    }

    [Fact]
    public async Task Resolve_RetriedWithTheSameRequestId_ReturnsTheFirstResponseAndAppliesOnce()
    {
        await _server.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("RV-I1", "RV-CUST", "INV-7102001", 90_000)]);
        await _server.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, Payments = { MatchingTests.Payment("RV-PAY-1", 30_000, "NOTHING") } });
        var exception = Assert.Single((await _server.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open })).Exceptions);
        var resolve = new V1.ResolveExceptionRequest
        {
            ExceptionId = exception.ExceptionId,
            ExpectedRowVersion = exception.RowVersion,
            Reason = "payer confirmed by phone: part of INV-7102001",
            RequestId = Guid.NewGuid().ToString(),
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "RV-I1", AmountMinor = 30_000 } } },
        };

        var first = await _server.Exceptions("specialist").ResolveAsync(resolve);
        var retry = await _server.Exceptions("specialist").ResolveAsync(resolve);
        var retryElsewhere = await _second!.Exceptions("specialist").ResolveAsync(resolve);

        Assert.Equal(V1.ExceptionStatus.Resolved, first.Status);
        Assert.Equal(first, retry);
        Assert.Equal(first, retryElsewhere);
        Assert.Equal(60_000, (await _server.Store.GetOpenItemAsync("RV-I1"))!.RemainingMinor);
        Assert.Single(await _server.Store.ListApplicationsAsync(new ApplicationQuery { ItemId = "RV-I1" }));

        resolve.Reason = "another decision under the same id";
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _server.Exceptions("specialist").ResolveAsync(resolve));
        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        Assert.Equal(60_000, (await _server.Store.GetOpenItemAsync("RV-I1"))!.RemainingMinor);
    }

    [Fact]
    public async Task Resolve_FirstCallFailed_RetryWithTheSameIdRunsAgain()
    {
        await _server.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("RF-I1", "RF-CUST", "INV-7103001", 10_000)]);
        await _server.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, Payments = { MatchingTests.Payment("RF-PAY-1", 30_000, "NOTHING") } });
        var exception = Assert.Single((await _server.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open })).Exceptions);
        var resolve = new V1.ResolveExceptionRequest
        {
            ExceptionId = exception.ExceptionId,
            ExpectedRowVersion = exception.RowVersion + 1,
            Reason = "write off the rest",
            RequestId = Guid.NewGuid().ToString(),
            WriteOff = new V1.WriteOff(),
        };

        // A stale row version fails and changes nothing; the id is not spent on a failure.
        var stale = await Assert.ThrowsAsync<RpcException>(async () => await _server.Exceptions("specialist").ResolveAsync(resolve));
        var again = await Assert.ThrowsAsync<RpcException>(async () => await _server.Exceptions("specialist").ResolveAsync(resolve));

        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal(StatusCode.Aborted, again.StatusCode);
        Assert.Equal(ExceptionStatus.Open, (await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items.Single().Status);
    }
}
