using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>Two specialists deciding on one exception at once: exactly one wins, the others get ABORTED.</summary>
[Collection(SharedServer.Name)]
public sealed class ConcurrencyTests(ServerFixture server)
{
    [Fact]
    public async Task Resolve_ManyAtOnceOnOneVersion_ExactlyOneWins_RestAborted()
    {
        var exception = await NewExceptionAsync("RACE-1", 4_200);
        var attempts = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await server.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
                {
                    ExceptionId = exception.ExceptionId,
                    ExpectedRowVersion = exception.RowVersion,
                    Reason = "specialist " + i,
                    WriteOff = new V1.WriteOff(),
                });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(s => s == StatusCode.OK));
        Assert.All(outcomes.Where(s => s != StatusCode.OK), s => Assert.Equal(StatusCode.Aborted, s));
        var after = await server.Exceptions("specialist").GetAsync(new V1.GetExceptionRequest { ExceptionId = exception.ExceptionId });
        Assert.Equal(V1.ExceptionStatus.Resolved, after.Status);
    }

    [Fact]
    public async Task Resolve_ApplyToOneInvoiceFromTwoExceptionsAtOnce_NeverPastItsOpenAmount()
    {
        await server.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("RACE-ITEM", "RACE-CUST", "INV-RACE", 10_000)]);
        var a = await NewExceptionAsync("RACE-A", 10_000);
        var b = await NewExceptionAsync("RACE-B", 10_000);
        var outcomes = await Task.WhenAll(new[] { a, b }.Select(async e =>
        {
            try
            {
                await server.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
                {
                    ExceptionId = e.ExceptionId,
                    ExpectedRowVersion = e.RowVersion,
                    Reason = "customer called",
                    ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "RACE-ITEM", AmountMinor = 10_000 } } },
                });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(1, outcomes.Count(s => s == StatusCode.OK));
        Assert.Contains(outcomes, s => s is StatusCode.FailedPrecondition or StatusCode.Aborted);
        var item = await server.OpenItems("ar-system").GetAsync(new V1.GetOpenItemRequest { ItemId = "RACE-ITEM" });
        Assert.Equal(0, item.OpenAmountMinor);
        Assert.Equal(10_000, item.AppliedAmountMinor);
    }

    [Fact]
    public async Task Assign_StaleRowVersion_Aborted()
    {
        var exception = await NewExceptionAsync("ASSIGN-1", 300);
        var assigned = await server.Exceptions("specialist").AssignAsync(new V1.AssignExceptionRequest { ExceptionId = exception.ExceptionId, ExpectedRowVersion = exception.RowVersion, Assignee = "ana" });
        Assert.Equal("ana", assigned.Assignee);
        Assert.True(assigned.RowVersion > exception.RowVersion);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Exceptions("specialist").AssignAsync(new V1.AssignExceptionRequest { ExceptionId = exception.ExceptionId, ExpectedRowVersion = exception.RowVersion, Assignee = "bo" }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
    }

    /// <summary>Commits a payment nobody can match, and returns the exception it opened.</summary>
    private async Task<V1.ExceptionCase> NewExceptionAsync(string reference, long minor)
    {
        var response = await server.Matching("ar-system").MatchAsync(new V1.MatchRequest
        {
            Commit = true,
            Payments = { new V1.Payment { PaymentRef = reference, AmountMinor = minor, Currency = "USD", PayerName = "Unknown Payer " + reference } },
        });
        Assert.True(response.Committed);
        string? token = null;
        while (true)
        {
            var page = await server.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 1000, PageToken = token ?? string.Empty });
            var found = page.Exceptions.FirstOrDefault(e => e.PaymentRef == reference);
            if (found is not null)
            {
                return found;
            }

            Assert.NotEmpty(page.NextPageToken);
            token = page.NextPageToken;
        }
    }
}
