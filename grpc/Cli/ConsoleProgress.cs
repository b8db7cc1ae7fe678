using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Batch;

namespace CashApp.Grpc.Cli;

/// <summary>
/// Shows each stage of a run on standard error: on a terminal, one line redrawn in place with a bar for
/// every stage under way (stages overlap: the bank files parse while the open items load); when standard
/// error is redirected, one line per finished stage, so CI logs stay readable.
/// </summary>
internal sealed class ConsoleProgress(TextWriter error) : IRunProgress, IDisposable
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly List<(string Stage, long? Total, long Done)> _active = [];
    private int _drawnWidth;

    public void StageStarted(string stage, long? total)
    {
        lock (_gate)
        {
            _active.Add((stage, total, 0));
            if (_interactive)
            {
                Draw();
            }
        }
    }

    public void Advance(string stage, long done)
    {
        lock (_gate)
        {
            var i = _active.FindIndex(a => a.Stage == stage);
            if (i >= 0)
            {
                _active[i] = _active[i] with { Done = done };
            }

            if (_interactive && _sinceDraw.ElapsedMilliseconds >= 100)
            {
                Draw();
            }
        }
    }

    public void StageCompleted(string stage, TimeSpan elapsed, long count)
    {
        lock (_gate)
        {
            _active.RemoveAll(a => a.Stage == stage);
            var line = string.Create(CultureInfo.InvariantCulture, $"{stage,-18} {Bar(1.0)} {count,13:N0}  {elapsed.TotalSeconds,7:F2}s");
            if (_interactive)
            {
                error.Write("\r" + line.PadRight(_drawnWidth) + "\n");
                _drawnWidth = 0;
                Draw();
            }
            else
            {
                error.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
    }

    private void Draw()
    {
        _sinceDraw.Restart();
        if (_active.Count == 0)
        {
            return;
        }

        var parts = _active.Select(a =>
        {
            var share = a.Total is > 0 ? Math.Min(1.0, (double)a.Done / a.Total.Value) : -1;
            return share >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"{a.Stage} {Bar(share, 12)} {share,4:P0}")
                : string.Create(CultureInfo.InvariantCulture, $"{a.Stage} {a.Done,11:N0}");
        });
        var text = string.Join("  |  ", parts);
        error.Write("\r" + text.PadRight(_drawnWidth));
        _drawnWidth = text.Length;
    }

    private static string Bar(double share, int width = 24)
    {
        var filled = (int)Math.Round(share * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
