using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <content>Reading rows into records, and the JSON kept in text columns.</content>
public abstract partial class DbCashStore
{
    private static readonly ConcurrentDictionary<string, CurrencyCode> Currencies = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private protected static CurrencyCode Currency(string code) => Currencies.GetOrAdd(code, static c => new CurrencyCode(c));

    /// <summary>Reads the item columns (<see cref="LedgerSql.SnapshotItemColumns"/>, first); <paramref name="shared"/> keeps one copy of repeated strings.</summary>
    private protected OpenItem ReadOpenItem(DbDataReader r, SharedStrings? shared = null)
    {
        var customerId = r.GetString(2);
        var customerName = r.GetString(3);
        if (shared is not null)
        {
            customerId = shared.Get(customerId);
            customerName = shared.Get(customerName);
        }

        return new(r.GetString(0), LedgerCodes.ParseDocType(r.GetString(1)), customerId, customerName, r.GetString(4), StringOrNull(r, 5), Currency(r.GetString(6)), r.GetInt64(7), ReadDate(r, 8), ReadDate(r, 9));
    }

    private protected StoredOpenItem ReadStoredOpenItem(DbDataReader r) => new(
        ReadOpenItem(r),
        r.GetInt64(10),
        r.GetInt64(11),
        StoreCodes.ParseItemStatus(r.GetString(12)),
        r.GetInt64(13),
        ReadTime(r, 14));

    private protected static Customer ReadCustomer(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        StringOrNull(r, 2),
        SplitList(r.GetString(3)),
        SplitList(r.GetString(4)));

    private protected StoredBankFile ReadBankFile(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        LedgerCodes.ParseFormat(r.GetString(3)),
        ReadTime(r, 4),
        StoreCodes.ParseFileStatus(r.GetString(5)),
        r.GetString(6),
        r.GetInt32(7),
        r.GetInt32(8),
        r.GetInt32(9),
        r.GetInt32(10),
        r.GetInt32(11),
        StringOrNull(r, 12));

    private protected StoredPayment ReadPayment(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetInt64(1),
        r.GetString(2),
        new Money(r.GetInt64(3), Currency(r.GetString(4))),
        r.GetBoolean(5),
        StringOrNull(r, 6),
        StringOrNull(r, 7),
        StringOrNull(r, 8),
        StringOrNull(r, 9),
        RemittanceFromJson(r.GetString(10)),
        r.IsDBNull(11) ? null : ReadDate(r, 11),
        StringOrNull(r, 12),
        r.GetInt64(13))
    {
        IdentityKey = StringOrNull(r, 14),
    };

    private protected StoredApplication ReadApplication(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        new Money(r.GetInt64(4), Currency(r.GetString(5))),
        LedgerCodes.ParseMethod(r.GetString(6)),
        new MatchScore(r.GetInt32(7) / 1000.0),
        r.GetString(8),
        ReadTime(r, 9),
        r.GetString(10),
        Int64OrNull(r, 11));

    private protected StoredExceptionCase ReadException(DbDataReader r)
    {
        var currency = Currency(r.GetString(5));
        return new StoredExceptionCase(
            r.GetInt64(0),
            r.GetInt64(1),
            r.GetString(2),
            r.GetInt64(3),
            new Money(r.GetInt64(4), currency),
            new Money(r.GetInt64(6), currency),
            LedgerCodes.ParseReason(r.GetString(7)),
            r.GetString(8),
            SuggestionsFromJson(r.GetString(9)),
            StoreCodes.ParseExceptionStatus(r.GetString(10)),
            StringOrNull(r, 11),
            r.GetInt64(12),
            ReadTime(r, 13),
            ReadTime(r, 14),
            StringOrNull(r, 15),
            StringOrNull(r, 16) is { } resolution ? StoreCodes.ParseResolution(resolution) : null,
            StringOrNull(r, 17),
            StringOrNull(r, 18),
            TimeOrNull(r, 19));
    }

    private protected AuditEntry ReadAudit(DbDataReader r) => new(
        r.GetInt64(0),
        ReadTime(r, 1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        StringOrNull(r, 5),
        StringOrNull(r, 6),
        StringOrNull(r, 7));

    /// <summary>Aliases and bank accounts are kept as CONTRACT.md writes them: <c>|</c>-separated.</summary>
    private protected static string JoinList(IReadOnlyList<string> values) => string.Join('|', values);

    private static string[] SplitList(string value) => value.Length == 0 ? [] : value.Split('|');

    private protected static string RemittanceToJson(IReadOnlyList<RemittanceLine> lines) =>
        lines.Count == 0 ? "[]" : JsonSerializer.Serialize(lines.Select(l => new RemittanceRow(l.Reference, l.AmountMinor, LedgerKind(l.Kind), l.InvoicedMinor, l.DiscountMinor)).ToArray(), Json);

    private static RemittanceLine[] RemittanceFromJson(string json) =>
        json == "[]" ? [] : [.. (JsonSerializer.Deserialize<RemittanceRow[]>(json, Json) ?? []).Select(r => new RemittanceLine(r.Ref, r.Amount, ParseKind(r.Kind)) { InvoicedMinor = r.Invoiced, DiscountMinor = r.Discount })];

    private protected static string SuggestionsToJson(IReadOnlyList<Suggestion> suggestions) =>
        suggestions.Count == 0 ? "[]" : JsonSerializer.Serialize(suggestions.Select(s => new SuggestionRow(s.ItemIds.ToArray(), s.Score.Value, s.Why)).ToArray(), Json);

    private static Suggestion[] SuggestionsFromJson(string json) =>
        json == "[]" ? [] : [.. (JsonSerializer.Deserialize<SuggestionRow[]>(json, Json) ?? []).Select(s => new Suggestion(s.Items, new MatchScore(s.Score), s.Why))];

    private protected static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static string LedgerKind(RemittanceKind kind) => kind switch
    {
        RemittanceKind.Invoice => "invoice",
        RemittanceKind.CreditNote => "credit_note",
        RemittanceKind.CreditorReference => "creditor_reference",
        RemittanceKind.PurchaseOrder => "purchase_order",
        _ => "unspecified",
    };

    private static RemittanceKind ParseKind(string? kind) => kind switch
    {
        "invoice" => RemittanceKind.Invoice,
        "credit_note" => RemittanceKind.CreditNote,
        "creditor_reference" => RemittanceKind.CreditorReference,
        "purchase_order" => RemittanceKind.PurchaseOrder,
        _ => RemittanceKind.Unspecified,
    };

    private sealed record RemittanceRow(string Ref, long? Amount, string Kind, long? Invoiced, long? Discount);

    private sealed record SuggestionRow(string[] Items, double Score, string Why);
}
