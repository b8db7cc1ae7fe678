using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CashApp.Parsers.Camt;

/// <summary>
/// <see cref="Common.BankTransaction.Extra"/> of a camt transaction: a read-only view over the entry and its
/// details, so that reading a large statement allocates no dictionary and formats no value nobody asks for.
/// Keys with no value in the file are absent.
/// </summary>
internal sealed class CamtExtra(CamtEntry entry, CamtTransaction? detail, string? statedAmount, string? reverses) : IReadOnlyDictionary<string, string>
{
    private static readonly (string Key, Func<CamtExtra, string?> Value)[] Fields =
    [
        ("statement_id", x => x._entry.Statement.Id),
        ("account", x => x._entry.Statement.Account),
        ("entry_ref", x => x._entry.EntryRef),
        ("entry_account_servicer_ref", x => x._entry.AccountServicerRef),
        ("status", x => x._entry.StatusCode),
        ("booking_date", x => x._entry.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("additional_entry_info", x => x._entry.AdditionalInfo),
        ("batch_size", x => x._entry.Transactions.Count > 1 ? x._entry.Transactions.Count.ToString(CultureInfo.InvariantCulture) : null),

        // An entry booked without TxDtls: its detail, if any, comes in another message (a camt.054).
        ("without_details", x => x._detail is null ? "true" : null),
        ("batch_payment_information_id", x => x._entry.BatchPaymentInformationId),
        ("batch_message_id", x => x._entry.BatchMessageId),
        ("reversal", x => x._entry.IsReversal ? "true" : null),
        ("reverses", x => x._reverses),
        ("tx_amount", x => x._statedAmount),
        ("ultimate_debtor", x => x._detail?.UltimateDebtorName),
        ("creditor", x => x._detail?.CreditorName),
        ("ultimate_creditor", x => x._detail?.UltimateCreditorName),
        ("creditor_account", x => x._detail?.CreditorAccount),
        ("account_servicer_ref", x => x._detail?.AccountServicerRef),
        ("end_to_end_id", x => x._detail?.EndToEndId),
        ("instruction_id", x => x._detail?.InstructionId),
        ("transaction_id", x => x._detail?.TransactionId),
        ("message_id", x => x._detail?.MessageId),
        ("payment_information_id", x => x._detail?.PaymentInformationId),
        ("mandate_id", x => x._detail?.MandateId),
        ("uetr", x => x._detail?.Uetr),
        ("return_reason", x => x._detail?.ReturnReason),
        ("exchange_rate", x => x._detail?.ExchangeRate),
        ("instructed_amount", x => x._detail?.InstructedAmount is { } a ? a.Currency.Code + " " + a : null),
        ("counter_value_amount", x => x._detail?.CounterValueAmount is { } a ? a.Currency.Code + " " + a : null),
    ];

    private static readonly FrozenDictionary<string, int> Index =
        Fields.Select((field, i) => (field.Key, i)).ToFrozenDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);

    private readonly CamtEntry _entry = entry;
    private readonly CamtTransaction? _detail = detail;
    private readonly string? _statedAmount = statedAmount;
    private readonly string? _reverses = reverses;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<string> Values => this.Select(pair => pair.Value);

    public int Count => Fields.Count(f => f.Value(this) is not null);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        value = Index.TryGetValue(key, out var i) ? Fields[i].Value(this) : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var (key, read) in Fields)
        {
            if (read(this) is { } value)
            {
                yield return new KeyValuePair<string, string>(key, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
