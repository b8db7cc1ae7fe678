using System.Diagnostics;
using System.Text.Json;
using CashApp.Engine.Matching;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp match</c> asks for 2 MB pages for its heap from a size of input (<c>CASHAPP_HUGE_PAGES_FROM</c>, 64 MiB by
/// default), says so in <c>--stats</c>, and writes the same files either way. Each run is a process of its own: the
/// advice is the process's, and this one's other tests look at their own arrays' pages.
/// </summary>
public sealed class MatchCommandHugePagesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-hugepages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task Match_AskedFromZeroBytes_AdvisesTheCollectorsReserve_AndWritesWhatARunWithoutItWrites()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"), "transparent huge pages are a Linux kernel's (/sys/kernel/mm/transparent_hugepage)");
        Skip.IfNot(HugePages.CollectorRun() is { } run && (long)(run.End - run.Start) >= HugePages.CollectorReserveBytes, "this process's collector reserves less than 1 GiB (a heap hard limit, a container's memory limit, the segments collector), and so would the child's");

        var (code, error, advised) = await Run("0", "always");
        Assert.True(code == 0, error);
        var (neverCode, neverError, notAdvised) = await Run("never", "never");
        Assert.True(neverCode == 0, neverError);

        // The collector reserves hundreds of gigabytes up front; the run advises all of it, the run told never none.
        Assert.True(advised >= 1L << 30, $"advised {advised} bytes");
        Assert.Equal(0, notAdvised);
        foreach (var file in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "never", file)), File.ReadAllBytes(Path.Combine(_folder, "always", file)));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Match_DemoDayByDefault_IsBelowTheSizeAndAdvisesNothing(string? hugePagesFrom)
    {
        var (code, error, advised) = await Run(hugePagesFrom, "default");
        Assert.True(code == 0, error);
        Assert.Equal(0, advised);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("64MiB")]
    public async Task Match_UnreadableSize_FailsNamingTheVariableAndWritesNothing(string value)
    {
        var (code, error, _) = await Run(value, "bad");
        Assert.Equal(2, code);
        Assert.Contains($"CASHAPP_HUGE_PAGES_FROM: expected a number of bytes (0 or more) or 'never', found '{value}'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "bad")));
    }

    /// <summary>The demo day matched by a <c>cashapp</c> process with the variable set (or not): its exit code, standard error and the bytes it advised.</summary>
    private async Task<(int Code, string Error, long Advised)> Run(string? hugePagesFrom, string name)
    {
        var stats = Path.Combine(_folder, name + ".json");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("CASHAPP_HUGE_PAGES_FROM");
        if (hugePagesFrom is not null)
        {
            start.Environment["CASHAPP_HUGE_PAGES_FROM"] = hugePagesFrom;
        }

        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "cashapp.dll"), "match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            "--bank", TestPaths.Demo("bank", "day.bai2"), "--bank", TestPaths.Demo("bank", "day.camt053.xml"), "--bank", TestPaths.Demo("bank", "day.lockbox.txt"),
            "--out", Path.Combine(_folder, name), "--stats", stats, "--quiet"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cashapp match ({name}) did not end in 2 minutes");
        }

        await output;
        var errorText = await error;
        long advised = -1;
        if (File.Exists(stats))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(stats));
            advised = json.RootElement.GetProperty("huge_page_advised_bytes").GetInt64();
        }

        return (process.ExitCode, errorText, advised);
    }
}
