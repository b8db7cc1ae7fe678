using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Batch;

namespace CashApp.Grpc.Cli;

/// <summary>
/// Shows each stage of a run on standard error: a bar that redraws in place on a terminal, and one line
/// per finished stage when standard error is redirected (CI logs stay readable).
/// </summary>
internal sealed class ConsoleProgress(TextWriter error) : IRunProgress, IDisposable
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private long? _total;

    public void StageStarted(string stage, long? total)
    {
        lock (_gate)
        {
            _total = total;
            if (_interactive)
            {
                Draw(stage, 0);
            }
        }
    }

    public void Advance(string stage, long done)
    {
        lock (_gate)
        {
            if (_interactive && _sinceDraw.ElapsedMilliseconds >= 100)
            {
                Draw(stage, done);
            }
        }
    }

    public void StageCompleted(string stage, TimeSpan elapsed, long count)
    {
        lock (_gate)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{stage,-18} {Bar(1.0)} {count,12:N0}  {elapsed.TotalSeconds,7:F2}s");
            error.WriteLine(_interactive ? "\r" + line : line);
        }
    }

    public void Dispose()
    {
    }

    private void Draw(string stage, long done)
    {
        _sinceDraw.Restart();
        var share = _total is > 0 ? Math.Min(1.0, (double)done / _total.Value) : 0;
        error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{stage,-18} {Bar(share)} {done,12:N0}"));
    }

    private static string Bar(double share)
    {
        const int width = 24;
        var filled = (int)Math.Round(share * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
