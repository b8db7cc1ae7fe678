namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp export</c> writes the applications file (and the payer rules) whole or not at all: AR imports what it
/// finds, so a failed export must leave the earlier one as it was, with nothing half written beside it.
/// </summary>
[Collection("Console")]
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-export").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // An empty file is a ledger the store sets up when it opens it: no applications yet.
    private string Ledger()
    {
        var db = Path.Combine(_folder, "cashapp.db");
        File.WriteAllBytes(db, []);
        return db;
    }

    [Fact]
    public async Task Export_IntoAFolderMadeForIt_WritesTheFileAndNothingElse()
    {
        var target = Path.Combine(_folder, "out", "2026-12-05", "applications.csv");

        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", Ledger(), "--out", target);

        Assert.True(code == 0, error);
        Assert.StartsWith("payment_ref,", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(["applications.csv"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
        Assert.Contains($"0 applications since 2026-01-01T00:00:00Z written to {target}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--payer-rules")]
    public async Task Export_TargetIsAFolderOrUnderAFile_FailsNamingItAndWritesNothing(string option)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "taken")).FullName;
        var file = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(file, "notes");
        var db = Ledger();
        string[] targets = ["--out", Path.Combine(_folder, "applications.csv"), "--payer-rules", Path.Combine(_folder, "rules.json")];
        var at = Array.IndexOf(targets, option) + 1;

        targets[at] = folder;
        var (folderCode, folderError) = await CliRun.Run(["export", "--since", "2026-01-01", "--db", db, .. targets]);
        targets[at] = Path.Combine(file, "run", "x");
        var (fileCode, fileError) = await CliRun.Run(["export", "--since", "2026-01-01", "--db", db, .. targets]);

        Assert.Equal(2, folderCode);
        Assert.Contains($"cashapp export: {option} {folder}: is a folder; expected a file to write or replace.", folderError, StringComparison.Ordinal);
        Assert.Equal(2, fileCode);
        Assert.Contains($"cashapp export: {option} {targets[at]}: {file} is a file, so no folder can be made under it.", fileError, StringComparison.Ordinal);
        Assert.Equal(["cashapp.db", "notes.txt", "taken"], Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task Export_RulesFileCannotBeWritten_LeavesTheEarlierExportAsItWasAndNoPartFiles()
    {
        var outFolder = Directory.CreateDirectory(Path.Combine(_folder, "out")).FullName;
        var target = Path.Combine(outFolder, "applications.csv");
        File.WriteAllText(target, "an earlier export");

        // A name the file system takes (252 bytes of the 255 a name may have) but no file written beside it under a
        // longer one: the rules fail after the applications are written, and neither is put in place.
        var rules = Path.Combine(outFolder, new string('r', 247) + ".json");
        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", Ledger(), "--out", target, "--payer-rules", rules);

        Assert.Equal(1, code);
        Assert.Contains("cashapp export: nothing was written.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal("an earlier export", File.ReadAllText(target));
        Assert.Equal(["applications.csv"], Directory.EnumerateFileSystemEntries(outFolder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_FailsAfterMakingTheFoldersOfItsTargets_RemovesThemAgain()
    {
        // The applications go to folders this run has to make, then the rules fail (the name above): the folders are
        // removed again, as nothing was written in them, and the folder that was there before stays.
        var made = Path.Combine(_folder, "new", "2026-12-05");
        var rulesFolder = Directory.CreateDirectory(Path.Combine(_folder, "rules")).FullName;
        var rules = Path.Combine(rulesFolder, new string('r', 247) + ".json");

        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", Ledger(), "--out", Path.Combine(made, "applications.csv"), "--payer-rules", rules);

        Assert.Equal(1, code);
        Assert.Contains("cashapp export: nothing was written.", error, StringComparison.Ordinal);
        Assert.Equal(["cashapp.db", "rules"], Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(rulesFolder));
    }

    [Theory]
    [InlineData("--out", "")]
    [InlineData("--out", "-wal")]
    [InlineData("--payer-rules", "")]
    [InlineData("--payer-rules", "-journal")]
    public async Task Export_TargetIsTheLedgersOwnFile_IsRefusedAndTheLedgerStillOpens(string option, string end)
    {
        var db = Ledger();
        Assert.Equal(0, (await CliRun.Run("export", "--since", "2026-01-01", "--db", db, "--out", Path.Combine(_folder, "first.csv"))).Code);
        var before = File.ReadAllBytes(db);
        string[] targets = ["--out", Path.Combine(_folder, "a.csv"), "--payer-rules", Path.Combine(_folder, "rules.json")];
        targets[Array.IndexOf(targets, option) + 1] = db + end;

        var (code, error) = await CliRun.Run(["export", "--since", "2026-01-01", "--db", db, .. targets]);

        Assert.Equal(2, code);
        Assert.Contains($"cashapp export: {option} {db}{end}: is the ledger database's own file; expected another file for the export.", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(db));
        var (again, againError) = await CliRun.Run("export", "--since", "2026-01-01", "--db", db, "--out", Path.Combine(_folder, "second.csv"));
        Assert.True(again == 0, againError);
    }

    [Fact]
    public async Task Export_BothTargetsOneFile_IsRefusedBeforeWritingEither()
    {
        var target = Path.Combine(_folder, "export.out");

        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", Ledger(), "--out", target, "--payer-rules", target);

        Assert.Equal(2, code);
        Assert.Contains($"cashapp export: --payer-rules {target}: is --out's file too; expected a file of its own.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task Export_TargetIsALink_ReplacesTheFileItLeadsToAndKeepsTheLink()
    {
        var real = Path.Combine(_folder, "real.csv");
        File.WriteAllText(real, "an earlier export");
        var link = Path.Combine(_folder, "latest.csv");
        File.CreateSymbolicLink(link, real);

        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", Ledger(), "--out", link);

        Assert.True(code == 0, error);
        Assert.Equal(real, new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
        Assert.StartsWith("payment_ref,", File.ReadAllText(real), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_LedgerIsNoDatabase_FailsNamingItInOneLine()
    {
        var db = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(db, "not a ledger");

        var (code, error) = await CliRun.Run("export", "--since", "2026-01-01", "--db", db, "--out", Path.Combine(_folder, "a.csv"));

        Assert.Equal(1, code);
        Assert.Contains($"cashapp export: {db}: cannot open the ledger: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "a.csv")));
    }
}
