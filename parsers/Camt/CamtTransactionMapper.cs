using System.Globalization;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Camt;

/// <summary>
/// Turns camt entries into <see cref="BankTransaction"/>s: one per <c>TxDtls</c>, or one per entry without
/// details. The payment reference follows <c>CONTRACT.md</c>: <c>TxDtls/Refs/AcctSvcrRef</c>; else
/// <c>EndToEndId</c> unless it is <c>NOTPROVIDED</c>; else the entry's <c>AcctSvcrRef</c>, <c>#</c>, and
/// the 1-based number of the details in the entry.
/// </summary>
/// <param name="fileName">The file, named in each transaction and warning.</param>
/// <param name="warnings">Receives the warnings; may be null.</param>
/// <param name="withoutExtra">
/// Leave <see cref="BankTransaction.Extra"/> empty, and so keep no memory of recent ids for a reversal to name what it
/// reverses: for a reader that never reads it (<c>cashapp parse</c>'s columns). Every other field is the same.
/// </param>
internal sealed class CamtTransactionMapper(string fileName, ICollection<ParseWarning>? warnings, bool withoutExtra = false)
{
    private const string NotProvided = "NOTPROVIDED";

    // Recent end-to-end and transaction ids and the payment reference they were reported under, so that a
    // reversal later in the file can name what it reverses. Capped: a reversal far from its original (or in
    // another file) is still flagged, only not linked.
    private const int RecentCapacity = 1 << 16;
    private readonly Dictionary<string, string> _recent = new(StringComparer.Ordinal);

    public void Map(CamtEntry entry, List<BankTransaction> output)
    {
        var details = entry.Transactions;
        if (details.Count == 0)
        {
            output.Add(Build(entry, null, 1, entry.AmountMinor, entry.Currency, entry.Direction, null, null));
            return;
        }

        if (details.Count == 1)
        {
            // The entry is what was booked: its amount and direction win. A detail that disagrees is reported
            // (the SIX example books a DBIT entry whose only TxDtls says CRDT; a PostFinance TxAmt holds the fee).
            var only = details[0];
            string? statedAmount = null;
            var stated = only.Amount ?? only.TransactionAmount;
            if (stated is { } amount && amount.Currency.Code == entry.Currency.Code && amount.Minor != entry.AmountMinor)
            {
                statedAmount = MinorUnits.Format(amount.Minor, amount.Currency.MinorDigits);
                Warn(only.LineNumber, CamtErrorCodes.DetailDiffers, CamtErrorMessages.DetailDiffers, entry.Number, "amount", MinorUnits.Format(entry.AmountMinor, entry.Currency.MinorDigits), statedAmount);
            }

            if (only.Direction is { } direction && direction != entry.Direction)
            {
                Warn(only.LineNumber, CamtErrorCodes.DetailDiffers, CamtErrorMessages.DetailDiffers, entry.Number, "direction", Code(entry.Direction), Code(direction));
            }

            output.Add(Build(entry, only, 1, entry.AmountMinor, entry.Currency, entry.Direction, statedAmount, null));
            return;
        }

        // A batch: each detail carries its own amount and, where stated, its own direction (a netted batch
        // mixes credits and debits).
        Span<long> amounts = details.Count <= 256 ? stackalloc long[details.Count] : new long[details.Count];
        var currencies = new CurrencyCode[details.Count];
        long net = 0;
        for (var i = 0; i < details.Count; i++)
        {
            var detail = details[i];
            var amount = detail.Amount ?? detail.TransactionAmount
                ?? (detail.InstructedAmount is { } instructed && instructed.Currency.Code == entry.Currency.Code ? instructed : null);
            if (amount is null || amount.Value.Currency.Code != entry.Currency.Code)
            {
                // The entry's amount cannot be split: report the batch whole rather than lose or invent money.
                Warn(entry.LineNumber, CamtErrorCodes.BatchWithoutAmounts, CamtErrorMessages.BatchWithoutAmounts, entry.Number, details.Count, entry.Currency.Code);
                output.Add(Build(entry, details[0], 1, entry.AmountMinor, entry.Currency, entry.Direction, null, details));
                return;
            }

            amounts[i] = amount.Value.Minor;
            currencies[i] = amount.Value.Currency;
            var direction = detail.Direction ?? entry.Direction;
            net = checked(net + (direction == entry.Direction ? amount.Value.Minor : -amount.Value.Minor));
        }

        if (net != entry.AmountMinor)
        {
            var digits = entry.Currency.MinorDigits;
            Warn(entry.LineNumber, CamtErrorCodes.BatchMismatch, CamtErrorMessages.BatchMismatch, entry.Number, MinorUnits.Format(entry.AmountMinor, digits), MinorUnits.Format(net, digits));
        }

        for (var i = 0; i < details.Count; i++)
        {
            var detail = details[i];
            output.Add(Build(entry, detail, i + 1, amounts[i], currencies[i], detail.Direction ?? entry.Direction, null, null));
        }
    }

    private BankTransaction Build(CamtEntry entry, CamtTransaction? detail, int number, long amountMinor, CurrencyCode currency, Direction direction, string? statedAmount, IReadOnlyList<CamtTransaction>? merged)
    {
        var statement = entry.Statement;
        var paymentRef = PaymentRef(entry, detail, number);
        string? payerName = null, payerAccount = null, freeText;
        IReadOnlyList<RemittanceLine> remittance = [];
        if (detail is not null)
        {
            // The debtor is who paid from its account, so its name goes with PayerAccount; the ultimate debtor (on
            // whose behalf, e.g. a subsidiary paid by its group's payment factory) is kept in Extra for the matcher.
            payerName = detail.DebtorName;
            payerAccount = detail.DebtorAccount;
            remittance = merged is null ? Remittance(detail) : merged.SelectMany(Remittance).ToArray();
            freeText = merged is null ? FreeText(entry, detail) : string.Join(' ', merged.Select(d => FreeText(entry, d)).Where(t => t.Length > 0));
            if (freeText.Length == 0)
            {
                freeText = null;
            }
        }
        else
        {
            freeText = entry.AdditionalInfo;
        }

        var (isPayment, reason) = Classify(entry, detail, direction);
        string? reverses = null;
        if (withoutExtra)
        {
            // Nothing below is read but by Extra.
        }
        else if (entry.IsReversal)
        {
            reverses = detail is null ? null : Reversed(detail);
        }
        else if (detail is not null)
        {
            Remember(detail, paymentRef);
        }

        return new BankTransaction
        {
            PaymentRef = paymentRef,
            Direction = direction,
            AmountMinor = amountMinor,
            Currency = currency.Code,
            Format = statement.Kind == CamtMessageKind.Statement ? BankFileFormat.Camt053 : BankFileFormat.Camt054,
            SourceFile = fileName,
            LineNumber = detail?.LineNumber ?? entry.LineNumber,
            IsPayment = isPayment,
            NotPaymentReason = reason,
            PayerName = payerName,
            UltimatePayerName = detail?.UltimateDebtorName,
            PayerAccount = payerAccount,
            Remittance = remittance,
            FreeText = freeText,
            TypeCode = (detail?.BankTransactionCode ?? entry.BankTransactionCode)?.Text,
            ValueDate = entry.ValueDate ?? entry.BookingDate,
            Account = statement.Account,
            BankReference = BankReference(detail),
            BookingDate = entry.BookingDate ?? entry.ValueDate,
            Extra = withoutExtra
                ? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty
                : new CamtExtra(entry, detail, statedAmount, reverses),
        };
    }

    /// <summary>The transaction's own reference, the same in a camt.053 and a camt.054: its AcctSvcrRef, else its EndToEndId; null when neither.</summary>
    private static string? BankReference(CamtTransaction? detail) =>
        detail?.AccountServicerRef is { Length: > 0 } servicer ? servicer
        : detail?.EndToEndId is { Length: > 0 } endToEnd && endToEnd != NotProvided ? endToEnd
        : null;

    /// <summary>The payment reference of <c>CONTRACT.md</c>.</summary>
    internal static string PaymentRef(CamtEntry entry, CamtTransaction? detail, int number)
    {
        if (detail?.AccountServicerRef is { Length: > 0 } servicer)
        {
            return servicer;
        }

        if (detail?.EndToEndId is { Length: > 0 } endToEnd && endToEnd != NotProvided)
        {
            return endToEnd;
        }

        // CONTRACT.md: the entry's AcctSvcrRef. An entry without one (the SIX examples) falls back to its
        // NtryRef, then to statement id and entry number, so that the reference still names one transaction.
        var entryRef = entry.AccountServicerRef
            ?? entry.EntryRef
            ?? string.Create(CultureInfo.InvariantCulture, $"{entry.Statement.Id ?? entry.Statement.Number.ToString(CultureInfo.InvariantCulture)}/{entry.Number}");
        return string.Create(CultureInfo.InvariantCulture, $"{entryRef}#{number}");
    }

    /// <summary>Only a booked, non-reversal credit is a payment to apply; everything else says why not.</summary>
    private static (bool IsPayment, string? Reason) Classify(CamtEntry entry, CamtTransaction? detail, Direction direction)
    {
        if (direction == Direction.Debit)
        {
            return (false, null);
        }

        if (entry.IsReversal)
        {
            return (false, "reversal (RvslInd): the bank undoes an earlier booking");
        }

        switch (entry.Status)
        {
            case CamtEntryStatus.Pending:
                return (false, "pending (PDNG): not booked yet");
            case CamtEntryStatus.Information:
                return (false, "information only (INFO): not booked");
            case CamtEntryStatus.Other:
                return (false, $"status {entry.StatusCode ?? "missing"}: not booked");
            default:
                break;
        }

        if (detail is { IsReturn: true })
        {
            return (false, $"return of an earlier payment (RtrInf {detail.ReturnReason ?? "without reason"})");
        }

        return (true, null);
    }

    private static IReadOnlyList<RemittanceLine> Remittance(CamtTransaction detail)
    {
        if (detail.Documents.Count == 0 && detail.CreditorReferences.Count == 0)
        {
            return [];
        }

        var lines = new RemittanceLine[detail.Documents.Count + detail.CreditorReferences.Count];
        var count = 0;
        foreach (var document in detail.Documents)
        {
            // A credit note taken against the payment reduces it: its line amount is negative, as in applications.csv.
            long? amount = document.Kind == RemittanceKind.CreditNote
                ? -(document.RemittedMinor ?? document.CreditNoteMinor)
                : document.RemittedMinor;
            lines[count++] = new RemittanceLine(document.Number, amount, document.Kind)
            {
                InvoicedMinor = document.DuePayableMinor,
                DiscountMinor = document.DiscountMinor,
            };
        }

        foreach (var reference in detail.CreditorReferences)
        {
            var kind = reference.IsIso11649 || CamtParser.KindOf(reference.TypeCode) == RemittanceKind.CreditorReference
                ? RemittanceKind.CreditorReference
                : RemittanceKind.Unspecified;
            lines[count++] = new RemittanceLine(reference.Reference, reference.RemittedMinor, kind);
        }

        return lines;
    }

    /// <summary><c>Ustrd</c> lines joined with a space, then <c>AddtlTxInf</c>, then <c>AddtlNtryInf</c> of a single-transaction entry, each once.</summary>
    private static string FreeText(CamtEntry entry, CamtTransaction detail)
    {
        var unstructured = detail.Unstructured;
        var text = unstructured.Count switch
        {
            0 => string.Empty,
            1 => unstructured[0].Trim(),
            _ => JoinLines(unstructured),
        };
        text = Append(text, detail.AdditionalInfo);
        if (entry.Transactions.Count <= 1)
        {
            text = Append(text, entry.AdditionalInfo);
        }

        return text;
    }

    /// <summary>The most characters of one <c>Ustrd</c> line (Max140Text).</summary>
    private const int MaxUnstructuredLength = 140;

    /// <summary>
    /// <c>Ustrd</c> lines joined: with a space, except after a line the bank filled to its width, where the text was
    /// cut, not ended: there the next line goes on verbatim (a word or number cut in two is one again), unless it
    /// starts a field of its own (<c>CHARGES:SHA</c>) after a value, which is never glued to it.
    /// </summary>
    private static string JoinLines(IReadOnlyList<string> lines)
    {
        var text = new System.Text.StringBuilder(lines[0].Trim());
        for (var i = 1; i < lines.Count; i++)
        {
            // The lines as written: a space at either side of the cut is a cut between words.
            var previous = lines[i - 1];
            var line = lines[i];
            // A key right after a value ("9004204786" + "CHARGES:SHA") starts a field; after a letter it is a word cut in two.
            var cut = previous.Length >= MaxUnstructuredLength
                && !char.IsWhiteSpace(previous[^1]) && !char.IsWhiteSpace(line[0])
                && (char.IsAsciiLetter(previous[^1]) || !CashApp.Parsers.Remittance.PaymentTextScan.StartsWithKey(line));
            if (!cut && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(line.Trim());
        }

        return text.ToString();
    }

    private static string Append(string text, string? more) =>
        more is null || text.Contains(more, StringComparison.Ordinal) ? text
        : text.Length == 0 ? more
        : text + " " + more;

    private void Remember(CamtTransaction detail, string paymentRef)
    {
        if (detail.EndToEndId is not { Length: > 0 } && detail.TransactionId is not { Length: > 0 })
        {
            return;
        }

        if (_recent.Count >= RecentCapacity)
        {
            _recent.Clear();
        }

        if (detail.EndToEndId is { Length: > 0 } endToEnd && endToEnd != NotProvided)
        {
            _recent[endToEnd] = paymentRef;
        }

        if (detail.TransactionId is { Length: > 0 } transactionId)
        {
            _recent[transactionId] = paymentRef;
        }
    }

    private string? Reversed(CamtTransaction detail)
    {
        if (detail.EndToEndId is { Length: > 0 } endToEnd && endToEnd != NotProvided && _recent.TryGetValue(endToEnd, out var original))
        {
            return original;
        }

        return detail.TransactionId is { Length: > 0 } transactionId && _recent.TryGetValue(transactionId, out original) ? original : null;
    }

    private static string Code(Direction direction) => direction == Direction.Credit ? "CRDT" : "DBIT";

    private void Warn(long line, string code, string template, params object?[] args) =>
        warnings?.Add(new ParseWarning(fileName, line, code, string.Format(CultureInfo.InvariantCulture, template, args)));
}
