namespace CashApp.Tests;

/// <summary>
/// Finds the repository and the shared material beside it (../shared from the project root). The shared
/// material (external bank-file samples, cashbench) is optional: a test that reads it through
/// <see cref="Shared"/>, <see cref="External"/> or <see cref="ExternalFile"/> is a <c>[SkippableFact]</c> or
/// <c>[SkippableTheory]</c>, and is skipped, with the reason, when it is absent; with
/// <c>CASHAPP_REQUIRE_SHARED=1</c> (as <c>.ci/run</c> sets it) it fails instead.
/// </summary>
internal static class TestPaths
{
    /// <summary>The switch that turns a skip for missing shared material into a failure.</summary>
    public const string RequireSharedVariable = "CASHAPP_REQUIRE_SHARED";

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

    /// <summary>Where the shared material is looked for: <c>CASHAPP_SHARED</c> when set, else ../shared from the repository root.</summary>
    public static string SharedRoot => Environment.GetEnvironmentVariable("CASHAPP_SHARED") is { Length: > 0 } shared
        ? Path.GetFullPath(shared)
        : Path.GetFullPath(Path.Combine(Repo, "..", "shared"));

    /// <summary>Whether the shared material is there.</summary>
    public static bool HasShared => Directory.Exists(SharedRoot);

    /// <summary>The shared material; skips the calling test (or fails it, when required) if it is absent.</summary>
    public static string Shared => RequireShared(SharedRoot);

    /// <summary>The external fixtures of ../shared; skips the calling test (or fails it, when required) if absent.</summary>
    public static string External => RequireShared(Path.Combine(SharedRoot, "fixtures", "external"));

    /// <summary>The project's own fixtures.</summary>
    public static string Fixtures => Path.Combine(Repo, "fixtures");

    /// <summary>A file or folder of the bundled demo day (<c>fixtures/demo</c>).</summary>
    public static string Demo(params string[] parts) => Path.Combine([Fixtures, "demo", .. parts]);

    /// <summary>A file or folder under the external fixtures; skips the calling test (or fails it, when required) if absent.</summary>
    public static string ExternalFile(params string[] parts) => RequireShared(Path.Combine([SharedRoot, "fixtures", "external", .. parts]));

    /// <summary>A file or folder under the shared material (<c>cashbench/gen.py</c>); skips (or fails, when required) if absent.</summary>
    public static string SharedFile(params string[] parts) => RequireShared(Path.Combine([SharedRoot, .. parts]));

    /// <summary>
    /// Rows for a theory whose cases are files found in the shared material: the rows when it is there, else
    /// one row of <paramref name="placeholder"/> values, so that the theory shows one skipped case (its body
    /// reaches <see cref="ExternalFile"/>) rather than no case at all.
    /// </summary>
    public static IEnumerable<object[]> SharedRows(Func<IEnumerable<object[]>> rows, params object[] placeholder) =>
        HasShared ? rows() : [placeholder];

    /// <summary>The placeholder file name of <see cref="SharedRows"/>.</summary>
    public const string AbsentFile = "(shared material absent)";

    private static string RequireShared(string path)
    {
        if (Directory.Exists(path) || File.Exists(path))
        {
            return path;
        }

        var reason = HasShared
            ? $"{path} is not in the shared material at {SharedRoot}."
            : $"the shared material (external bank-file samples, cashbench) is not at {SharedRoot}: put it beside the repository as ../shared, or name it with CASHAPP_SHARED.";
        if (Environment.GetEnvironmentVariable(RequireSharedVariable) == "1")
        {
            Assert.Fail($"{RequireSharedVariable}=1 and {reason}");
        }

        Skip.If(true, "Needs " + reason);
        return path;
    }
}
