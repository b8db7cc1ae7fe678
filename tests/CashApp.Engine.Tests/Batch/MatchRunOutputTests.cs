using CashApp.Engine.Batch;
using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The files of a run are written while its books are checked, and kept only once they balance: a run whose books do
/// not balance leaves the output folder as it was, and says why.
/// </summary>
public sealed class MatchRunOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-run-output").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MatchRunOptions Demo(string output) => DemoDay.Options(output);

    [Fact]
    public async Task BooksThatDoNotBalance_LeaveTheFolderAsItWas()
    {
        var output = Path.Combine(_dir, "out");
        Directory.CreateDirectory(output);
        var before = Path.Combine(output, "applications.csv");
        await File.WriteAllTextAsync(before, "an earlier run's file\n");

        // One application doubled: its payment is applied past its amount, which the check names.
        string? doubled = null;
        var options = Demo(output) with
        {
            Matched = result =>
            {
                doubled = result.Applications[0].PaymentRef;
                return result with { Applications = [.. result.Applications, result.Applications[0]] };
            },
        };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => MatchRun.RunAsync(options, progress: null));

        Assert.StartsWith($"Payment {doubled}: applied plus unapplied is ", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["applications.csv"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("an earlier run's file\n", await File.ReadAllTextAsync(before));
    }

    [Fact]
    public async Task BooksThatDoNotBalance_MakeNoFolder()
    {
        // The files are begun before the check ends, in a folder made for them: it goes again with them.
        var output = Path.Combine(_dir, "new", "out");
        var options = Demo(output) with { Matched = result => result with { Applications = [.. result.Applications, result.Applications[^1]] } };

        await Assert.ThrowsAsync<InvalidOperationException>(() => MatchRun.RunAsync(options, progress: null));

        Assert.False(Directory.Exists(Path.Combine(_dir, "new")));
    }

    [Fact]
    public async Task BooksThatDoNotBalance_WhenTheFilesCannotBeWrittenEither_AreTheFailureSaidAndNoneGoesUnseen()
    {
        // The output "folder" is under a file: the write fails at once, and the check after it. The check's failure is
        // the one said, and the write's is observed, not left to the finalizer as an unobserved task exception.
        var file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a folder\n");
        var unseen = new List<Exception>();
        void Unseen(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unseen)
            {
                unseen.AddRange(e.Exception.Flatten().InnerExceptions.Where(x => x.Message.Contains(_dir, StringComparison.Ordinal) || x.Message.Contains(": applied plus unapplied is ", StringComparison.Ordinal)));
            }
        }

        TaskScheduler.UnobservedTaskException += Unseen;
        try
        {
            var options = Demo(Path.Combine(file, "out")) with { Matched = result => result with { Applications = [.. result.Applications, result.Applications[0]] } };

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => MatchRun.RunAsync(options, progress: null));

            Assert.Contains(": applied plus unapplied is ", failure.Message, StringComparison.Ordinal);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lock (unseen)
            {
                Assert.Empty(unseen);
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Unseen;
        }
    }

    [Fact]
    public async Task BooksThatBalance_AreWrittenWithTheCountsTheCheckFound()
    {
        var output = Path.Combine(_dir, "out");
        var summary = await MatchRun.RunAsync(Demo(output), progress: null);

        Assert.Equal(["applications.csv", "deposits.csv", "exceptions.csv"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var applied = File.ReadLines(Path.Combine(output, "applications.csv")).Skip(1).Select(line => line.Split(',')[0]).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(applied, summary.PaymentsApplied);
        Assert.True(summary.PaymentsApplied > 0);
    }
}
