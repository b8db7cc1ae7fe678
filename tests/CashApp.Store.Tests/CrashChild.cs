namespace CashApp.Store.Tests;

/// <summary>The test assembly's entry point: nothing for the test runner, the crash test's child process otherwise.</summary>
internal static class CrashChild
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["ingest-child", var path, var credits, var files])
        {
            await CrashTests.RunChildAsync(path, int.Parse(credits, System.Globalization.CultureInfo.InvariantCulture), int.Parse(files, System.Globalization.CultureInfo.InvariantCulture));
            return 0;
        }

        return 0;
    }
}
