using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;

namespace CashApp.Grpc.Tests.Security;

public sealed class KeyFileTests
{
    [Fact]
    public void Load_FileLineOfNewKey_FindsTheKeyWithItsRole()
    {
        var path = Path.GetTempFileName();
        try
        {
            var key = ApiKeyRing.NewKey();
            File.WriteAllLines(path, ["# comment", string.Empty, ApiKeyRing.FileLine(key, Role.Specialist) + "  # ana's tool"]);
            var ring = ApiKeyRing.Load(path);

            Assert.Equal(Role.Specialist, ring.Find(key)?.Role);
            Assert.Null(ring.Find(key + "x"));
            Assert.Null(ring.Find(string.Empty));
            Assert.DoesNotContain(key, File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("abc admin", ":1: expected")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000 root", ":1: unknown role 'root'")]
    public void Load_BadLine_NamesTheLine(string line, string expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, [line]);
            var ex = Assert.Throws<ApiKeyFileException>(() => ApiKeyRing.Load(path));
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", false, true)]
    [InlineData("http://localhost:5080", false, true)]
    [InlineData("http://[::1]:5080", false, true)]
    [InlineData("http://0.0.0.0:5080", false, false)]
    [InlineData("http://*:5080", false, false)]
    [InlineData("http://10.1.2.3:5080", false, false)]
    [InlineData("http://10.1.2.3:5080", true, true)]
    [InlineData("https://0.0.0.0:5443", false, true)]
    public void AddressPolicy_PlainHttp_OnlyOnLoopbackUnlessAllowed(string url, bool allowInsecure, bool accepted) =>
        Assert.Equal(accepted, AddressPolicy.Check([url], allowInsecure) is null);

    [Theory]
    [InlineData("/cashapp.v1.Exceptions/Resolve", "cashapp.v1.Exceptions")]
    [InlineData("/grpc.health.v1.Health/Check", "grpc.health.v1.Health")]
    public void ServiceOf_MethodPath_ServiceName(string path, string service) =>
        Assert.Equal(service, Roles.ServiceOf(path).ToString());
}
