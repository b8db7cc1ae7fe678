using CashApp.Engine.Matching;
using CashApp.Grpc.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// What a client is told of a failure no service anticipated: a ledger past what one matcher holds is
/// RESOURCE_EXHAUSTED with the limit it passed; anything else is INTERNAL with an incident id and nothing of the
/// exception.
/// </summary>
public sealed class FaultInterceptorTests
{
    [Fact]
    public async Task Unary_LedgerPastWhatOneMatcherHolds_ResourceExhaustedNamingTheLimit()
    {
        var interceptor = new FaultInterceptor(NullLogger<FaultInterceptor>.Instance);
        LedgerCapacityException thrown;
        using (MatcherCapacity.Lowered(fuzzyItems: 2))
        {
            thrown = Assert.Throws<LedgerCapacityException>(() => MatcherCapacity.CheckFuzzyItem(2));
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("request", new Context(), (_, _) => throw thrown));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(thrown.Message, refused.Status.Detail);
        Assert.Contains("item 3 in id order has an invoice number to index, and one ledger indexes those of its first 2 items at most.", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_AnyOtherFailure_InternalWithAnIncidentAndNothingOfTheException()
    {
        var interceptor = new FaultInterceptor(NullLogger<FaultInterceptor>.Instance);

        var failed = await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", new Context(), (_, _) => throw new InvalidOperationException("secret detail")));

        Assert.Equal(StatusCode.Internal, failed.StatusCode);
        Assert.Matches("^The server failed on this call \\(incident [0-9a-f]{12}\\); what it stored before then stays stored\\.$", failed.Status.Detail);
    }

    /// <summary>A call's context with nothing but a method's name and no caller.</summary>
    private sealed class Context : ServerCallContext
    {
        protected override string MethodCore => "/cashapp.v1.Matching/Match";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
