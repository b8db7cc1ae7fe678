using System.Globalization;
using CashApp.Engine.Output;
using CashApp.Grpc.Cli;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The real <c>cashapp</c> command line run in process, for tests of the batch contract: its exit code and what it
/// wrote to standard error, and the CSV rows it wrote, read as the contract's outside checks read them.
/// Tests that use it belong to the <c>Console</c> collection, since it swaps <see cref="Console.Error"/>.
/// </summary>
internal static class CliRun
{
    /// <summary>Runs <c>cashapp</c> with <paramref name="args"/>; the exit code and standard error.</summary>
    public static async Task<(int Code, string Error)> Run(params string[] args)
    {
        var saved = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var code = await CashAppCommand.InvokeAsync(args);
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    /// <summary>Every row of the CSV file at <paramref name="path"/>, by column name.</summary>
    public static List<Dictionary<string, string>> Rows(string path)
    {
        using var reader = CsvDataReader.Create(path, new CsvDataReaderOptions { MaxBufferSize = CsvOut.MaxRowChars });
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetString, StringComparer.Ordinal));
        }

        return rows;
    }

    /// <summary>A decimal amount as the contract writes it (<c>1234.56</c>), in minor units of a two-decimal currency.</summary>
    public static long Cents(string text) => (long)Math.Round(decimal.Parse(text, CultureInfo.InvariantCulture) * 100);
}
