using System.CommandLine;
using System.Globalization;
using System.Text;
using CashApp.Engine.Output;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
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

            var layoutPath = parse.GetValue(layout)?.FullName;
            var options = new BankFileReadOptions
            {
                Lenient = parse.GetValue(lenient),
                LockboxLayout = layoutPath is null ? null : LockboxLayout.Load(layoutPath),
            };
            await using var stdout = Console.OpenStandardOutput();
            return await RunAsync(path, options, stdout, Console.Error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> and writes its rows to <paramref name="output"/>; 0, or 1 with the
    /// file, line and reason on <paramref name="error"/> and nothing on <paramref name="output"/>.
    /// </summary>
    internal static async Task<int> RunAsync(string path, BankFileReadOptions options, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        // An invalid file prints nothing on standard output, so no row goes out before the whole file has been read.
        // The rows are made as the transactions stream in and kept as CSV bytes, never as transactions: a 100 MB file
        // holds 1.6M transactions, and keeping them all alive cost more in the collector than reading them did.
        using var rows = new SpooledBytes();
        var warnings = new List<ParseWarning>();
        try
        {
            var format = BankFiles.Detect(path, options.LockboxLayout);
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous))
            {
                await using var writer = new StreamWriter(rows, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                var transactions = BankFiles.ReadAsync(stream, path, format, options, warnings, cancellationToken).ToBlockingEnumerable(cancellationToken);
                CsvOut.Write(writer, Columns, transactions.Select(new RowMaker().Fill));
            }
        }
        catch (BankFileFormatException ex)
        {
            await error.WriteLineAsync($"cashapp parse: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        foreach (var warning in warnings)
        {
            await error.WriteLineAsync(warning.ToString()).ConfigureAwait(false);
        }

        rows.CopyTo(output);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Makes the rows: one array for every row, since the CSV writer is done with a row before it asks for the next,
    /// and the last currency's minor digits, since a file's transactions are nearly always in one currency.
    /// </summary>
    private sealed class RowMaker
    {
        private readonly string?[] row = new string?[Columns.Length];
        private string? currency;
        private int minorDigits;

        public string?[] Fill(BankTransaction t)
        {
            row[0] = t.PaymentRef;
            row[1] = t.Direction == Direction.Credit ? "credit" : "debit";
            row[2] = Amount(t.AmountMinor, t.Currency);
            row[3] = t.Currency;
            row[4] = MatchCommand.FormatName(t.Format);
            row[5] = t.LineNumber.ToString(CultureInfo.InvariantCulture);
            row[6] = t.IsPayment ? "true" : "false";
            row[7] = t.TypeCode;
            row[8] = t.ValueDate?.ToString("O", CultureInfo.InvariantCulture);
            row[9] = t.PayerName;
            row[10] = t.PayerAccount;
            row[11] = t.PayerId;
            row[12] = Remittance(t);
            row[13] = t.FreeText;
            return row;
        }

        private string Remittance(BankTransaction t)
        {
            var lines = t.Remittance;
            if (lines.Count == 0)
            {
                return string.Empty;
            }

            if (lines.Count == 1 && lines[0].AmountMinor is null)
            {
                return lines[0].Reference;
            }

            var text = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(" | ");
                }

                text.Append(lines[i].Reference);
                if (lines[i].AmountMinor is { } amount)
                {
                    text.Append('=').Append(Amount(amount, t.Currency));
                }
            }

            return text.ToString();
        }

        // As MatchCommand.Amount, without parsing the same currency code again on every row.
        private string Amount(long minor, string code)
        {
            if (!string.Equals(code, currency, StringComparison.Ordinal))
            {
                minorDigits = CurrencyCode.TryParse(code, out var parsed) ? parsed.MinorDigits : -1;
                currency = code;
            }

            return minorDigits >= 0 ? MinorUnits.Format(minor, minorDigits) : minor.ToString(CultureInfo.InvariantCulture);
        }
    }
}
