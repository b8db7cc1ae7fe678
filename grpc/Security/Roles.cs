using System.Collections.Frozen;

namespace CashApp.Grpc.Security;

/// <summary>What a caller may do. Each API key carries one role.</summary>
internal enum Role
{
    /// <summary><c>treasury</c>: pushes bank files (BankFiles).</summary>
    Treasury,

    /// <summary><c>ar-system</c>: syncs open items and customers, and calls the match API (OpenItems, Customers, Matching).</summary>
    ArSystem,

    /// <summary><c>specialist</c>: works exceptions and reads reports (Exceptions, Reports).</summary>
    Specialist,

    /// <summary><c>admin</c>: everything.</summary>
    Admin,
}

/// <summary>The role names used in key files and on the command line, and which services each role may call.</summary>
internal static class Roles
{
    /// <summary>The standard health service: anonymous, so that load balancers and orchestrators need no key.</summary>
    public const string HealthService = "grpc.health.v1.Health";

    // The tables are made at their first use, not when the type is first touched: every cashapp command builds the 'keys'
    // and 'users' verbs, which read Names, and making them compiled about 40 methods of the framework at start-up.
    private static class Lookups
    {
        public static readonly FrozenDictionary<string, Role> ByName = new Dictionary<string, Role>(StringComparer.Ordinal)
        {
            ["treasury"] = Role.Treasury,
            ["ar-system"] = Role.ArSystem,
            ["specialist"] = Role.Specialist,
            ["admin"] = Role.Admin,
        }.ToFrozenDictionary(StringComparer.Ordinal);

        // The fixed services of cashapp.v1 and the one role (besides admin) that may call each.
        public static readonly FrozenDictionary<string, Role> ServiceRole = new Dictionary<string, Role>(StringComparer.Ordinal)
        {
            ["cashapp.v1.BankFiles"] = Role.Treasury,
            ["cashapp.v1.OpenItems"] = Role.ArSystem,
            ["cashapp.v1.Customers"] = Role.ArSystem,
            ["cashapp.v1.Matching"] = Role.ArSystem,
            ["cashapp.v1.Exceptions"] = Role.Specialist,
            ["cashapp.v1.Reports"] = Role.Specialist,
            ["cashapp.v1.PayerRules"] = Role.Specialist,
        }.ToFrozenDictionary(StringComparer.Ordinal);

        public static readonly FrozenDictionary<string, Role>.AlternateLookup<ReadOnlySpan<char>> ServiceRoleBySpan = ServiceRole.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The names, in a stable order, for help texts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["treasury", "ar-system", "specialist", "admin"];

    /// <summary>Reads a role name; false when unknown.</summary>
    public static bool TryParse(string name, out Role role) => Lookups.ByName.TryGetValue(name, out role);

    /// <summary>The name of a role, as written in key files.</summary>
    public static string Name(Role role) => role switch
    {
        Role.Treasury => "treasury",
        Role.ArSystem => "ar-system",
        Role.Specialist => "specialist",
        _ => "admin",
    };

    /// <summary>
    /// Whether <paramref name="role"/> may call <paramref name="service"/> (a full service name such as
    /// <c>cashapp.v1.Exceptions</c>). Admin may call anything. Server reflection is open to every role:
    /// it tells a caller the shape of the API, never data. A service not listed is admin-only.
    /// </summary>
    public static bool Allows(Role role, ReadOnlySpan<char> service)
    {
        if (role == Role.Admin || service.StartsWith("grpc.reflection.", StringComparison.Ordinal))
        {
            return true;
        }

        // Looked up by the span itself: every call is checked, and a string per call is garbage the server collects.
        return Lookups.ServiceRoleBySpan.TryGetValue(service, out var needed) && needed == role;
    }

    /// <summary>The service part of a gRPC method path: <c>/cashapp.v1.Exceptions/Resolve</c> gives <c>cashapp.v1.Exceptions</c>.</summary>
    public static ReadOnlySpan<char> ServiceOf(string methodPath)
    {
        var span = methodPath.AsSpan().TrimStart('/');
        var slash = span.IndexOf('/');
        return slash < 0 ? span : span[..slash];
    }
}
