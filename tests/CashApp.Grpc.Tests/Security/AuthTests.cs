using CashApp.Grpc.Tests.Server;
using Grpc.Core;
using Grpc.Health.V1;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Security;

/// <summary>Every call needs a key; each role reaches only its services; health is anonymous.</summary>
[Collection(SharedServer.Name)]
public sealed class AuthTests(ServerFixture server)
{
    public static TheoryData<string, string, bool> Matrix()
    {
        var allowed = new Dictionary<string, string[]>
        {
            ["treasury"] = ["BankFiles"],
            ["ar-system"] = ["OpenItems", "Customers", "Matching"],
            ["specialist"] = ["Exceptions", "Reports"],
            ["admin"] = ["OpenItems", "Customers", "BankFiles", "Matching", "Exceptions", "Reports"],
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var (role, services) in allowed)
        {
            foreach (var service in new[] { "OpenItems", "Customers", "BankFiles", "Matching", "Exceptions", "Reports" })
            {
                data.Add(role, service, services.Contains(service));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Call_RoleAndService_AllowedOrPermissionDenied(string role, string service, bool allowed)
    {
        var status = await StatusOf(server.AsRole(role), service);
        if (allowed)
        {
            Assert.NotEqual(StatusCode.PermissionDenied, status);
            Assert.NotEqual(StatusCode.Unauthenticated, status);
        }
        else
        {
            Assert.Equal(StatusCode.PermissionDenied, status);
        }
    }

    [Theory]
    [InlineData("OpenItems")]
    [InlineData("Customers")]
    [InlineData("BankFiles")]
    [InlineData("Matching")]
    [InlineData("Exceptions")]
    [InlineData("Reports")]
    public async Task Call_NoKey_Unauthenticated(string service) =>
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(server.As(null), service));

    [Theory]
    [InlineData("OpenItems")]
    [InlineData("BankFiles")]
    [InlineData("Exceptions")]
    public async Task Call_UnknownKey_Unauthenticated(string service) =>
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(server.As("cak_not-a-key-this-server-knows"), service));

    [Fact]
    public async Task Call_KeyWithoutBearerScheme_Unauthenticated()
    {
        var client = new V1.Reports.ReportsClient(server.Channel);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SummaryAsync(new V1.SummaryRequest(), new Metadata { { "authorization", server.Key("admin") } }));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_NoKey_Serving()
    {
        var health = new Health.HealthClient(server.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_AnyValidKey_ListsTheServices()
    {
        var reflection = new global::Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(server.AsRole("treasury"));
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new global::Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("cashapp.v1.Exceptions", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    private static async Task<StatusCode> StatusOf(CallInvoker invoker, string service)
    {
        try
        {
            switch (service)
            {
                case "OpenItems":
                    await new V1.OpenItems.OpenItemsClient(invoker).GetAsync(new V1.GetOpenItemRequest { ItemId = "NO-SUCH-ITEM" });
                    break;
                case "Customers":
                    await new V1.Customers.CustomersClient(invoker).UpsertAsync([]);
                    break;
                case "BankFiles":
                    await new V1.BankFiles.BankFilesClient(invoker).IngestAsync("empty.txt", []);
                    break;
                case "Matching":
                    await new V1.Matching.MatchingClient(invoker).MatchAsync(new V1.MatchRequest());
                    break;
                case "Exceptions":
                    await new V1.Exceptions.ExceptionsClient(invoker).ListAsync(new V1.ListExceptionsRequest { PageSize = 1 });
                    break;
                default:
                    await new V1.Reports.ReportsClient(invoker).SummaryAsync(new V1.SummaryRequest());
                    break;
            }

            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
