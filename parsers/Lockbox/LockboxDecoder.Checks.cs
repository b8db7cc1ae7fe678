using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Lockbox;

internal sealed partial class LockboxDecoder
{
    private const string DetailRecordType = "6";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Detail(ReadOnlySpan<byte> line)
    {
        FlushCheck();
        if (batchLine == 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'6', null, LockboxErrors.DetailOutsideBatchCode, LockboxErrors.DetailOutsideBatch);
        }

        var batch = Required(line, c.DetailBatch, "batch");
        var item = Required(line, c.DetailItem, "item");
        var amount = Number(line, c.DetailAmount, "amount");

        // The reference as written: LOCKBOX (from the 5) - BATCH - ITEM (from the 6), CONTRACT.md.
        checkRef = materialize && row is null ? PaymentRef(lockbox!, batch, item) : string.Empty;

        // Keep batch and item to check that the overflow records that follow belong to this check.
        if (checkBatchItem.Length < batch.Length + item.Length)
        {
            checkBatchItem = new byte[batch.Length + item.Length];
        }

        batch.CopyTo(checkBatchItem);
        item.CopyTo(checkBatchItem.AsSpan(batch.Length));
        checkBatchLength = batch.Length;
        checkItemLength = item.Length;

        checkLine = lineNumber;
        checkAmount = amount;
        remittance.Clear();
        overflowCount = 0;
        lastOverflowLine = 0;
        pending = true;
        batchChecks++;
        batchAmount = checked(batchAmount + amount);
        if (!materialize)
        {
            Invoices(line, c.DetailInvoices);
            return;
        }

        var name = Trim(c.DetailRemitterName.Of(line));
        checkText.Clear();
        checkTextFilled = false;
        RemittanceText(c.DetailRemittanceText, line);
        if (row is not null)
        {
            CheckRowValues(row, batch, item, name, Trim(c.DetailRouting.Of(line)), Trim(c.DetailAccount.Of(line)));
        }
        else
        {
            checkName = name.IsEmpty ? null : names.Get(name);
            checkAccount = PayerAccount(Trim(c.DetailRouting.Of(line)), Trim(c.DetailAccount.Of(line)));
        }

        checkExtras = null;
        if (c.ExtraKeys.Length > 0 && !WithoutExtra)
        {
            // The check's values are assembled in one array reused check after check: the payment gets its own copy
            // only if it keeps its extra data (OwnExtra).
            checkExtras = extras;
            Array.Clear(checkExtras);
            batchExtras?.CopyTo(checkExtras, 0);
            if (c.CheckNumberKey >= 0)
            {
                // Decoded only for a payment that keeps it.
                var number = Trim(c.DetailCheckNumber.Of(line));
                if (checkNumber.Length < number.Length)
                {
                    checkNumber = new byte[number.Length];
                }

                number.CopyTo(checkNumber);
                checkNumberLength = number.Length;
            }

            AddExtras(line, c.DetailExtras, append: false);
        }

        Invoices(line, c.DetailInvoices);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Overflow(ReadOnlySpan<byte> line)
    {
        if (!pending)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'4', null, LockboxErrors.OverflowWithoutCheckCode, LockboxErrors.OverflowWithoutCheck);
        }

        if (lastOverflowLine != 0)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'4', "last", LockboxErrors.OverflowAfterLastCode, LockboxErrors.OverflowAfterLast, lastOverflowLine);
        }

        if (c.OverflowBatch.IsPresent)
        {
            SameAsCheck(Trim(c.OverflowBatch.Of(line)), checkBatchItem.AsSpan(0, checkBatchLength), "batch");
        }

        if (c.OverflowItem.IsPresent)
        {
            SameAsCheck(Trim(c.OverflowItem.Of(line)), checkBatchItem.AsSpan(checkBatchLength, checkItemLength), "item");
        }

        overflowCount++;
        if (c.OverflowSequence.IsPresent && !Trim(c.OverflowSequence.Of(line)).IsEmpty)
        {
            var sequence = Number(line, c.OverflowSequence, "sequence");
            if (sequence != overflowCount)
            {
                LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'4', "sequence", LockboxErrors.OverflowSequenceCode, LockboxErrors.OverflowSequence, sequence, overflowCount);
            }
        }

        if (c.OverflowLast.IsPresent && Trim(c.OverflowLast.Of(line)) is [(byte)'9'])
        {
            lastOverflowLine = lineNumber;
        }

        Invoices(line, c.OverflowInvoices);
        if (materialize)
        {
            RemittanceText(c.OverflowRemittanceText, line);
        }

        if (c.OverflowExtras.Length > 0)
        {
            AddExtras(line, c.OverflowExtras, append: true);
        }
    }

    /// <summary>Completes the pending check, if any, into a payment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlushCheck()
    {
        if (!pending)
        {
            return;
        }

        pending = false;
        summaryChecks++;
        summaryAmount = checked(summaryAmount + checkAmount);
        if (overflowCount > 0 && lastOverflowLine == 0 && c.OverflowLast.IsPresent)
        {
            warnings?.Add(new ParseWarning(fileName, checkLine, LockboxErrors.OverflowNoLastCode,
                LockboxFormatException.Describe(LockboxErrors.OverflowNoLast, overflowCount)));
        }

        if (!materialize)
        {
            return;
        }

        if (row is not null)
        {
            FlushRow(row);
            return;
        }

        // Every payment is asked about (KeepExtra), one with extra data with the data lent: the decoder's values, read
        // through one object reused check after check. Only a payment that keeps it gets a copy.
        var lend = checkExtras is not null && KeepExtra is not null;
        var transaction = new BankTransaction
        {
            PaymentRef = checkRef,
            Direction = Direction.Credit,
            AmountMinor = checkAmount,
            Currency = currency,
            Format = BankFileFormat.Lockbox,
            SourceFile = fileName,
            LineNumber = checkLine,
            IsPayment = checkAmount > 0,
            NotPaymentReason = checkAmount > 0 ? null : "zero-amount check",
            PayerName = checkName,
            PayerAccount = checkAccount,
            Remittance = remittance.Count == 0 ? [] : remittance.ToArray(),
            FreeText = checkText.Length == 0 ? null : checkText.ToString(),
            TypeCode = DetailRecordType,
            ValueDate = depositDate,
            Account = lockbox,
            BankReference = checkRef.Length > lockbox!.Length ? checkRef[(lockbox.Length + 1)..] : null,
            BookingDate = depositDate,
            Extra = checkExtras is null ? LockboxNoExtra.Instance : lend ? LendExtra() : OwnExtra(),
        };
        // Asked once, with or without data to lend (a layout without extra fields has none).
        if (KeepExtra is not null && transaction.AskKeepExtra(KeepExtra) && lend)
        {
            transaction.KeepExtra(lentExtra!.Owned);
        }

        if (lend)
        {
            lentExtra!.Return();
        }

        Output.Add(transaction);
    }

    /// <summary>The pending check's extra data, lent for <see cref="KeepExtra"/>'s question about its payment.</summary>
    private LockboxLentExtra LendExtra()
    {
        lentExtra ??= new LockboxLentExtra(OwnExtra);
        lentExtra.Lend();
        return lentExtra;
    }

    /// <summary>The pending check's extra data, its own: the check number decoded, the values copied from the reused array.</summary>
    private IReadOnlyDictionary<string, string> OwnExtra()
    {
        var values = checkExtras!;
        if (c.CheckNumberKey >= 0)
        {
            values[c.CheckNumberKey] = checkNumberLength == 0 ? null : CheckNumber(checkNumber.AsSpan(0, checkNumberLength));
        }

        // One value is kept without its array (LockboxExtra.Create); more keep theirs, so it must be the payment's own.
        return LockboxExtra.Create(c.ExtraKeys, values.Length == 1 ? values : (string?[])values.Clone());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Invoices(ReadOnlySpan<byte> line, InvoiceSlot[] slots)
    {
        foreach (var slot in slots)
        {
            var number = Trim(slot.Number.Of(line));
            long? amount = null;
            if (slot.Amount.IsPresent)
            {
                var text = Trim(slot.Amount.Of(line));
                if (!text.IsEmpty)
                {
                    var value = Digits(text, slot.AmountName, line[0]);

                    // Operators key zeros where the document shows no amount: zero is "not stated", like blank.
                    amount = value == 0 ? null : value;
                }
            }

            if (number.IsEmpty)
            {
                if (amount is { } orphan)
                {
                    warnings?.Add(new ParseWarning(fileName, lineNumber, LockboxErrors.InvoiceAmountWithoutNumberCode,
                        LockboxFormatException.Describe(LockboxErrors.InvoiceAmountWithoutNumber, slot.AmountName, orphan)));
                }

                continue;
            }

            if (!materialize)
            {
                continue;
            }

            if (row is not null)
            {
                row.AddInvoice(number, amount);
            }
            else
            {
                remittance.Add(new RemittanceLine(LockboxText.Decode(number), amount, RemittanceKind.Invoice));
            }
        }
    }

    /// <summary>
    /// Adds a piece of the payer's remittance text (the 6 record's, then each overflow record's). After a piece that filled
    /// its field to the record's width, the bank cut the text, not the payer: the next piece goes on verbatim (a word or a
    /// number cut in two is one again), unless it starts a field of its own (<c>CHARGES:SHA</c>) after a value, which is
    /// never glued to it. After a shorter piece, or a space at either side of the cut, the pieces are two words.
    /// </summary>
    private void RemittanceText(Slot slot, ReadOnlySpan<byte> line)
    {
        if (!slot.IsPresent)
        {
            return;
        }

        var field = slot.Of(line);
        var piece = Trim(field);
        if (piece.IsEmpty)
        {
            checkTextFilled = false;
            return;
        }

        var text = LockboxText.Decode(piece);
        var cut = checkTextFilled && checkText.Length > 0 && field[0] != Space
            && (char.IsAsciiLetter(checkText[^1]) || !CashApp.Parsers.Remittance.PaymentTextScan.StartsWithKey(text));
        if (!cut && checkText.Length > 0)
        {
            checkText.Append(' ');
        }

        checkText.Append(text);
        checkTextFilled = field.Length == slot.Length && field[^1] != Space;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddExtras(ReadOnlySpan<byte> line, ExtraSlot[] extras, bool append)
    {
        if (checkExtras is null || !materialize)
        {
            return;
        }

        foreach (var extra in extras)
        {
            var value = Trim(extra.Slot.Of(line));
            if (value.IsEmpty)
            {
                continue;
            }

            var text = LockboxText.Decode(value);
            checkExtras[extra.Key] = append && checkExtras[extra.Key] is { } before ? before + " " + text : text;
        }
    }

    private void SameAsCheck(ReadOnlySpan<byte> value, ReadOnlySpan<byte> check, string field)
    {
        if (!value.IsEmpty && !value.SequenceEqual(check))
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, (byte)'4', field, LockboxErrors.OverflowCheckMismatchCode, LockboxErrors.OverflowCheckMismatch,
                field, Encoding.UTF8.GetString(value), Encoding.UTF8.GetString(check), checkLine);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? PayerAccount(ReadOnlySpan<byte> routing, ReadOnlySpan<byte> account)
    {
        if (account.IsEmpty)
        {
            return null;
        }

        // RTN:ACCOUNT, the form customers.csv lists known payer accounts in (CONTRACT.md).
        return routing.IsEmpty ? accounts.Get(account) : accounts.Get(routing, account);
    }

    /// <summary>LOCKBOX-BATCH-ITEM (CONTRACT.md): the lockbox from the 5 record, batch and item as the 6 writes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string PaymentRef(string box, ReadOnlySpan<byte> batch, ReadOnlySpan<byte> item)
    {
        var length = box.Length + batch.Length + item.Length + 2;
        if (chars.Length < length)
        {
            chars = new char[length * 2];
        }

        return new string(chars.AsSpan(0, LockboxText.PaymentRef(box, batch, item, chars)));
    }

    /// <summary>
    /// A check's reference, payer name and account as its row holds them: the chars of the strings a payment gets
    /// (<see cref="PaymentRef"/>, the names' pool, <see cref="PayerAccount"/>), without the strings.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckRowValues(CheckRow values, ReadOnlySpan<byte> batch, ReadOnlySpan<byte> item, ReadOnlySpan<byte> name, ReadOnlySpan<byte> routing, ReadOnlySpan<byte> account)
    {
        values.Reference.SetPaymentRef(lockbox!, batch, item);
        values.Name.Set(name);
        if (account.IsEmpty)
        {
            values.Account.Clear();
        }
        else if (routing.IsEmpty)
        {
            values.Account.Set(account);
        }
        else
        {
            values.Account.SetJoined(routing, account);
        }

        values.Start();
    }

    /// <summary>Gives the completed check's row: the values of the payment <see cref="FlushCheck"/> would build.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlushRow(CheckRow values)
    {
        values.Text.Set(checkText);
        values.Add(new BankRow
        {
            PaymentRef = values.Reference.Value,
            Direction = Direction.Credit,
            AmountMinor = checkAmount,
            Currency = currency,
            Format = BankFileFormat.Lockbox,
            LineNumber = checkLine,
            IsPayment = checkAmount > 0,
            TypeCode = DetailRecordType,
            ValueDate = depositDate,
            PayerName = values.Name.Value,
            PayerAccount = values.Account.Value,
            Remittance = new BankRowRemittance(values.Numbers.Value, values.Documents),
            FreeText = values.Text.Value,
        });
    }

    /// <summary>A check number without its zero fill (<c>0000000180</c> is check 180); other text as written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string CheckNumber(ReadOnlySpan<byte> number)
    {
        if (!number.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            var first = number.IndexOfAnyExcept((byte)'0');
            number = first < 0 ? number[^1..] : number[first..];
        }

        return LockboxText.Decode(number);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field)
    {
        // Most fields are zero-filled or left-justified: test the ends before searching.
        if (field.IsEmpty || (field[^1] != Space && field[0] != Space))
        {
            return field;
        }

        var last = field.LastIndexOfAnyExcept(Space);
        return last < 0 ? [] : field[field.IndexOfAnyExcept(Space)..(last + 1)];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> Required(ReadOnlySpan<byte> line, Slot slot, string field)
    {
        var value = Trim(slot.Of(line));
        if (value.IsEmpty)
        {
            LockboxThrow.Format(fileName, lineNumber, lineOffset, line[0], field, LockboxErrors.BlankFieldCode, LockboxErrors.BlankField, field);
        }

        return value;
    }

    private long Number(ReadOnlySpan<byte> line, Slot slot, string field) => Digits(Required(line, slot, field), field, line[0]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Digits(ReadOnlySpan<byte> text, string field, byte recordType)
    {
        // At most 15 digits, so that no sum of a file's amounts can overflow.
        if (text.Length > 15 || !LockboxDigits.TryParse(text, out var value))
        {
            BadNumber(text, field, recordType);
            return 0;
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BadNumber(ReadOnlySpan<byte> text, string field, byte recordType) =>
        LockboxThrow.Format(fileName, lineNumber, lineOffset, recordType, field, LockboxErrors.BadNumberCode, LockboxErrors.BadNumber, field, Encoding.UTF8.GetString(text));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DateOnly? Date(ReadOnlySpan<byte> line, Slot slot, string field)
    {
        var text = Trim(slot.Of(line));
        if (text.IsEmpty || !text.ContainsAnyExcept((byte)'0'))
        {
            return null;
        }

        if (text.Length == 6 && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            var year = 2000 + ((text[0] - '0') * 10) + (text[1] - '0');
            var month = ((text[2] - '0') * 10) + (text[3] - '0');
            var day = ((text[4] - '0') * 10) + (text[5] - '0');
            if (month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
            {
                return new DateOnly(year, month, day);
            }
        }

        LockboxThrow.Format(fileName, lineNumber, lineOffset, line[0], field, LockboxErrors.BadDateCode, LockboxErrors.BadDate, field, Encoding.UTF8.GetString(text));
        return null;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The extra data of a payment whose layout has no extra fields.</summary>
internal static class LockboxNoExtra
{
    public static readonly IReadOnlyDictionary<string, string> Instance = new Dictionary<string, string>();
}
