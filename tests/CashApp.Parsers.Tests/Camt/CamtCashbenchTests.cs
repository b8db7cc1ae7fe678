using System.Diagnostics;
using System.Globalization;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>The cashbench day (<c>../shared/cashbench/gen.py</c>) reads to exactly its SEPA payments.</summary>
public sealed class CamtCashbenchTests
{
    [SkippableTheory]
    [InlineData("08")]
    [InlineData("02")]
    public void Read_CashbenchDay_YieldsEverySepaPaymentOfTheTruth(string version)
    {
        var dir = Path.Combine(Path.GetTempPath(), "camt-cashbench-" + version + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var generator = TestPaths.SharedFile("cashbench", "gen.py");
        using (var python = Process.Start(new ProcessStartInfo("python3", ["-B", generator, "--out", dir, "--seed", "1", "--camt-version", version]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            python.StandardOutput.ReadToEnd();
            var error = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, error);
        }

        try
        {
            var truth = File.ReadAllLines(Path.Combine(dir, "truth", "payments.csv"))
                .Skip(1)
                .Select(line => line.Split(','))
                .Where(cells => cells[1] == "sepa")
                .Select(cells => (Ref: cells[0], Amount: long.Parse(cells[4].Replace(".", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture), Currency: cells[5]))
                .ToList();
            var warnings = new List<ParseWarning>();
            using var stream = File.OpenRead(Path.Combine(dir, "bank", "day.camt053.xml"));
            var read = CamtReader.Read(stream, "day.camt053.xml", new CamtReaderOptions(), warnings).ToList();

            Assert.Equal(truth.Count, read.Count);
            Assert.All(read, t => Assert.True(t.IsPayment));
            Assert.Equal(truth.OrderBy(t => t.Ref, StringComparer.Ordinal), read.Select(t => (Ref: t.PaymentRef, Amount: t.AmountMinor, t.Currency)).OrderBy(t => t.Ref, StringComparer.Ordinal));
            Assert.Empty(warnings);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
