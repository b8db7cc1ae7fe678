using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CashApp.Benchmarks.Bai2;
using CashApp.Benchmarks.Camt;
using CashApp.Benchmarks.Lockbox;
using CashApp.Engine.Output;
using CashApp.Grpc.Cli;
using CashApp.Parsers.Common;

namespace CashApp.Benchmarks.Parse;

/// <summary>
/// <c>cashapp parse</c>'s rows, the transactions already read: written by the hand-written <see cref="ParseRowWriter"/>
/// (UTF-8 straight from each transaction) against the library path it replaced, a string per value into
/// <see cref="CsvOut"/> (Sylvan) over a UTF-8 <see cref="StreamWriter"/>. The same bytes (a property test holds them
/// equal), thrown away. Transactions from generated files of PARSE_BENCH_MB megabytes (default 16).
/// </summary>
[MemoryDiagnoser]
public class ParseRowsBenchmarks
{
    private List<BankTransaction> transactions = [];

    /// <summary>The format of the file the transactions were read from.</summary>
    [Params("BAI2", "camt.053", "lockbox")]
    public string Format { get; set; } = "BAI2";

    /// <summary>Generates the file and reads its transactions.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("PARSE_BENCH_MB"), out var mb) ? mb : 16;
        var path = Path.Combine(Path.GetTempPath(), $"cashapp-parse-rows-{Format}-{megabytes}mb");
        if (!File.Exists(path))
        {
            var bytes = (long)megabytes << 20;
            switch (Format)
            {
                case "BAI2":
                    Bai2FileGenerator.Write(path + ".tmp", bytes);
                    break;
                case "camt.053":
                    File.WriteAllBytes(path + ".tmp", CamtStatementGenerator.Generate(bytes));
                    break;
                default:
                    File.WriteAllBytes(path + ".tmp", LockboxBenchmarkFile.Generate(bytes));
                    break;
            }

            File.Move(path + ".tmp", path, overwrite: true);
        }

        transactions = [.. BankFiles.ReadAllAsync(path, new BankFileReadOptions()).GetAwaiter().GetResult().Transactions];
    }

    /// <summary>The library path: a string per value, a <c>string[]</c> per row, Sylvan, the UTF-8 encoder.</summary>
    [Benchmark(Baseline = true)]
    public int CsvOutRows()
    {
        using var writer = new StreamWriter(Stream.Null, new UTF8Encoding(false), 1 << 16);
        CsvOut.Write(writer, ParseCommand.Columns, transactions.Select(ParseRowWriter.StringRow));
        return transactions.Count;
    }

    /// <summary>The hand-written path cashapp parse takes.</summary>
    [Benchmark]
    public int ParseRowWriterRows()
    {
        var writer = new ParseRowWriter(Stream.Null);
        writer.WriteHeader(ParseCommand.Columns);
        foreach (var t in transactions)
        {
            writer.Write(t);
        }

        writer.Flush();
        return transactions.Count;
    }
}
