using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>
/// The project's own camt files in fixtures/camt (written by <see cref="CamtWriter"/>: camt.053 001.02,
/// camt.053 001.08 with a namespace prefix, camt.054) and the demo day's camt.053, each read whole and
/// compared with its expected transactions checked in as fixtures/camt/NAME.expected.csv. These need nothing
/// outside the repository. Set CAMT_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, and
/// review the diff.
/// </summary>
public sealed class CamtGoldenTests
{
    private static readonly (string Name, Func<StatementModel, bool> Wanted)[] Written =
    [
        ("camt053-v02", m => m is { Version: 2, Notification: false, Prefix: null }),
        ("camt053-v08-prefixed", m => m is { Version: 8, Notification: false, Prefix: not null }),
        ("camt054-v04", m => m is { Version: 4, Notification: true }),
    ];

    public static TheoryData<string> Golden => ["camt053-v02", "camt053-v08-prefixed", "camt054-v04", "demo-day"];

    private static string Folder => Path.Combine(TestPaths.Fixtures, "camt");

    private static string Input(string name) => name == "demo-day"
        ? TestPaths.Demo("bank", "day.camt053.xml")
        : Path.Combine(Folder, name + ".xml");

    [Theory]
    [MemberData(nameof(Golden))]
    public async Task ReadAllAsync_GoldenFile_GivesTheCheckedInTransactions(string name)
    {
        if (Environment.GetEnvironmentVariable("CAMT_UPDATE_GOLDEN") == "1" && Written.Any(w => w.Name == name))
        {
            await File.WriteAllBytesAsync(Input(name), CamtWriter.Write(Model(name)));
        }

        var result = await BankFiles.ReadAllAsync(Input(name), new BankFileReadOptions());
        var actual = Bai2Harness.Csv(result.Transactions).Prepend("format," + result.Format).ToList();
        var expectedPath = Path.Combine(Folder, name + ".expected.csv");
        if (Environment.GetEnvironmentVariable("CAMT_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllLinesAsync(expectedPath, actual);
        }

        Assert.Equal(await File.ReadAllLinesAsync(expectedPath), actual);
        Assert.True(actual.Count > 4, $"{name}: a golden file with fewer than three transactions tests little");
    }

    /// <summary>The first random statement of the wanted form with at least four entries, one with several details, and booked credits.</summary>
    private static StatementModel Model(string name)
    {
        var wanted = Written.Single(w => w.Name == name).Wanted;
        for (var seed = 1; ; seed++)
        {
            var model = CamtWriter.Random(seed);
            if (wanted(model) && model.Entries.Count >= 4 && model.Entries.Any(e => e.Details.Count > 1)
                && model.Entries.Count(e => e is { Direction: Direction.Credit, Status: "BOOK", Reversal: false }) >= 2)
            {
                return model;
            }
        }
    }
}
