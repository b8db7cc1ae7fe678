namespace CashApp.Tests;

/// <summary>Finds the repository and the shared material beside it (../shared from the project root).</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CashApp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CashApp.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Repo => Root.Value;

    /// <summary>../shared from the repository root, or where <c>CASHAPP_SHARED</c> says (a clone made elsewhere).</summary>
    public static string Shared => Environment.GetEnvironmentVariable("CASHAPP_SHARED") is { Length: > 0 } shared
        ? Path.GetFullPath(shared)
        : Path.GetFullPath(Path.Combine(Repo, "..", "shared"));

    /// <summary>The external fixtures of ../shared.</summary>
    public static string External => Path.Combine(Shared, "fixtures", "external");

    /// <summary>The project's own fixtures.</summary>
    public static string Fixtures => Path.Combine(Repo, "fixtures");

    /// <summary>A path under the external fixtures.</summary>
    public static string ExternalFile(params string[] parts) => Path.Combine([External, .. parts]);
}
