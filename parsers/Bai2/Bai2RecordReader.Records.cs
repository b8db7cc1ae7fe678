namespace CashApp.Parsers.Bai2;

/// <content>The typed record of the current record, for callers that want objects rather than spans.</content>
public sealed partial class Bai2RecordReader
{
    /// <summary>Builds the typed record of the current record (allocates).</summary>
    public Bai2Record CreateRecord() => RecordCode switch
    {
        Bai2RecordCode.FileHeader => FileHeader!,
        Bai2RecordCode.GroupHeader => GroupHeader!,
        Bai2RecordCode.AccountIdentifier => new Bai2AccountIdentifier(AccountNumber!, accountCurrencyGiven, Currency.Code, [.. summaries]) { LineNumber = LineNumber },
        Bai2RecordCode.TransactionDetail => CreateDetail(),
        Bai2RecordCode.AccountTrailer => new Bai2AccountTrailer(Amount, TrailerRecordCount) { LineNumber = LineNumber },
        Bai2RecordCode.GroupTrailer => new Bai2GroupTrailer(Amount, TrailerItemCount, TrailerRecordCount) { LineNumber = LineNumber },
        Bai2RecordCode.FileTrailer => new Bai2FileTrailer(Amount, TrailerItemCount ?? 0, TrailerRecordCount) { LineNumber = LineNumber },
        _ => throw new InvalidOperationException("No current record."),
    };

    /// <summary>Builds the typed 16 record of the current record (allocates).</summary>
    public Bai2TransactionDetail CreateDetail()
    {
        if (RecordCode != Bai2RecordCode.TransactionDetail)
        {
            throw new InvalidOperationException("The current record is not a 16 transaction detail.");
        }

        return new Bai2TransactionDetail(
            TypeCode,
            Amount,
            Currency.Code,
            Availability,
            BankReference.IsEmpty ? null : Decode(BankReference),
            CustomerReference.IsEmpty ? null : Decode(CustomerReference),
            Decode(Text))
        {
            LineNumber = LineNumber,
        };
    }
}
