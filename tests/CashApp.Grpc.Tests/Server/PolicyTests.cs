using CashApp.Engine.Matching;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CashApp.Grpc.Tests.Server;

/// <summary><c>cashapp serve --policy</c>: the server matches by the file's policy, and a bad file stops it before it opens the store.</summary>
public sealed class PolicyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-policy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ServeOptions Options(string policy)
    {
        var keys = Path.Combine(_folder, "keys.txt");
        Assert.True(Roles.TryParse("admin", out var admin));
        File.WriteAllLines(keys, [ApiKeyRing.FileLine(ApiKeyRing.NewKey(), admin)]);
        var path = Path.Combine(_folder, "policy.json");
        File.WriteAllText(path, policy);
        return new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(_folder, "cashapp.db"),
            ApiKeysPath = keys,
            PolicyPath = path,
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
        };
    }

    [Fact]
    public async Task Build_PolicyFile_IsThePolicyTheServerMatchesBy()
    {
        var app = await CashAppHost.BuildAsync(Options("""{ "minNameScore": 93, "minAutoConfidence": 0.95 }"""));
        await using (app)
        {
            Assert.Equal(MatchPolicy.Default with { MinNameScore = 93, MinAutoConfidence = 0.95 }, app.Services.GetRequiredService<MatchPolicy>());
        }
    }

    [Fact]
    public async Task Build_BadPolicyFile_RefusedNamingTheLineAndSettingBeforeTheStoreIsOpened()
    {
        var options = Options("{\n  \"maxReferenceEdits\": 3\n}");

        var ex = await Assert.ThrowsAsync<ServeConfigurationException>(() => CashAppHost.BuildAsync(options));

        Assert.StartsWith($"{options.PolicyPath}:2: setting 'maxReferenceEdits': expected a whole number from 0 to 2, found 3", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.DbPath));
    }

    [Fact]
    public async Task Build_NegativeSnapshotMaxAge_RefusedBeforeTheStoreIsOpened()
    {
        var options = Options("{}") with { SnapshotMaxAge = TimeSpan.FromSeconds(-1) };

        var ex = await Assert.ThrowsAsync<ServeConfigurationException>(() => CashAppHost.BuildAsync(options));

        Assert.Equal("--snapshot-max-age must be 0 or more seconds (got -1).", ex.Message);
        Assert.False(File.Exists(options.DbPath));
    }
}
