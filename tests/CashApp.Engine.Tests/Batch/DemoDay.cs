using CashApp.Engine.Batch;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>The bundled demo day (<c>fixtures/demo</c>) as a match run's inputs: its open items, customers and three bank files.</summary>
internal static class DemoDay
{
    /// <summary>The demo day's run, writing to <paramref name="output"/>.</summary>
    public static MatchRunOptions Options(string output) => new()
    {
        OpenItemsPath = TestPaths.Demo("open_items.csv"),
        CustomersPath = TestPaths.Demo("customers.csv"),
        BankFiles = [TestPaths.Demo("bank", "day.bai2"), TestPaths.Demo("bank", "day.camt053.xml"), TestPaths.Demo("bank", "day.lockbox.txt")],
        OutputDirectory = output,
    };
}
