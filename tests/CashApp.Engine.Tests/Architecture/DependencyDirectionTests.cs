using System.Reflection;

namespace CashApp.Engine.Tests.Architecture;

/// <summary>Dependencies point one way: parsers reference nothing of ours; the engine never reaches the wire.</summary>
public sealed class DependencyDirectionTests
{
    private static string[] References(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty)];

    [Fact]
    public void Parsers_ReferenceNothingOfOurs()
    {
        var refs = References(typeof(CashApp.Parsers.Common.BankTransaction).Assembly);
        Assert.DoesNotContain(refs, r => r.StartsWith("CashApp", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.Equals("cashapp", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_ReferencesParsersButNeverGrpcOrProtobuf()
    {
        var refs = References(typeof(CashApp.Engine.Matching.CashMatcher).Assembly);
        Assert.Contains("CashApp.Parsers", refs);
        Assert.DoesNotContain(refs, r => r.StartsWith("Grpc", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.StartsWith("Google.Protobuf", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.Equals("cashapp", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_ReferencesNoDatabaseDriver()
    {
        var refs = References(typeof(CashApp.Engine.Matching.CashMatcher).Assembly);
        Assert.DoesNotContain(refs, r => r.StartsWith("Microsoft.Data", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.StartsWith("System.Data.SqlClient", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.Equals("CashApp.Store", StringComparison.Ordinal));
    }

    [Fact]
    public void Store_ReferencesTheEngineButNeverTheWire()
    {
        var refs = References(typeof(CashApp.Store.ICashStore).Assembly);
        Assert.Contains("CashApp.Engine", refs);
        Assert.DoesNotContain(refs, r => r.StartsWith("Grpc", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.Equals("cashapp", StringComparison.Ordinal));
    }
}
