using System.CommandLine;
using CashApp.Engine.Model;

namespace CashApp.Grpc.Cli;

/// <summary>The one <c>cashapp</c> command and its verbs.</summary>
internal static class CashAppCommand
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var root = new RootCommand("CashApp: applies the payments in bank files (BAI2, camt.053/054, lockbox) to open AR items, and explains every decision.");
        root.Subcommands.Add(MatchCommand.Create());
        root.Subcommands.Add(ParseCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        return root.Parse(args).InvokeAsync();
    }

    /// <summary>Why an input named on the command line cannot be read as a file (no such file, or a folder), or null when it can.</summary>
    internal static string? NotAFile(string path) =>
        File.Exists(path) ? null : Directory.Exists(path) ? "a folder, not a file" : "no such file";

    /// <summary>
    /// The first of <paramref name="paths"/> (nulls, options not given, passed over) that cannot be read as a file, said on
    /// standard error as <c>cashapp VERB: PATH: why.</c>; false when there is one, for the command to end with exit 2.
    /// </summary>
    internal static async Task<bool> AllFiles(string verb, params string?[] paths)
    {
        foreach (var path in paths)
        {
            if (path is not null && NotAFile(path) is { } why)
            {
                await Console.Error.WriteLineAsync($"cashapp {verb}: {ControlCharacters.Escaped(path)}: {why}.").ConfigureAwait(false);
                return false;
            }
        }

        return true;
    }
}
