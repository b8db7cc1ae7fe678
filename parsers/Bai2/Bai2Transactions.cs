using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Remittance;

namespace CashApp.Parsers.Bai2;

/// <summary>
/// Turns the current 16 record of a <see cref="Bai2RecordReader"/> into a <see cref="BankTransaction"/>. One instance
/// per file: it reuses its text buffer and label scan record after record, decodes the text into chars once, and
/// makes strings only of the values a transaction keeps; <see cref="BankTransaction.Extra"/> is built when read.
/// Not thread-safe.
/// </summary>
/// <param name="withoutExtra">Leave <see cref="BankTransaction.Extra"/> empty (no copy of the record's text), for a reader that never reads it.</param>
/// <param name="keepExtra">
/// <see cref="BankFileReadOptions.KeepExtra"/>: asked about each transaction, its Extra reading the record's text from
/// a buffer of this instance; the text is copied only for a transaction that keeps it.
/// </param>
internal sealed class Bai2Transactions(bool withoutExtra = false, Func<BankTransaction, bool>? keepExtra = null)
{
    /// <summary>The labels whose values <see cref="BankTransaction.Extra"/> carries, in its key order.</summary>
    internal static readonly (string Label, string Key)[] ExtraFields =
    [
        ("SEC", "sec"),
        ("TRACE#", "trace"),
        ("ENTRY DESCR", "entry_description"),
        ("ORIG BK", "originator_bank"),
        ("TRN", "wire_reference"),
        ("IMAD", "imad"),
        ("EREF", "end_to_end_id"),
    ];

    // For each of PaymentTextParser.Labels, its index in ExtraFields, or -1.
    private static readonly int[] ExtraFieldOfLabel = [.. PaymentTextParser.Labels.Select(l => Array.FindIndex(ExtraFields, f => f.Label == l.Key))];

    private static readonly string[] TypeCodeText = [.. Enumerable.Range(0, 1000).Select(code => code.ToString("D3", CultureInfo.InvariantCulture))];

    private readonly PaymentTextScan scan = new();
    private readonly RecentStrings names = new();
    private char[] chars = new char[1024];
    private byte[] lentText = new byte[256];
    private char[] referenceChars = new char[64];
    private char[] accountChars = new char[64];
    private long lineReferenceLine;
    private int lineReferenceCount;

    /// <summary>
    /// Builds the transaction of the current 16 record. False for a record that is not a transaction: type code
    /// 890 (non-monetary information) and other codes without a credit or debit direction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryCreate(Bai2RecordReader reader, out BankTransaction transaction)
    {
        var type = reader.TypeCode;
        if (type.Direction is not { } direction)
        {
            transaction = null!;
            return false;
        }

        var bytes = reader.Text;
        var text = ScanText(reader);
        var currency = reader.Currency;
        var bankReference = reader.BankReference.IsEmpty ? null : Bai2RecordReader.Decode(reader.BankReference);
        var customerReference = reader.CustomerReference.IsEmpty ? null : Bai2RecordReader.Decode(reader.CustomerReference);

        // The first of each extra label, as Extra reads it: an empty first value leaves the key out.
        var fields = default(Bai2TextFields);
        var seen = 0;
        foreach (var found in withoutExtra ? default : scan.Labels)
        {
            var field = ExtraFieldOfLabel[found.Label];
            if (field >= 0 && (seen & (1 << field)) == 0)
            {
                seen |= 1 << field;
                fields[field] = found.Value;
            }
        }

        var payerId = Text(text, scan.PayerId);
        var payerAccount = scan.PayerRouting is { } routing && scan.PayerAccountIsDact && scan.PayerAccount is { } account
            ? string.Concat(text.Slice(routing.Start, routing.Length), ":", text.Slice(account.Start, account.Length))
            : scan.PayerAccount == scan.PayerId ? payerId : Text(text, scan.PayerAccount);
        var isDetailCredit = direction == Direction.Credit && type.Level == Bai2TypeLevel.Detail;
        var freeText = scan.Recognized ? scan.RemittanceText(text) : (text.IsEmpty ? null : new string(text));
        var extra = withoutExtra ? null
            : new Bai2Extra(reader.AccountNumber ?? string.Empty, type.Code, reader.Availability.FundsType, RawText(bytes), bytes.Length, customerReference, fields);
        transaction = new BankTransaction
        {
            // CONTRACT.md: the bank reference number of the 16 record. Where a bank leaves it blank, the
            // customer reference, else the record's line, so that every transaction has a reference.
            PaymentRef = bankReference ?? customerReference ?? LineReference(reader.LineNumber),
            Direction = direction,
            AmountMinor = reader.Amount,
            Currency = currency.Code,
            Format = BankFileFormat.Bai2,
            SourceFile = reader.FileName,
            LineNumber = reader.LineNumber,
            IsPayment = isDetailCredit,
            NotPaymentReason = direction == Direction.Debit ? "debit" : isDetailCredit ? null : "summary type code " + type,
            PayerName = scan.PayerName is { } name ? names.Get(text.Slice(name.Start, name.Length)) : null,
            PayerAccount = payerAccount,
            PayerId = payerId,
            Remittance = scan.Lines.Count == 0 ? [] : scan.Lines.ToArray(),
            FreeText = freeText,
            TypeCode = TypeCodeText[type.Code],
            ValueDate = reader.Availability.ValueDate ?? reader.GroupHeader?.AsOfDate,
            Account = reader.AccountNumber,
            BankReference = bankReference,
            BookingDate = reader.GroupHeader?.AsOfDate,
            Extra = extra is null ? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty : extra,
        };
        if (extra is not null && keepExtra is not null)
        {
            if (transaction.AskKeepExtra(keepExtra))
            {
                extra.OwnText();
            }
            else
            {
                extra.Disown();
            }
        }

        return true;
    }

    /// <summary>The text's bytes for <see cref="Bai2Extra"/>: its own copy, or lent in this instance's buffer while <c>keepExtra</c> is asked.</summary>
    private byte[]? RawText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        if (keepExtra is null)
        {
            return bytes.ToArray();
        }

        if (lentText.Length < bytes.Length)
        {
            lentText = new byte[Math.Max(bytes.Length, lentText.Length * 2)];
        }

        bytes.CopyTo(lentText);
        return lentText;
    }

    /// <summary>
    /// Gives the row of the current 16 record to <paramref name="add"/>: the values of the transaction
    /// <see cref="TryCreate"/> builds, taken from the record's text where it makes strings. False, and nothing given,
    /// for a record that is not a transaction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRow(Bai2RecordReader reader, BankRowSink add)
    {
        var type = reader.TypeCode;
        if (type.Direction is not { } direction)
        {
            return false;
        }

        var text = ScanText(reader);
        var currency = reader.Currency;

        // The bank reference, else the customer reference, else the line, as TryCreate's PaymentRef.
        ReadOnlySpan<char> paymentRef = !reader.BankReference.IsEmpty ? Decoded(reader.BankReference, ref referenceChars)
            : !reader.CustomerReference.IsEmpty ? Decoded(reader.CustomerReference, ref referenceChars)
            : LineReference(reader.LineNumber);
        var payerId = Slice(text, scan.PayerId);
        ReadOnlySpan<char> payerAccount;
        if (scan.PayerRouting is { } routing && scan.PayerAccountIsDact && scan.PayerAccount is { } account)
        {
            var length = routing.Length + 1 + account.Length;
            if (accountChars.Length < length)
            {
                accountChars = new char[Math.Max(length, accountChars.Length * 2)];
            }

            text.Slice(routing.Start, routing.Length).CopyTo(accountChars);
            accountChars[routing.Length] = ':';
            text.Slice(account.Start, account.Length).CopyTo(accountChars.AsSpan(routing.Length + 1));
            payerAccount = accountChars.AsSpan(0, length);
        }
        else
        {
            payerAccount = scan.PayerAccount == scan.PayerId ? payerId : Slice(text, scan.PayerAccount);
        }

        var isDetailCredit = direction == Direction.Credit && type.Level == Bai2TypeLevel.Detail;
        add(new BankRow
        {
            PaymentRef = paymentRef,
            Direction = direction,
            AmountMinor = reader.Amount,
            Currency = currency.Code,
            Format = BankFileFormat.Bai2,
            LineNumber = reader.LineNumber,
            IsPayment = isDetailCredit,
            TypeCode = TypeCodeText[type.Code],
            ValueDate = reader.Availability.ValueDate ?? reader.GroupHeader?.AsOfDate,
            PayerName = Slice(text, scan.PayerName),
            PayerAccount = payerAccount,
            PayerId = payerId,
            Remittance = new BankRowRemittance(scan.Lines),
            FreeText = scan.Recognized ? scan.RemittanceChars(text) : text,
        });
        return true;
    }

    /// <summary>Decodes the current 16 record's text into chars and reads it with the label scan; the chars are valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<char> ScanText(Bai2RecordReader reader)
    {
        // UTF-8 never decodes to more chars than it has bytes.
        var bytes = reader.Text;
        if (chars.Length < bytes.Length)
        {
            chars = new char[Math.Max(bytes.Length, chars.Length * 2)];
        }

        var text = chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
        scan.Read(text, reader.Currency.MinorDigits, reader.TextContinuationStarts);
        return text;
    }

    /// <summary>The chars of <paramref name="bytes"/> as <see cref="Bai2RecordReader.Decode"/> makes them, in <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<char> Decoded(ReadOnlySpan<byte> bytes, ref char[] buffer)
    {
        if (buffer.Length < bytes.Length)
        {
            buffer = new char[Math.Max(bytes.Length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, Encoding.UTF8.GetChars(bytes, buffer));
    }

    private static ReadOnlySpan<char> Slice(ReadOnlySpan<char> text, TextRange? range) => range is { } r ? text.Slice(r.Start, r.Length) : default;

    /// <summary>
    /// The reference of a transaction without bank or customer reference: <c>L</c> and its line. A lenient read
    /// may find several records on one physical line; the second and later of them are <c>L3-2</c>, <c>L3-3</c>, so
    /// that each transaction of a file has a reference of its own.
    /// </summary>
    private string LineReference(long lineNumber)
    {
        if (lineNumber == lineReferenceLine)
        {
            lineReferenceCount++;
            return string.Create(CultureInfo.InvariantCulture, $"L{lineNumber}-{lineReferenceCount}");
        }

        lineReferenceLine = lineNumber;
        lineReferenceCount = 1;
        return "L" + lineNumber.ToString(CultureInfo.InvariantCulture);
    }

    private static string? Text(ReadOnlySpan<char> text, TextRange? range) => range is { } r ? new string(text.Slice(r.Start, r.Length)) : null;

    /// <summary>
    /// A small direct-mapped cache of recent strings: a day's credits come from few payers, so their names recur, and a
    /// hit costs a hash and a compare instead of an allocation. A miss replaces the slot, so the cache never grows.
    /// </summary>
    private sealed class RecentStrings
    {
        private const int MaxLength = 64;
        private readonly string?[] entries = new string?[256];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public string Get(ReadOnlySpan<char> chars)
        {
            if (chars.Length > MaxLength)
            {
                return new string(chars);
            }

            ref var slot = ref entries[Slot(chars)];
            if (slot is { } cached && chars.SequenceEqual(cached))
            {
                return cached;
            }

            slot = new string(chars);
            return slot;
        }

        /// <summary>
        /// The slot of a string: its length and a few of its characters. A cache needs no randomised hash (the
        /// string's own, Marvin, walks every character), only names that differ to land apart most of the time.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int Slot(ReadOnlySpan<char> chars)
        {
            if (chars.IsEmpty)
            {
                return 0;
            }

            unchecked
            {
                var hash = (uint)chars.Length * 0x9E3779B1u;
                hash = (hash ^ chars[0]) * 0x85EBCA77u;
                hash = (hash ^ chars[chars.Length / 2]) * 0xC2B2AE3Du;
                hash = (hash ^ chars[^1]) * 0x27D4EB2Fu;
                hash ^= chars.Length > 2 ? chars[1] + ((uint)chars[^2] << 8) : 0u;
                return (int)((hash ^ (hash >> 15)) & (256 - 1));
            }
        }
    }
}

/// <summary>Where the value of each of <see cref="Bai2Transactions.ExtraFields"/> sits in the text; default when absent.</summary>
[InlineArray(7)]
internal struct Bai2TextFields
{
    private TextRange element;
}
