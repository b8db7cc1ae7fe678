using System.Diagnostics;
using CashApp.Engine.Ar;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using Sylvan.Data.Csv;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// One cashbench day (<c>gen.py --seed 1</c>: about 13,000 open items, 3,000 payments in three bank files).
/// Uses <c>CASHBENCH_DAY</c> when set, else generates the day into a temporary folder.
/// </summary>
internal sealed class CashbenchDay
{
    private CashbenchDay(string directory)
    {
        Directory = directory;
        OpenItems = ArFiles.ReadOpenItems(Path.Combine(directory, "open_items.csv"));
        Customers = ArFiles.ReadCustomers(Path.Combine(directory, "customers.csv"));
        BankFiles = [.. System.IO.Directory.GetFiles(Path.Combine(directory, "bank")).Order(StringComparer.Ordinal)];
    }

    public string Directory { get; }

    public List<OpenItem> OpenItems { get; }

    public List<Customer> Customers { get; }

    public IReadOnlyList<string> BankFiles { get; }

    public static CashbenchDay Load()
    {
        var directory = Environment.GetEnvironmentVariable("CASHBENCH_DAY");
        if (string.IsNullOrEmpty(directory))
        {
            directory = Path.Combine(Path.GetTempPath(), "cashapp-bench-day1");
            if (!File.Exists(Path.Combine(directory, "open_items.csv")))
            {
                var generator = Path.GetFullPath(Path.Combine(FindRepo(), "..", "shared", "cashbench", "gen.py"));
                using var python = Process.Start(new ProcessStartInfo("python3", ["-B", generator, "--out", directory, "--seed", "1"]) { RedirectStandardOutput = true })!;
                python.StandardOutput.ReadToEnd();
                python.WaitForExit();
                if (python.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{generator} failed with exit code {python.ExitCode}.");
                }
            }
        }

        return new CashbenchDay(directory);
    }

    /// <summary>
    /// The day's credits as the truth files describe them, for when the bank file readers cannot read the
    /// files yet: same payment count, amounts, currencies and quoted invoice numbers.
    /// </summary>
    public List<BankTransaction> TransactionsFromTruth()
    {
        var invoiceNumbers = OpenItems.ToDictionary(i => i.ItemId, i => i.InvoiceNumber, StringComparer.Ordinal);
        var names = Customers.ToDictionary(c => c.CustomerId, c => c.Name, StringComparer.Ordinal);
        var quoted = new Dictionary<string, List<RemittanceLine>>(StringComparer.Ordinal);
        using (var applications = CsvDataReader.Create(Path.Combine(Directory, "truth", "applications.csv")))
        {
            while (applications.Read())
            {
                var paymentRef = applications.GetString(0);
                if (!quoted.TryGetValue(paymentRef, out var lines))
                {
                    quoted[paymentRef] = lines = [];
                }

                if (invoiceNumbers.TryGetValue(applications.GetString(1), out var number))
                {
                    lines.Add(new RemittanceLine(number, null, RemittanceKind.Invoice));
                }
            }
        }

        var transactions = new List<BankTransaction>();
        using var payments = CsvDataReader.Create(Path.Combine(Directory, "truth", "payments.csv"));
        var line = 0;
        while (payments.Read())
        {
            var paymentRef = payments.GetString(0);
            var scenario = payments.GetString(2);
            var currency = payments.GetString(5);
            var amount = decimal.Parse(payments.GetString(4), System.Globalization.CultureInfo.InvariantCulture);
            var minor = (long)(currency == "JPY" ? amount : amount * 100);
            var quotes = scenario.StartsWith("exact", StringComparison.Ordinal) || scenario is "short_pay" or "bank_fee" or "overpay" or "credit_memo_net" or "parent_pays";
            transactions.Add(new BankTransaction
            {
                PaymentRef = paymentRef,
                Direction = Direction.Credit,
                AmountMinor = minor,
                Currency = currency,
                Format = BankFileFormat.Bai2,
                SourceFile = "truth",
                LineNumber = ++line,
                PayerName = names.GetValueOrDefault(payments.GetString(6)),
                Remittance = quotes && quoted.TryGetValue(paymentRef, out var lines) ? lines : [],
            });
        }

        return transactions;
    }

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CashApp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CashApp.sln not found above " + AppContext.BaseDirectory);
    }
}
