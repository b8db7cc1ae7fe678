using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CashApp.ScaleGen;

namespace CashApp.Benchmarks.Scale;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- scale --payments 1000000 --items 5000000 --customers 500000</c>:
/// generates a cashbench day of that size (cached by size and seed), runs <c>cashapp match</c> on it as a
/// child process, watching its peak working set, scores the run with cashbench's score.py when python3 is
/// there, and reports the stage table, payments per second and peak memory as markdown (also written to
/// <c>benchmarks/results/scale.md</c>).
/// </summary>
internal static class ScaleRunner
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        int payments = 1_000_000, customers = 500_000;
        long items = 5_000_000, seed = 1;
        string? dataRoot = null;
        var banks = new List<string>();
        var regenerate = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--payments": payments = int.Parse(Next(), Ci); break;
                case "--items": items = long.Parse(Next(), Ci); break;
                case "--customers": customers = int.Parse(Next(), Ci); break;
                case "--seed": seed = long.Parse(Next(), Ci); break;
                case "--data": dataRoot = Next(); break;
                case "--bank": banks.Add(Next()); break;
                case "--regenerate": regenerate = true; break;
                default:
                    await Console.Error.WriteLineAsync($"scale: unknown option {args[i]}. Options: --payments N --items N --customers N --seed N --data DIR --bank bai2|camt|lockbox (repeat) --regenerate").ConfigureAwait(false);
                    return 2;
            }
        }

        var repo = RepoRoot();
        var key = string.Create(Ci, $"seed{seed}-c{customers}-i{items}-p{payments}-v{ScaleDay.FormatVersion}");
        var data = Path.Combine(dataRoot ?? Path.Combine(Path.GetTempPath(), "cashapp-scale"), key);
        var done = Path.Combine(data, ".complete");
        var generation = TimeSpan.Zero;
        if (regenerate || !File.Exists(done))
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            Console.Error.WriteLine($"generating {key} into {data}");
            var watch = Stopwatch.StartNew();
            var line = ScaleDay.Run(new ScaleOptions
            {
                OutputDirectory = data,
                Seed = seed,
                Customers = customers,
                Payments = payments,
                ItemsPerCustomer = ScaleOptions.MeanForItems(items, customers),
                Log = Console.Error,
            });
            generation = watch.Elapsed;
            await File.WriteAllTextAsync(done, line).ConfigureAwait(false);
            Console.Error.WriteLine(string.Create(Ci, $"{line} in {generation.TotalSeconds:F1}s"));
            GC.Collect();
        }
        else
        {
            Console.Error.WriteLine($"using cached {data}");
        }

        var bankFiles = (banks.Count == 0 ? ["bai2", "camt", "lockbox"] : banks).Select(b => Path.Combine(data, "bank", b switch
        {
            "bai2" => "day.bai2",
            "camt" => "day.camt053.xml",
            "lockbox" => "day.lockbox.txt",
            _ => throw new ArgumentException($"--bank {b}: bai2, camt or lockbox."),
        })).ToList();

        var (fileName, prefix) = await CashAppCommand(repo).ConfigureAwait(false);
        var runDir = Path.Combine(data, "run");
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }

        var statsPath = Path.Combine(data, "run-stats.json");
        File.Delete(statsPath);
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardError = false };
        foreach (var a in prefix)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in new[] { "match", "--open-items", Path.Combine(data, "open_items.csv"), "--customers", Path.Combine(data, "customers.csv") })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var b in bankFiles)
        {
            start.ArgumentList.Add("--bank");
            start.ArgumentList.Add(b);
        }

        foreach (var a in new[] { "--out", runDir, "--stats", statsPath })
        {
            start.ArgumentList.Add(a);
        }

        Console.Error.WriteLine($"running {fileName} {string.Join(' ', start.ArgumentList)}");
        var wall = Stopwatch.StartNew();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("cashapp did not start.");
        long peak = 0;
        while (!child.HasExited)
        {
            try
            {
                child.Refresh();
                peak = Math.Max(peak, child.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
                break;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        await child.WaitForExitAsync().ConfigureAwait(false);
        var elapsed = wall.Elapsed;
        if (child.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"scale: cashapp match exited with {child.ExitCode}.").ConfigureAwait(false);
            return child.ExitCode;
        }

        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath).ConfigureAwait(false));
        var root = stats.RootElement;
        peak = Math.Max(peak, root.GetProperty("peak_working_set_bytes").GetInt64());
        var (score, scenarios) = await ScoreAsync(repo, data, runDir).ConfigureAwait(false);

        var md = new StringBuilder();
        md.AppendLine(Ci, $"# Scale run: {payments:N0} payments, {root.GetProperty("open_items").GetInt32():N0} open items, {root.GetProperty("customers").GetInt32():N0} customers");
        md.AppendLine();
        md.AppendLine(Ci, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}. Seed {seed}. Bank files: {string.Join(", ", bankFiles.Select(Path.GetFileName))}.");
        md.AppendLine();
        md.AppendLine("Command: `dotnet run -c Release --project benchmarks -- scale " + string.Join(' ', args) + "`");
        md.AppendLine();
        md.AppendLine("| stage | seconds | cpu seconds | count | per second | peak MiB | allocated MiB | GC pause s |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in root.GetProperty("stages").EnumerateArray())
        {
            var sec = s.GetProperty("seconds").GetDouble();
            var count = s.GetProperty("count").GetInt64();
            var overlaps = s.TryGetProperty("overlaps", out var o) && o.GetArrayLength() > 0;
            md.AppendLine(Ci, $"| {s.GetProperty("stage").GetString()}{(overlaps ? " *" : "")} | {sec:F2} | {s.GetProperty("cpu_seconds").GetDouble():F2} | {count:N0} | {(sec > 0 ? count / sec : 0):N0} | {s.GetProperty("peak_working_set_bytes").GetInt64() / 1048576.0:N0} | {s.GetProperty("allocated_bytes").GetInt64() / 1048576.0:N0} | {s.GetProperty("gc_pause_seconds").GetDouble():F2} |");
        }

        // Stages that ran at once: each row above counts the others' CPU and allocation too; these are theirs together.
        var groups = root.TryGetProperty("overlapping_stages", out var g) ? g.EnumerateArray().ToList() : [];
        foreach (var group in groups)
        {
            md.AppendLine(Ci, $"| * together ({string.Join(", ", group.GetProperty("stages").EnumerateArray().Select(n => n.GetString()))}) | {group.GetProperty("seconds").GetDouble():F2} | {group.GetProperty("cpu_seconds").GetDouble():F2} | | | | {group.GetProperty("allocated_bytes").GetInt64() / 1048576.0:N0} | {group.GetProperty("gc_pause_seconds").GetDouble():F2} |");
        }

        var runSeconds = root.GetProperty("seconds").GetDouble();
        var paid = root.GetProperty("payments").GetInt32();
        md.AppendLine(Ci, $"| **run (in process)** | **{runSeconds:F2}** | {root.GetProperty("cpu_seconds").GetDouble():F2} | {paid:N0} | **{paid / runSeconds:N0}** | **{root.GetProperty("peak_working_set_bytes").GetInt64() / 1048576.0:N0}** | | {root.GetProperty("gc_pause_seconds").GetDouble():F2} |");
        md.AppendLine();
        if (groups.Count > 0)
        {
            md.AppendLine("- `*`: stages that ran at once; each one's CPU seconds, allocation and GC pause are the process's over its own time, so they count the others' work too, and the `* together` row gives the group's figures over its whole time");
        }

        md.AppendLine(Ci, $"- end to end (process start to exit): {elapsed.TotalSeconds:F1} s, {paid / elapsed.TotalSeconds:N0} payments/s");
        md.AppendLine(Ci, $"- peak working set: {peak / 1048576.0:N0} MiB");
        md.AppendLine(Ci, $"- CPU time: {root.GetProperty("cpu_seconds").GetDouble():F1} s over {Environment.ProcessorCount} cores; load average when done: {LoadAverage()} (the machine is shared, so wall times vary with the load)");
        md.AppendLine(Ci, $"- garbage collector: {root.GetProperty("gc_gen2").GetInt32()} gen2 collections, {root.GetProperty("gc_pause_seconds").GetDouble():F1} s paused");
        foreach (var f in root.GetProperty("files").EnumerateArray())
        {
            md.AppendLine(Ci, $"- read {f.GetProperty("file").GetString()} ({f.GetProperty("format").GetString()}, {f.GetProperty("bytes").GetInt64() / 1048576.0:N0} MiB, {f.GetProperty("credits").GetInt32():N0} credits) in {f.GetProperty("seconds").GetDouble():F1} s");
        }

        md.AppendLine(Ci, $"- applied {root.GetProperty("applied").GetInt32():N0}, exception rows {root.GetProperty("exceptions").GetInt32():N0}");
        if (generation > TimeSpan.Zero)
        {
            md.AppendLine(Ci, $"- generation (ScaleGen): {generation.TotalSeconds:F1} s");
        }

        md.AppendLine(Ci, $"- cashbench score: {score ?? "not scored (no python3 or score.py)"}");
        if (scenarios.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("By scenario (cashbench's score.py):");
            md.AppendLine();
            md.Append(scenarios);
        }
        var text = md.ToString();
        Console.WriteLine(text);
        var results = Path.Combine(repo, "benchmarks", "results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "scale.md"), text).ConfigureAwait(false);
        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CashApp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    /// <summary><c>CASHAPP</c> (a command prefix, as cashbench uses it), else the Release build of grpc/, built now.</summary>
    private static async Task<(string FileName, string[] Prefix)> CashAppCommand(string repo)
    {
        var env = Environment.GetEnvironmentVariable("CASHAPP");
        if (!string.IsNullOrWhiteSpace(env))
        {
            var parts = env.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (parts[0], parts[1..]);
        }

        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(repo, "grpc", "CashApp.Grpc.csproj"), "-c", "Release", "-v", "q", "-nologo"]) { UseShellExecute = false })!;
        await build.WaitForExitAsync().ConfigureAwait(false);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet build grpc failed.");
        }

        return ("dotnet", [Path.Combine(repo, "grpc", "bin", "Release", "net10.0", "cashapp.dll")]);
    }

    /// <summary>The per-scenario table score.py prints, as a markdown table.</summary>
    private static string ScenarioTable(string output)
    {
        var md = new StringBuilder();
        foreach (var line in output.Split('\n'))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells is ["scenario", ..])
            {
                md.AppendLine("| scenario | payments | hit | missed | wrong | held | hit rate |");
                md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            }
            else if (md.Length > 0 && cells.Length == 7)
            {
                md.AppendLine(cells[0] == "all" ? $"| **all** | {string.Join(" | ", cells[1..6])} | **{cells[6]}** |" : $"| {string.Join(" | ", cells)} |");
            }
        }

        return md.ToString();
    }

    private static async Task<(string? Summary, string Table)> ScoreAsync(string repo, string data, string runDir)
    {
        var shared = Environment.GetEnvironmentVariable("CASHAPP_SHARED") is { Length: > 0 } fromEnv ? fromEnv : Path.Combine(repo, "..", "shared");
        var score = Path.GetFullPath(Path.Combine(shared, "cashbench", "score.py"));
        if (!File.Exists(score))
        {
            return (null, string.Empty);
        }

        try
        {
            var start = new ProcessStartInfo("python3", [score, data, runDir]) { UseShellExecute = false, RedirectStandardOutput = true };
            using var p = Process.Start(start)!;
            var output = await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await p.WaitForExitAsync().ConfigureAwait(false);
            Console.Error.WriteLine(output);
            return (output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim(), ScenarioTable(output));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, string.Empty);
        }
    }
}
