using System.Globalization;
using CashApp.Parsers.Common;
using CashApp.Parsers.Remittance;

namespace CashApp.Parsers.Bai2;

/// <summary>Turns the current 16 record of a <see cref="Bai2RecordReader"/> into a <see cref="BankTransaction"/>.</summary>
internal static class Bai2Transactions
{
    /// <summary>
    /// Builds the transaction of the current 16 record. False for a record that is not a transaction: type code
    /// 890 (non-monetary information) and other codes without a credit or debit direction.
    /// </summary>
    public static bool TryCreate(Bai2RecordReader reader, out BankTransaction transaction)
    {
        var type = reader.TypeCode;
        if (type.Direction is not { } direction)
        {
            transaction = null!;
            return false;
        }

        var currency = reader.Currency;
        var rawText = Bai2RecordReader.Decode(reader.Text);
        var details = PaymentTextParser.Parse(rawText, currency.MinorDigits, reader.TextContinuationStarts);
        var bankReference = reader.BankReference.IsEmpty ? null : Bai2RecordReader.Decode(reader.BankReference);
        var customerReference = reader.CustomerReference.IsEmpty ? null : Bai2RecordReader.Decode(reader.CustomerReference);

        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["account"] = reader.AccountNumber ?? string.Empty,
            ["type_description"] = Bai2TypeCodes.Describe(type),
            ["funds_type"] = reader.Availability.FundsType.ToString(),
        };
        if (rawText.Length > 0)
        {
            extra["raw_text"] = rawText;
        }

        if (customerReference is not null)
        {
            extra["customer_ref"] = customerReference;
        }

        foreach (var (label, key) in ExtraFields)
        {
            if (details.Fields.TryGetValue(label, out var value) && value.Length > 0)
            {
                extra[key] = value;
            }
        }

        var isDetailCredit = direction == Direction.Credit && type.Level == Bai2TypeLevel.Detail;
        var freeText = details.Recognized ? details.RemittanceText : (rawText.Length == 0 ? null : rawText);
        transaction = new BankTransaction
        {
            // CONTRACT.md: the bank reference number of the 16 record. Where a bank leaves it blank, the
            // customer reference, else the record's line, so that every transaction has a reference.
            PaymentRef = bankReference ?? customerReference ?? "L" + reader.LineNumber.ToString(CultureInfo.InvariantCulture),
            Direction = direction,
            AmountMinor = reader.Amount,
            Currency = currency.Code,
            Format = BankFileFormat.Bai2,
            SourceFile = reader.FileName,
            LineNumber = reader.LineNumber,
            IsPayment = isDetailCredit,
            NotPaymentReason = direction == Direction.Debit ? "debit" : isDetailCredit ? null : "summary type code " + type,
            PayerName = details.PayerName,
            PayerAccount = details.PayerAccount,
            PayerId = details.PayerId,
            Remittance = details.Lines,
            FreeText = freeText,
            TypeCode = type.ToString(),
            ValueDate = reader.Availability.ValueDate ?? reader.GroupHeader?.AsOfDate,
            Extra = extra,
        };
        return true;
    }

    private static readonly (string Label, string Key)[] ExtraFields =
    [
        ("SEC", "sec"),
        ("TRACE#", "trace"),
        ("ENTRY DESCR", "entry_description"),
        ("ORIG BK", "originator_bank"),
        ("TRN", "wire_reference"),
        ("IMAD", "imad"),
        ("EREF", "end_to_end_id"),
    ];
}
