namespace CashApp.Engine.Batch;

/// <summary>
/// The files a run writes into its output folder, written whole or not at all: each is first written under a hidden
/// name of its own in the same folder, and only when every one of them is complete are they renamed to their real
/// names. A run that fails while writing (a full disk, a name that is taken by a folder) leaves the folder as it
/// found it (a folder it had to make is removed again), so "nothing was written" stays true, and a reader never
/// sees half of <c>applications.csv</c> beside a whole <c>exceptions.csv</c> of an earlier run.
/// </summary>
/// <remarks>
/// A rename within one folder replaces the old file at once on the file systems CashApp runs on. The renames of
/// several files are not one step: if the second of three fails, the first has been replaced. Every destination is
/// checked before the first rename, so what can still fail there is the file system itself.
/// </remarks>
public sealed class OutputFiles : IDisposable
{
    private readonly string _directory;
    private readonly List<(string Final, string Partial)> _files = [];
    private readonly List<string> _made = [];
    private bool _committed;

    /// <summary>
    /// Output files in <paramref name="directory"/>, which is made if it is missing (with its missing parents); if the
    /// files are not committed, the folders made here are removed again when they are left empty.
    /// </summary>
    public OutputFiles(string directory)
    {
        _directory = directory;
        for (var folder = Path.GetFullPath(directory); !string.IsNullOrEmpty(folder) && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            _made.Add(folder);
        }

        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// The path to write the file <paramref name="name"/> at: a hidden name beside it, unique to this process and this
    /// set of files, that <see cref="Commit"/> renames to <paramref name="name"/>.
    /// </summary>
    public string PathFor(string name)
    {
        var final = Path.Combine(_directory, name);
        var partial = Path.Combine(_directory, $".{name}.{Environment.ProcessId}.{GetHashCode():x8}.partial");
        _files.Add((final, partial));
        return partial;
    }

    /// <summary>
    /// Why nothing can be made at <paramref name="path"/> because one of its parents is a file ("/tmp/notes.txt/run"), or
    /// null. Known without making anything, so a command can say so before it reads its inputs.
    /// </summary>
    public static string? UnderAFile(string path)
    {
        for (var parent = Path.GetDirectoryName(path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (Directory.Exists(parent))
            {
                return null;
            }

            if (File.Exists(parent))
            {
                return $"{parent} is a file, so no folder can be made under it.";
            }
        }

        return null;
    }

    /// <summary>Gives every file its real name, once all are written.</summary>
    /// <exception cref="IOException">A real name is taken by a folder (nothing is renamed then), or a rename failed.</exception>
    public void Commit()
    {
        foreach (var (final, _) in _files)
        {
            if (Directory.Exists(final))
            {
                throw new IOException($"{final}: is a folder; expected a file that this run can write or replace.");
            }
        }

        foreach (var (final, partial) in _files)
        {
            File.Move(partial, final, overwrite: true);
        }

        _committed = true;
    }

    /// <summary>Removes what was written under the hidden names and not committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach (var (_, partial) in _files)
        {
            try
            {
                File.Delete(partial);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the error that stopped the run is the one to report.
            }
        }

        // The folders this run made, deepest first, each only if nothing else was put in it meanwhile.
        foreach (var folder in _made)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                break;
            }
        }
    }
}
