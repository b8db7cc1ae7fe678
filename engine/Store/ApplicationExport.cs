using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Engine.Output;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <summary>
/// Writes applications for posting back to AR: one CSV row per application (automatic or by a specialist),
/// oldest first, with the columns of <c>applications.csv</c> first so an AR import reads both alike.
/// </summary>
public static class ApplicationExport
{
    /// <summary>The header row.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "payment_ref", "item_id", "amount", "currency", "method", "confidence", "explanation",
        "applied_at", "applied_by", "application_id", "payment_id", "exception_id",
    ];

    private const int PageSize = 10_000;

    /// <summary>Writes every application made at or after <paramref name="since"/>; returns how many rows.</summary>
    public static async Task<int> WriteCsvAsync(ICashStore store, DateTimeOffset since, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(writer);
        var rows = new List<string?[]>();
        long? after = null;
        while (true)
        {
            var page = await store.ListApplicationsAsync(new ApplicationQuery { Since = since, AfterId = after, Take = PageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var a in page)
            {
                rows.Add(
                [
                    a.PaymentRef,
                    a.ItemId,
                    MinorUnits.Format(a.Amount.Minor, a.Amount.Currency.MinorDigits),
                    a.Amount.Currency.Code,
                    LedgerCodes.Of(a.Method),
                    a.Confidence.ToString(),
                    a.Explanation,
                    a.AppliedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    a.AppliedBy,
                    a.Id.ToString(CultureInfo.InvariantCulture),
                    a.PaymentId.ToString(CultureInfo.InvariantCulture),
                    a.ExceptionId?.ToString(CultureInfo.InvariantCulture),
                ]);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Id;
        }

        CsvOut.Write(writer, Columns, rows);
        return rows.Count;
    }
}
