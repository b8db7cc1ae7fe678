using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace CashApp.Benchmarks.Grpc;

/// <summary>
/// Client and server of the load test on CPUs of their own (Linux, <c>taskset</c>), so that a fixed-rate schedule is
/// not late because the server holds the client's core: <c>--server-cpus 0 --client-cpus 1</c>. Each process is
/// started on its CPUs rather than moved there once running, because the runtime sizes the collector's heaps and the
/// thread pool to the CPUs it may use when it starts.
/// </summary>
internal static class Pinning
{
    /// <summary>Set in the load test started again on its CPUs, so that it does not start itself once more.</summary>
    public const string Variable = "CASHAPP_GRPC_LOAD_PINNED";

    /// <summary>Runs this benchmark again under <c>taskset -c <paramref name="cpus"/></c> with <paramref name="args"/>; its exit code.</summary>
    public static async Task<int> RunAgainOnAsync(string cpus, string[] args)
    {
        var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(cpus);
        start.ArgumentList.Add(Environment.ProcessPath ?? "dotnet");
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            // Started as `dotnet CashApp.Benchmarks.dll`: the host needs the assembly again.
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(typeof(Pinning).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[Variable] = cpus;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start.");

        // A SIGTERM (kill, a CI timeout) reaches this process only: pass it on, or the pinned load test and the server
        // it started run on. Ctrl+C reaches the whole process group by itself.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex)
            {
                // It has ended already, or a part of it could not be killed: nothing more to do in a signal handler.
                Console.Error.WriteLine($"grpc-load: stopping the pinned run: {ex.Message}");
            }
        });
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>
    /// What a process may run on and what its runtime made of it: the CPUs Linux allows it, and its threads by name
    /// (the server collector's heaps each have a thread, <c>.NET Server GC</c>; the thread pool's workers are
    /// <c>.NET TP Worker</c>). This process (<paramref name="pid"/> null) reports its runtime's own view too.
    /// </summary>
    public static string Describe(int? pid)
    {
        var root = pid is { } id ? "/proc/" + id.ToString(CultureInfo.InvariantCulture) : "/proc/self";
        string allowed;
        var threads = new SortedDictionary<string, int>(StringComparer.Ordinal);
        try
        {
            allowed = File.ReadLines(root + "/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?["Cpus_allowed_list:".Length..].Trim() ?? "?";
            foreach (var task in Directory.EnumerateDirectories(root + "/task"))
            {
                try
                {
                    var name = File.ReadAllText(task + "/comm").Trim();
                    threads[name] = threads.GetValueOrDefault(name) + 1;
                }
                catch (IOException)
                {
                    // The thread ended while we read.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "? (no /proc)";
        }

        int Named(string prefix) => threads.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(t => t.Value);
        var text = string.Create(CultureInfo.InvariantCulture, $"CPUs allowed {allowed}; {threads.Values.Sum()} threads, {Named(".NET Server GC")} server-GC heap threads, {Named(".NET BGC")} background-GC, {Named(".NET TP Worker")} thread-pool workers");
        return pid is null
            ? string.Create(CultureInfo.InvariantCulture, $"{text}; its runtime sees {Environment.ProcessorCount} processors, {(GCSettings.IsServerGC ? "server" : "workstation")} GC")
            : text;
    }
}
