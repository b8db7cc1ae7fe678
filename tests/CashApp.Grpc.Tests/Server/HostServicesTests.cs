using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using CashApp.Grpc.Services;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>The interceptors and the matching service are one instance each, held by the container, not made per call.</summary>
[Collection(SharedServer.Name)]
public sealed class HostServicesTests(ServerFixture server)
{
    [Fact]
    public async Task Match_InterceptorsAndService_AreTheContainersOwn_AndStillGuardEveryCall()
    {
        // gRPC takes an interceptor or a service from the container when it holds one, and makes one per call otherwise.
        Assert.Same(server.Services.GetService<ApiKeyInterceptor>(), server.Services.GetRequiredService<ApiKeyInterceptor>());
        Assert.Same(server.Services.GetService<FaultInterceptor>(), server.Services.GetRequiredService<FaultInterceptor>());
        Assert.Same(server.Services.GetService<MatchingService>(), server.Services.GetRequiredService<MatchingService>());

        // One instance serves one call after another: a call without a key is refused, one with a key answered.
        var request = new V1.MatchRequest { Payments = { new V1.Payment { PaymentRef = "SINGLETON-1", AmountMinor = 1_00, Currency = "USD" } } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Matching.MatchingClient(server.As(null)).MatchAsync(request));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        for (var i = 0; i < 3; i++)
        {
            var response = await server.Matching().MatchAsync(request);
            Assert.Single(response.Exceptions);
        }
    }
}
