using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Lockbox;

/// <summary>Where a field sits in a record: 0-based offset and length; length 0 when the layout lacks it.</summary>
internal readonly record struct Slot(int Offset, int Length)
{
    public bool IsPresent => Length > 0;

    /// <summary>The field's bytes; a line cut short by the sender reads as blank past its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line)
    {
        if (Offset >= line.Length)
        {
            return [];
        }

        return Offset + Length <= line.Length ? line.Slice(Offset, Length) : line[Offset..];
    }
}

/// <summary>An invoice line's number and amount fields.</summary>
internal readonly record struct InvoiceSlot(string NumberName, Slot Number, string AmountName, Slot Amount);

/// <summary>A field kept as extra data, and the key it is kept under.</summary>
internal readonly record struct ExtraSlot(Slot Slot, int Key);

/// <summary>
/// A layout turned into the offsets the reader slices at, resolved once so that reading a record is a handful of
/// span slices and no lookups.
/// </summary>
internal sealed class LockboxCompiledLayout
{
    private static readonly HashSet<string> ReaderFields = new(StringComparer.Ordinal)
    {
        "batch", "item", "lockbox", "deposit_date", "amount", "routing", "account", "check_number", "remitter_name", "remittance_text",
        "overflow_type", "sequence", "last", "batch_count", "batch_amount", "lockbox_count", "lockbox_amount", "record_count",
    };

    private LockboxCompiledLayout()
    {
    }

    public int RecordLength { get; private init; }

    // 5: lockbox / batch header
    public Slot HeaderLockbox { get; private init; }

    public Slot HeaderDepositDate { get; private init; }

    public ExtraSlot[] HeaderExtras { get; private init; } = [];

    // 6: check detail
    public Slot DetailBatch { get; private init; }

    public Slot DetailItem { get; private init; }

    public Slot DetailAmount { get; private init; }

    public Slot DetailRouting { get; private init; }

    public Slot DetailAccount { get; private init; }

    public Slot DetailCheckNumber { get; private init; }

    public Slot DetailRemitterName { get; private init; }

    /// <summary>The payer's remittance text, when the layout carries it (<c>remittance_text</c>), continued by the overflow records.</summary>
    public Slot DetailRemittanceText { get; private init; }

    public InvoiceSlot[] DetailInvoices { get; private init; } = [];

    public ExtraSlot[] DetailExtras { get; private init; } = [];

    // 4: overflow
    public Slot OverflowBatch { get; private init; }

    public Slot OverflowItem { get; private init; }

    public Slot OverflowSequence { get; private init; }

    public Slot OverflowLast { get; private init; }

    public InvoiceSlot[] OverflowInvoices { get; private init; } = [];

    public ExtraSlot[] OverflowExtras { get; private init; } = [];

    public Slot OverflowRemittanceText { get; private init; }

    // 7, 8, 9: totals
    public Slot BatchCount { get; private init; }

    public Slot BatchAmount { get; private init; }

    public Slot LockboxLockbox { get; private init; }

    public Slot LockboxCount { get; private init; }

    public Slot LockboxAmount { get; private init; }

    public Slot RecordCount { get; private init; }

    /// <summary>Extra fields of record types the layout adds, by record type byte; null for unknown types.</summary>
    public ExtraSlot[]?[] CustomRecords { get; private init; } = new ExtraSlot[]?[128];

    /// <summary>The keys of <see cref="BankTransactionExtra"/>: check_number first, then the layout's extra fields.</summary>
    public string[] ExtraKeys { get; private init; } = [];

    /// <summary>The key index of check_number, -1 when the layout has none.</summary>
    public int CheckNumberKey { get; private init; }

    private static bool IsExtra(LockboxField field) => !ReaderFields.Contains(field.Name) && LockboxLayout.InvoiceIndex(field.Name, out _) == 0;

    /// <summary>The index of the field named <paramref name="name"/>, -1 when there is none.</summary>
    private static int Find(IReadOnlyList<LockboxField> fields, string name)
    {
        var array = LockboxLayout.ArrayOf(fields);
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    public static LockboxCompiledLayout Compile(LockboxLayout layout)
    {
        var keys = new List<string>();
        int Key(string name)
        {
            var index = keys.IndexOf(name);
            if (index < 0)
            {
                keys.Add(name);
                index = keys.Count - 1;
            }

            return index;
        }

        // Loops rather than LINQ: the framework's generic code over our field and slot types cannot be compiled ahead of
        // time (ReadyToRun), and every process that reads a lockbox file builds the default layout at start-up.
        var checkNumberKey = Find(layout.FieldsOf('6'), "check_number") >= 0 ? Key("check_number") : -1;
        Slot S(char record, string name)
        {
            var fields = LockboxLayout.ArrayOf(layout.FieldsOf(record));
            var i = Find(fields, name);
            return i >= 0 ? new Slot(fields[i].Start - 1, fields[i].Length) : default;
        }

        ExtraSlot[] Extras(char record)
        {
            var fields = LockboxLayout.ArrayOf(layout.FieldsOf(record));
            var count = 0;
            foreach (var f in fields)
            {
                count += IsExtra(f) ? 1 : 0;
            }

            if (count == 0)
            {
                return [];
            }

            var extras = new ExtraSlot[count];
            var n = 0;
            foreach (var f in fields)
            {
                if (IsExtra(f))
                {
                    extras[n++] = new ExtraSlot(new Slot(f.Start - 1, f.Length), Key(f.Name));
                }
            }

            return extras;
        }

        InvoiceSlot[] Invoices(char record)
        {
            var count = 0;
            while (S(record, LockboxLayout.InvoiceName("invoice_number", count + 1)).IsPresent)
            {
                count++;
            }

            if (count == 0)
            {
                return [];
            }

            var invoices = new InvoiceSlot[count];
            for (var n = 1; n <= count; n++)
            {
                var number = LockboxLayout.InvoiceName("invoice_number", n);
                var amount = LockboxLayout.InvoiceName("invoice_amount", n);
                invoices[n - 1] = new InvoiceSlot(number, S(record, number), amount, S(record, amount));
            }

            return invoices;
        }

        var headerExtras = Extras('5');
        var detailExtras = Extras('6');
        var overflowExtras = Extras('4');
        var custom = new ExtraSlot[]?[128];
        foreach (var record in layout.Records)
        {
            if (record.Key is not ('1' or '2' or '5' or '6' or '4' or '7' or '8' or '9'))
            {
                custom[record.Key] = Extras(record.Key);
            }
        }

        return new LockboxCompiledLayout
        {
            RecordLength = layout.RecordLength,
            HeaderLockbox = S('5', "lockbox"),
            HeaderDepositDate = S('5', "deposit_date"),
            HeaderExtras = headerExtras,
            DetailBatch = S('6', "batch"),
            DetailItem = S('6', "item"),
            DetailAmount = S('6', "amount"),
            DetailRouting = S('6', "routing"),
            DetailAccount = S('6', "account"),
            DetailCheckNumber = S('6', "check_number"),
            DetailRemitterName = S('6', "remitter_name"),
            DetailRemittanceText = S('6', "remittance_text"),
            DetailInvoices = Invoices('6'),
            DetailExtras = detailExtras,
            OverflowBatch = S('4', "batch"),
            OverflowItem = S('4', "item"),
            OverflowSequence = S('4', "sequence"),
            OverflowLast = S('4', "last"),
            OverflowInvoices = Invoices('4'),
            OverflowExtras = overflowExtras,
            OverflowRemittanceText = S('4', "remittance_text"),
            BatchCount = S('7', "batch_count"),
            BatchAmount = S('7', "batch_amount"),
            LockboxLockbox = S('8', "lockbox"),
            LockboxCount = S('8', "lockbox_count"),
            LockboxAmount = S('8', "lockbox_amount"),
            RecordCount = S('9', "record_count"),
            CustomRecords = custom,
            ExtraKeys = [.. keys],
            CheckNumberKey = checkNumberKey,
        };
    }
}
