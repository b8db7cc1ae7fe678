using System.Runtime.CompilerServices;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Bai2;

/// <content>
/// Validation: the order of records, and every control total and record count of the 49, 98 and 99 trailers.
/// A trailer's total is checked against the records it covers directly (a 98 against its 49s as written), so one
/// wrong total is named once, where it is.
/// </content>
public sealed partial class Bai2RecordReader
{
    private StructureState state = StructureState.Start;
    private CurrencyCode? groupCurrency;
    private string? accountCurrencyGiven;

    private Int128 accountTotal;
    private long accountRecords;
    private long accountContinuations;
    private long accountIdentifierContinuations;
    private Int128 groupTotal;
    private long groupRecords;
    private int groupAccounts;
    private Int128 fileTotal;
    private long fileRecords;
    private int fileGroups;

    private enum StructureState
    {
        Start,
        InFile,
        InGroup,
        InAccount,
        Ended,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckOrder(Bai2RecordCode recordCode)
    {
        var expected = (state, recordCode) switch
        {
            (StructureState.Start, Bai2RecordCode.FileHeader) => null,
            (StructureState.Start, _) => "a 01 file header first",
            (StructureState.InFile, Bai2RecordCode.GroupHeader or Bai2RecordCode.FileTrailer) => null,
            (StructureState.InFile, _) => "a 02 group header or the 99 file trailer",
            (StructureState.InGroup, Bai2RecordCode.AccountIdentifier or Bai2RecordCode.GroupTrailer) => null,
            (StructureState.InGroup, _) => "a 03 account identifier or a 98 group trailer",
            (StructureState.InAccount, Bai2RecordCode.TransactionDetail or Bai2RecordCode.AccountTrailer) => null,
            (StructureState.InAccount, _) => "a 16 transaction detail or a 49 account trailer",
            _ => "nothing after the 99 file trailer",
        };

        if (expected is not null)
        {
            var location = new Bai2Location(fileName, LineNumber, ByteOffset, code, -1);
            Bai2Throw.Format(location, Bai2ErrorCodes.RecordOrder, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordOrder, expected, Bai2ErrorMessages.RecordName(code) + " (" + code + ")"));
        }
    }

    /// <summary>Counts the record and checks the trailers; called after a record is decoded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reconcile(Bai2RecordCode recordCode)
    {
        long records = PhysicalRecordCount;
        fileRecords += records;
        switch (recordCode)
        {
            case Bai2RecordCode.FileHeader:
                state = StructureState.InFile;
                break;

            case Bai2RecordCode.GroupHeader:
                state = StructureState.InGroup;
                groupTotal = 0;
                groupRecords = records;
                groupAccounts = 0;
                groupCurrency = GroupHeader!.Currency is { } c && CurrencyCode.TryParse(c, out var gc) ? gc : null;
                break;

            case Bai2RecordCode.AccountIdentifier:
                state = StructureState.InAccount;
                accountRecords = records;
                accountContinuations = records - 1;
                accountIdentifierContinuations = records - 1;
                accountTotal = 0;
                foreach (var summary in summaries)
                {
                    accountTotal += summary.Amount ?? 0;
                }

                groupAccounts++;
                break;

            case Bai2RecordCode.TransactionDetail:
                accountRecords += records;
                accountContinuations += records - 1;
                accountTotal += Amount;
                break;

            case Bai2RecordCode.AccountTrailer:
                accountRecords += records;
                accountContinuations += records - 1;
                CheckTotal(accountTotal, "the account's summary and detail amounts", "account control total");
                if (TrailerRecordCount != accountRecords)
                {
                    var without88 = accountRecords - accountContinuations;
                    var withoutSummary88 = accountRecords - accountIdentifierContinuations;
                    var location = Trailer("number of records", 2);
                    if (accountContinuations > 0 && (TrailerRecordCount == without88 || TrailerRecordCount == withoutSummary88))
                    {
                        Deviation(location, Bai2ErrorCodes.RecordCountWithout88, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordCountWithout88, accountRecords, TrailerRecordCount));
                    }
                    else
                    {
                        Deviation(location, Bai2ErrorCodes.RecordCount, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordCount, accountRecords, "03 to 49 with their 88 continuations", TrailerRecordCount));
                    }
                }

                groupTotal += Amount;
                groupRecords += accountRecords;
                state = StructureState.InGroup;
                break;

            case Bai2RecordCode.GroupTrailer:
                groupRecords += records;
                CheckTotal(groupTotal, "the group's 49 account control totals", "group control total");
                if (TrailerItemCount is { } accounts && accounts != groupAccounts)
                {
                    Deviation(Trailer("number of accounts", 2), Bai2ErrorCodes.AccountCount, Bai2ErrorMessages.Format(Bai2ErrorMessages.AccountCount, groupAccounts, accounts));
                }

                if (TrailerRecordCount != groupRecords)
                {
                    Deviation(Trailer("number of records", TrailerItemCount is null ? 2 : 3), Bai2ErrorCodes.RecordCount, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordCount, groupRecords, "02 to 98 with their 88 continuations", TrailerRecordCount));
                }

                fileTotal += Amount;
                fileGroups++;
                state = StructureState.InFile;
                break;

            case Bai2RecordCode.FileTrailer:
                CheckTotal(fileTotal, "the file's 98 group control totals", "file control total");
                if (TrailerItemCount != fileGroups)
                {
                    Deviation(Trailer("number of groups", 2), Bai2ErrorCodes.GroupCount, Bai2ErrorMessages.Format(Bai2ErrorMessages.GroupCount, fileGroups, TrailerItemCount));
                }

                if (TrailerRecordCount != fileRecords)
                {
                    Deviation(Trailer("number of records", 3), Bai2ErrorCodes.RecordCount, Bai2ErrorMessages.Format(Bai2ErrorMessages.RecordCount, fileRecords, "01 to 99 with their 88 continuations", TrailerRecordCount));
                }

                state = StructureState.Ended;
                break;
        }
    }

    private void CheckTotal(Int128 computed, string what, string fieldName)
    {
        if (computed != Amount)
        {
            Deviation(Trailer(fieldName, 1), Bai2ErrorCodes.ControlTotal, Bai2ErrorMessages.Format(Bai2ErrorMessages.ControlTotal, computed, what, Amount));
        }
    }

    private Bai2Location Trailer(string fieldName, int index) => new(fileName, LineNumber, ByteOffset, code, index, fieldName);

    /// <summary>At the end of the bytes: the file must have ended with its 99 trailer.</summary>
    private void EndOfData()
    {
        var missing = state switch
        {
            StructureState.Ended => null,
            StructureState.Start => "its 01 file header (the file is empty)",
            StructureState.InFile => "its 99 file trailer",
            StructureState.InGroup => "the 98 trailer of the group that starts at line " + (GroupHeader?.LineNumber ?? 0),
            _ => "the 49 trailer of account " + AccountNumber,
        };

        if (missing is not null)
        {
            var location = new Bai2Location(fileName, Math.Max(1, LineNumber + lineIndex), nextByteOffset, string.Empty, -1);
            Bai2Throw.Format(location, Bai2ErrorCodes.Truncated, Bai2ErrorMessages.Format(Bai2ErrorMessages.Truncated, missing));
        }
    }
}
