using System.Diagnostics;
using System.Text.Json;
using CashApp.Engine.Matching;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp match</c> asks for 2 MB pages for its heap (<c>CASHAPP_HUGE_PAGES_FROM</c>), and loads its files with the
/// collector held off (<c>CASHAPP_LOADS_WITHOUT_GC_FROM</c>), each from a size of input (64 and 8 MiB by default); it says
/// so in <c>--stats</c>, and writes the same files either way; it runs on the collector its runtime configuration asks for.
/// Each run is a process of its own: all three are the process's, and this one's other tests look at their own arrays'
/// pages and collections.
/// </summary>
public sealed class MatchCommandMemoryTests : IDisposable
{
    private const string HugePagesFrom = CashApp.Grpc.Cli.MatchCommand.HugePagesVariable;
    private const string LoadsWithoutGcFrom = CashApp.Grpc.Cli.MatchCommand.LoadsWithoutCollectionsVariable;

    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-match-memory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task Match_AskedFromZeroBytes_AdvisesTheCollectorsReserve_AndWritesWhatARunWithoutItWrites()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"), "transparent huge pages are a Linux kernel's (/sys/kernel/mm/transparent_hugepage)");
        Skip.IfNot(HugePages.CollectorRun() is { } run && (long)(run.End - run.Start) >= HugePages.CollectorReserveBytes, "this process's collector reserves less than 1 GiB (a heap hard limit, a container's memory limit, the segments collector), and so would the child's");

        var always = await Run(HugePagesFrom, "0", "always");
        Assert.True(always.Code == 0, always.Error);
        var never = await Run(HugePagesFrom, "never", "never");
        Assert.True(never.Code == 0, never.Error);

        // The collector reserves hundreds of gigabytes up front; the run advises all of it, the run told never none.
        Assert.True(always.Advised >= 1L << 30, $"advised {always.Advised} bytes");
        Assert.Equal(0, never.Advised);
        AssertSameFiles("never", "always");
    }

    [Fact]
    public async Task Match_LoadsWithoutGcFromZeroBytes_HoldsTheCollectorOffThroughTheLoads_AndWritesWhatARunWithoutItWrites()
    {
        var held = await Run(LoadsWithoutGcFrom, "0", "held");
        Assert.True(held.Code == 0, held.Error);
        var never = await Run(LoadsWithoutGcFrom, "never", "collected");
        Assert.True(never.Code == 0, never.Error);

        // The demo day is far below the budget's floor: its loads end with the hold still on.
        Assert.True(held.LoadsBudget >= 64L << 20, $"budget {held.LoadsBudget} bytes");
        Assert.True(held.LoadsHeld);
        Assert.Equal(0, never.LoadsBudget);
        Assert.False(never.LoadsHeld);
        AssertSameFiles("collected", "held");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Match_DemoDayByDefault_IsBelowBothSizes_AdvisesNothing_AndLoadsWithTheCollector(string? value)
    {
        var run = await Run(new() { [HugePagesFrom] = value, [LoadsWithoutGcFrom] = value }, "default");
        Assert.True(run.Code == 0, run.Error);
        Assert.Equal(0, run.Advised);
        Assert.Equal(0, run.LoadsBudget);
        Assert.False(run.LoadsHeld);
    }

    /// <summary>
    /// From 8 MiB of input files by default, and not one byte less: the demo day's AR and its lockbox file, padded with the
    /// block fill of all 9s a lockbox file may end with (read and ignored), to the size.
    /// </summary>
    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public async Task Match_DayOf8MiBByDefault_LoadsWithTheCollectorHeldOff_AndOneByteLessDoesNot(int fromSize, bool held)
    {
        var size = (8L << 20) + fromSize;
        var (lockbox, arBytes) = PaddedDay(size, $"padded{fromSize}");
        var run = await Run(new() { [HugePagesFrom] = "never" }, $"padded{fromSize}", [lockbox]);
        Assert.True(run.Code == 0, run.Error);
        Assert.Equal(held, run.LoadsBudget > 0);
        Assert.Equal(held, run.LoadsHeld);
        Assert.Equal(size, run.Stats.GetProperty("files").EnumerateArray().Sum(f => f.GetProperty("bytes").GetInt64()) + arBytes);
    }

    /// <summary>
    /// From 64 MiB of input files by default, and not one byte less: the demo day padded as above. Where the collector
    /// reserves less than 1 GiB nothing is advised at any size, and this could not tell the two apart.
    /// </summary>
    [SkippableTheory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public async Task Match_DayOf64MiBByDefault_AdvisesTheHeap_AndOneByteLessDoesNot(int fromSize, bool advised)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"), "transparent huge pages are a Linux kernel's (/sys/kernel/mm/transparent_hugepage)");
        Skip.IfNot(HugePages.CollectorRun() is { } run && (long)(run.End - run.Start) >= HugePages.CollectorReserveBytes, "this process's collector reserves less than 1 GiB (a heap hard limit, a container's memory limit, the segments collector), and so would the child's");

        var (lockbox, _) = PaddedDay((64L << 20) + fromSize, $"padded64{fromSize}");
        var day = await Run(new(), $"padded64{fromSize}", [lockbox]);
        Assert.True(day.Code == 0, day.Error);
        Assert.Equal(advised, day.Advised >= 1L << 30);
        Assert.Equal(advised, day.Advised != 0);
    }

    /// <summary>
    /// The demo day's lockbox file padded with the block fill of all 9s a lockbox file may end with (read and ignored), so
    /// that with the demo's AR files the day's input is <paramref name="size"/> bytes; the file, and the AR files' bytes.
    /// </summary>
    private (string Lockbox, long ArBytes) PaddedDay(long size, string name)
    {
        var lockbox = Path.Combine(_folder, name + ".lockbox.txt");
        var content = File.ReadAllBytes(TestPaths.Demo("bank", "day.lockbox.txt"));
        var arBytes = new FileInfo(TestPaths.Demo("open_items.csv")).Length + new FileInfo(TestPaths.Demo("customers.csv")).Length;
        var fill = size - content.Length - arBytes;
        using var file = File.Create(lockbox);
        file.Write(content);
        for (; fill > 0; fill -= 81)
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(new string('9', (int)Math.Min(80, fill - 1)) + "\n"));
        }

        return (lockbox, arBytes);
    }

    [Fact]
    public async Task Match_RunsWithoutDatas_WithFirstGenerationsOf64MiB_AndAServerHeapPerCore()
    {
        // cashapp.runtimeconfig.json asks for them (grpc/CashApp.Grpc.csproj); a runtime that stopped reading one of them
        // would fail here rather than leave the 1M day slower without a word.
        var run = await Run(new(), "collector");
        Assert.True(run.Code == 0, run.Error);
        Assert.True(run.Stats.GetProperty("gc_dynamic_adaptation").GetInt64() == 0, "DATAS is on");
        Assert.True(run.Stats.GetProperty("gc_gen0_max_budget_bytes").GetInt64() == 64L << 20, $"first generation budget {run.Stats.GetProperty("gc_gen0_max_budget_bytes")}");

        // On one core the runtime runs the workstation collector, whatever the configuration asks. The child counts its
        // cores as its collector does: Run takes DOTNET_PROCESSOR_COUNT and the heaps' affinity settings out of its environment.
        var cores = run.Stats.GetProperty("processors").GetInt32();
        Assert.True(run.Stats.GetProperty("gc_server").GetBoolean() == cores > 1, $"server collector {run.Stats.GetProperty("gc_server")} on {cores} cores");
        Assert.True(run.Stats.GetProperty("gc_max_heaps").GetInt64() == cores, $"{run.Stats.GetProperty("gc_max_heaps")} heaps on {cores} cores");
    }

    [Fact]
    public async Task Match_CollectorSettingsFromTheEnvironment_OverrideTheShippedOnes_AndStatsSaySo()
    {
        // What a user who wants DATAS back, or another budget, sets; the runtime reads DOTNET_ numbers as hexadecimal, so
        // 2000000 is 32 MiB. The run reports the settings it really had.
        var run = await Run(new() { ["DOTNET_GCDynamicAdaptationMode"] = "1", ["DOTNET_GCGen0MaxBudget"] = "2000000" }, "environment");
        Assert.True(run.Code == 0, run.Error);
        Assert.Equal(1, run.Stats.GetProperty("gc_dynamic_adaptation").GetInt64());
        Assert.Equal(32L << 20, run.Stats.GetProperty("gc_gen0_max_budget_bytes").GetInt64());
    }

    [Theory]
    [InlineData(HugePagesFrom, "lots")]
    [InlineData(HugePagesFrom, "-1")]
    [InlineData(HugePagesFrom, "64MiB")]
    [InlineData(LoadsWithoutGcFrom, "lots")]
    [InlineData(LoadsWithoutGcFrom, "1e9")]
    public async Task Match_UnreadableSize_FailsNamingTheVariableAndWritesNothing(string variable, string value)
    {
        var run = await Run(variable, value, "bad");
        Assert.Equal(2, run.Code);
        Assert.Contains($"{variable}: expected a number of bytes (0 or more) or 'never', found '{value}'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "bad")));
    }

    private static bool IsRuntimeSetting(string variable) =>
        ((string[])["DOTNET_GC", "COMPlus_GC", "DOTNET_PROCESSOR_COUNT", "COMPlus_PROCESSOR_COUNT"]).Any(prefix => variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private void AssertSameFiles(string expected, string actual)
    {
        foreach (var file in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, expected, file)), File.ReadAllBytes(Path.Combine(_folder, actual, file)));
        }
    }

    /// <summary>
    /// The demo day matched by a <c>cashapp</c> process with <paramref name="variable"/> set to <paramref name="value"/> (or
    /// not set, for null), and neither variable otherwise: its exit code, standard error, the bytes it advised for 2 MB
    /// pages and the loads' budget without collections, and whether they ran without one.
    /// </summary>
    private Task<(int Code, string Error, long Advised, long LoadsBudget, bool LoadsHeld, JsonElement Stats)> Run(string variable, string? value, string name) =>
        Run(new() { [variable] = value }, name);

    /// <summary>The same, with each of <paramref name="variables"/> set to its value (or left unset, for null), and the demo day's bank files or <paramref name="bankFiles"/>.</summary>
    private async Task<(int Code, string Error, long Advised, long LoadsBudget, bool LoadsHeld, JsonElement Stats)> Run(Dictionary<string, string?> variables, string name, string[]? bankFiles = null)
    {
        var stats = Path.Combine(_folder, name + ".json");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove(HugePagesFrom);
        start.Environment.Remove(LoadsWithoutGcFrom);

        // The runtime's own variables (either prefix) would override cashapp.runtimeconfig.json's collector settings, or
        // make the child count its cores otherwise than its collector does.
        foreach (var setting in start.Environment.Keys.Where(IsRuntimeSetting).ToList())
        {
            start.Environment.Remove(setting);
        }

        foreach (var (variable, value) in variables)
        {
            if (value is not null)
            {
                start.Environment[variable] = value;
            }
        }

        bankFiles ??= [TestPaths.Demo("bank", "day.bai2"), TestPaths.Demo("bank", "day.camt053.xml"), TestPaths.Demo("bank", "day.lockbox.txt")];
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "cashapp.dll"), "match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            .. bankFiles.SelectMany(file => new[] { "--bank", file }), "--out", Path.Combine(_folder, name), "--stats", stats, "--quiet"])
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
        if (!File.Exists(stats))
        {
            return (process.ExitCode, errorText, -1, -1, false, default);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(stats));
        var root = json.RootElement.Clone();
        return (process.ExitCode, errorText, root.GetProperty("huge_page_advised_bytes").GetInt64(),
            root.GetProperty("loads_without_collections_budget_bytes").GetInt64(), root.GetProperty("loads_ran_without_collections").GetBoolean(), root);
    }
}
