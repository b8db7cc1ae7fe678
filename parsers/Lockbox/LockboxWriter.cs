using System.Globalization;
using System.Text;

namespace CashApp.Parsers.Lockbox;

/// <summary>One check to write: the 6 record's values and its invoice lines (amount null = blank).</summary>
internal sealed record LockboxCheckModel(
    string Item,
    long AmountMinor,
    string Routing,
    string Account,
    string CheckNumber,
    string RemitterName,
    IReadOnlyList<(string Number, long? AmountMinor)> Invoices);

/// <summary>One batch to write.</summary>
internal sealed record LockboxBatchModel(string Batch, IReadOnlyList<LockboxCheckModel> Checks);

/// <summary>One lockbox (its batches and the 8 total) to write.</summary>
internal sealed record LockboxModel(string Number, DateOnly DepositDate, IReadOnlyList<LockboxBatchModel> Batches);

/// <summary>How <see cref="LockboxWriter"/> shapes the lines.</summary>
internal readonly record struct LockboxWriterOptions
{
    public string NewLine { get; init; }

    /// <summary>Trim trailing spaces (senders often do).</summary>
    public bool TrimLines { get; init; }
}

/// <summary>
/// Renders lockbox files through a layout: the model of property tests and the generator of benchmarks. Invoice
/// lines fill the 6 record's invoice fields first, then as many 4 records as needed.
/// </summary>
internal static class LockboxWriter
{
    private static readonly HashSet<string> Numeric = new(StringComparer.Ordinal)
    {
        "amount", "batch_count", "batch_amount", "lockbox_count", "lockbox_amount", "record_count", "sequence",
    };

    public static string Write(LockboxLayout layout, IReadOnlyList<LockboxModel> lockboxes, LockboxWriterOptions options)
    {
        var lines = new List<string>();
        var newLine = options.NewLine ?? "\n";
        void Record(char type, Dictionary<string, string> values)
        {
            var line = new char[layout.RecordLength];
            Array.Fill(line, ' ');
            line[0] = type;
            foreach (var field in layout.FieldsOf(type))
            {
                if (!values.TryGetValue(field.Name, out var value))
                {
                    continue;
                }

                var numeric = Numeric.Contains(field.Name) || LockboxLayout.InvoiceIndex(field.Name, out var isAmount) > 0 && isAmount;
                if (value.Length > field.Length)
                {
                    throw new ArgumentException($"{field.Name} '{value}' is longer than its {field.Length} columns.", nameof(lockboxes));
                }

                var text = numeric && value.Length > 0 ? value.PadLeft(field.Length, '0') : value.PadRight(field.Length);
                text.CopyTo(0, line, field.Start - 1, field.Length);
            }

            var rendered = new string(line);
            lines.Add(options.TrimLines ? rendered.TrimEnd() : rendered);
        }

        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        var first = lockboxes.Count > 0 ? lockboxes[0].DepositDate : new DateOnly(2024, 1, 2);
        Record('1', new() { ["priority"] = "01", ["destination"] = "DEST", ["origin"] = "ORIGIN", ["file_date"] = Yymmdd(first), ["file_time"] = "0600" });
        Record('2', new() { ["destination"] = "DEST", ["origin"] = "ORIGIN", ["reference"] = "LBX", ["service_type"] = "400" });
        var detailSlots = layout.Compiled.DetailInvoices.Length;
        var overflowSlots = layout.Compiled.OverflowInvoices.Length;
        foreach (var lockbox in lockboxes)
        {
            long lockboxAmount = 0;
            var lockboxCount = 0;
            var date = Yymmdd(lockbox.DepositDate);
            foreach (var batch in lockbox.Batches)
            {
                Record('5', new() { ["batch"] = batch.Batch, ["item"] = "000", ["lockbox"] = lockbox.Number, ["deposit_date"] = date });
                long batchAmount = 0;
                foreach (var check in batch.Checks)
                {
                    var six = new Dictionary<string, string>
                    {
                        ["batch"] = batch.Batch, ["item"] = check.Item, ["amount"] = N(check.AmountMinor), ["routing"] = check.Routing,
                        ["account"] = check.Account, ["check_number"] = check.CheckNumber, ["remitter_name"] = check.RemitterName,
                    };
                    var next = 0;
                    for (var k = 1; k <= detailSlots && next < check.Invoices.Count; k++, next++)
                    {
                        Invoice(six, k, check.Invoices[next]);
                    }

                    Record('6', six);
                    if (next < check.Invoices.Count && overflowSlots == 0)
                    {
                        throw new ArgumentException("The layout has no room for more invoice lines.", nameof(layout));
                    }

                    var sequence = 0;
                    while (next < check.Invoices.Count)
                    {
                        sequence++;
                        var four = new Dictionary<string, string> { ["batch"] = batch.Batch, ["item"] = check.Item, ["overflow_type"] = "4", ["sequence"] = N(sequence) };
                        for (var k = 1; k <= overflowSlots && next < check.Invoices.Count; k++, next++)
                        {
                            Invoice(four, k, check.Invoices[next]);
                        }

                        four["last"] = next == check.Invoices.Count ? "9" : "0";
                        Record('4', four);
                    }

                    batchAmount += check.AmountMinor;
                }

                Record('7', new() { ["batch"] = batch.Batch, ["item"] = "999", ["lockbox"] = lockbox.Number, ["deposit_date"] = date, ["batch_count"] = N(batch.Checks.Count), ["batch_amount"] = N(batchAmount) });
                lockboxAmount += batchAmount;
                lockboxCount += batch.Checks.Count;
            }

            Record('8', new() { ["lockbox"] = lockbox.Number, ["deposit_date"] = date, ["lockbox_count"] = N(lockboxCount), ["lockbox_amount"] = N(lockboxAmount) });
        }

        Record('9', new() { ["record_count"] = N(lines.Count + 1) });
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            builder.Append(line).Append(newLine);
        }

        return builder.ToString();
    }

    private static void Invoice(Dictionary<string, string> values, int index, (string Number, long? AmountMinor) invoice)
    {
        values[LockboxLayout.InvoiceName("invoice_number", index)] = invoice.Number;
        values[LockboxLayout.InvoiceName("invoice_amount", index)] = invoice.AmountMinor is { } amount ? amount.ToString(CultureInfo.InvariantCulture) : string.Empty;
    }

    private static string Yymmdd(DateOnly date) => date.ToString("yyMMdd", CultureInfo.InvariantCulture);
}
