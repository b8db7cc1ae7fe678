using System.CommandLine;
using System.Globalization;
using System.Text;
using CashApp.Engine.Output;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp parse</c>: one CSV row per transaction of a bank file, in file order.</summary>
internal static class ParseCommand
{
    private static readonly string[] Columns =
    [
        "payment_ref", "direction", "amount", "currency", "format", "line", "is_payment", "type_code", "value_date",
        "payer_name", "payer_account", "payer_id", "remittance", "text",
    ];

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A bank file: BAI2, camt.053/054 or lockbox (detected from content)." };
        var layout = new Option<FileInfo?>("--lockbox-layout") { Description = "A lockbox layout JSON file (LOCKBOX.md)." };
        var lenient = new Option<bool>("--lenient") { Description = "Accept known bank deviations as warnings (printed on standard error)." };
        var command = new Command("parse", "Read one bank file and write its transactions, credits and debits, as CSV on standard output.")
        {
            file, layout, lenient,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"cashapp parse: {path}: no such file.").ConfigureAwait(false);
                return 2;
            }

            try
            {
                var layoutPath = parse.GetValue(layout)?.FullName;
                var options = new BankFileReadOptions
                {
                    Lenient = parse.GetValue(lenient),
                    LockboxLayout = layoutPath is null ? null : LockboxLayout.Load(layoutPath),
                };

                // Read the whole file before writing a row: an invalid file prints nothing on standard output.
                var result = await BankFiles.ReadAllAsync(path, options, cancellationToken).ConfigureAwait(false);
                foreach (var warning in result.Warnings)
                {
                    await Console.Error.WriteLineAsync(warning.ToString()).ConfigureAwait(false);
                }

                using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
                CsvOut.Write(stdout, Columns, result.Transactions.Select(Row));
                return 0;
            }
            catch (BankFileFormatException ex)
            {
                await Console.Error.WriteLineAsync($"cashapp parse: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        return command;
    }

    private static string?[] Row(BankTransaction t) =>
    [
        t.PaymentRef,
        t.Direction == Direction.Credit ? "credit" : "debit",
        MatchCommand.Amount(t.AmountMinor, t.Currency),
        t.Currency,
        MatchCommand.FormatName(t.Format),
        t.LineNumber.ToString(CultureInfo.InvariantCulture),
        t.IsPayment ? "true" : "false",
        t.TypeCode,
        t.ValueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        t.PayerName,
        t.PayerAccount,
        t.PayerId,
        string.Join(" | ", t.Remittance.Select(r => r.AmountMinor is { } a ? $"{r.Reference}={MatchCommand.Amount(a, t.Currency)}" : r.Reference)),
        t.FreeText,
    ];
}
