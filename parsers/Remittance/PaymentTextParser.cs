namespace CashApp.Parsers.Remittance;

/// <summary>
/// Reads the payer and the remittance out of a bank's payment text (a BAI2 16 text with its continuations): the
/// ACH layouts (<c>ORIG CO NAME:</c>, <c>ORIG ID:</c>, <c>ENTRY DESCR:</c>, <c>SEC:</c>, <c>IND NAME:</c>,
/// <c>ADDENDA:</c>), the Fedwire layouts (<c>ORIG:</c>, <c>ID:</c>, <c>ORIG BK:</c>, <c>OBI:</c>, <c>B/O:</c>),
/// key:value layouts (<c>REMI:</c>, <c>DBNM:</c>, <c>DACT:</c>, <c>ORG:=</c>, <c>ORDERING CUST:</c>, <c>DETAILS:</c>), and NACHA CTX / EDI 820 segments
/// (<c>RMR*IV*number*PI*paid*invoiced*discount</c>, <c>NTE*ZZZ*note</c>, segments ended by <c>\</c> or
/// <c>~</c>). Free-form references ("INVOICES 1022069") stay in <see cref="PaymentText.RemittanceText"/>: telling
/// references from other words is the matching engine's work. The reading itself is <see cref="PaymentTextScan"/>'s,
/// which readers of large files call directly to make strings only of the values they keep.
/// </summary>
public static class PaymentTextParser
{
    /// <summary>What a label's value says about the payment.</summary>
    internal enum Role
    {
        Other,
        PayerName,
        PayerNameFallback,
        PayerId,
        WireId,
        PayerAccount,
        PayerRouting,
        Remittance,

        /// <summary>
        /// A field that may carry a document number beside words (Fedwire <c>RFB:</c>, the ACH company entry description
        /// <c>ENTRY DESCR:PAYMENT INV-1001</c>): read for references when it holds a number, yet no remittance text in
        /// which a weak label stops counting.
        /// </summary>
        Reference,
    }

    /// <summary>A label the parser knows.</summary>
    internal sealed record Label(string Text, Role Role, bool Weak)
    {
        /// <summary>The label without its colon, the key of <see cref="PaymentText.Fields"/>.</summary>
        public string Key { get; } = Text.TrimEnd(':');
    }

    // A weak label is not taken as a label inside remittance text, where payers write words like "ID:" freely.
    internal static readonly Label[] Labels =
    [
        new("ORIG CO NAME:", Role.PayerName, false),
        new("CO NAME:", Role.PayerName, false),
        new("ORIG ID:", Role.PayerId, false),
        new("CO ID:", Role.PayerId, false),
        new("DESC DATE:", Role.Other, false),
        new("ENTRY DESCR:", Role.Reference, false),
        new("CO ENTRY DESCR:", Role.Reference, false),
        new("SEC:", Role.Other, true),
        new("TRACE#:", Role.Other, false),
        new("TRACE:", Role.Other, false),
        new("EED:", Role.Other, false),
        new("IND ID:", Role.Other, false),
        new("IND NAME:", Role.Other, false),
        new("ADDENDA:", Role.Remittance, false),
        new("WIRE TYPE:", Role.Other, false),
        new("DATE:", Role.Other, true),
        new("TIME:", Role.Other, true),
        new("TRN:", Role.Other, false),
        new("IMAD:", Role.Other, false),
        new("OMAD:", Role.Other, false),
        new("ORIG:", Role.PayerName, false),
        new("ORG:", Role.PayerName, false),
        new("ID:", Role.WireId, true),
        new("ORIG BK:", Role.Other, false),
        new("ORG ADDRESS:", Role.Other, false),
        new("ORG BK:", Role.Other, false),
        new("ORIG ADDRESS:", Role.Other, false),
        new("SND BK:", Role.Other, false),
        new("SENDER BNK:", Role.Other, false),
        new("SENDER ID:", Role.Other, false),
        new("B/O:", Role.PayerNameFallback, false),
        new("ORDERING CUST:", Role.PayerName, false),
        new("ORDERING CUSTOMER:", Role.PayerName, false),
        new("DETAILS:", Role.Remittance, false),
        new("OBI:", Role.Remittance, false),
        new("BBI:", Role.Other, false),
        new("RFB:", Role.Reference, false),
        new("BNF:", Role.Other, false),
        new("BNF NAME:", Role.Other, false),
        new("BNF ID:", Role.Other, false),
        new("BNF ADDRESS:", Role.Other, false),
        new("REC FI:", Role.Other, false),
        new("REC ID:", Role.Other, false),
        new("FED NO:", Role.Other, false),
        new("REMI:", Role.Remittance, false),
        new("EREF:", Role.Other, false),
        new("CREF:", Role.Other, false),
        new("DBNM:", Role.PayerName, false),
        new("CRNM:", Role.Other, false),
        new("DACT:", Role.PayerAccount, false),
        new("DABA:", Role.PayerRouting, false),
        new("CACT:", Role.Other, false),
        new("CABA:", Role.Other, false),
        new("DBIC:", Role.Other, false),
        new("CBIC:", Role.Other, false),
        new("CHKN:", Role.Other, false),
        new("IDNM:", Role.Other, false),
    ];

    /// <summary>Reads a payment text.</summary>
    /// <param name="text">The text, continuations joined verbatim.</param>
    /// <param name="minorDigits">Decimals of the payment's currency, for EDI amounts.</param>
    /// <param name="pieceStarts">Where each continuation starts in <paramref name="text"/>: a label may start there without a space before it.</param>
    public static PaymentText Parse(string text, int minorDigits, ReadOnlySpan<int> pieceStarts = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scan = new PaymentTextScan();
        scan.Read(text, minorDigits, pieceStarts);
        var remittance = scan.RemittanceText(text);
        if (scan.Labels.IsEmpty)
        {
            return new PaymentText { Lines = scan.Lines.ToArray(), RemittanceText = remittance };
        }

        var fields = new Dictionary<string, string>(scan.Labels.Length, StringComparer.Ordinal);
        foreach (var found in scan.Labels)
        {
            fields.TryAdd(Labels[found.Label].Key, text.Substring(found.Value.Start, found.Value.Length));
        }

        var id = Of(scan.PayerId);
        return new PaymentText
        {
            PayerName = Of(scan.PayerName),
            PayerId = id,
            PayerAccount = scan.PayerRouting is { } routing && scan.PayerAccountIsDact && scan.PayerAccount is { } account
                ? Of(routing) + ":" + Of(account)
                : scan.PayerAccount == scan.PayerId ? id : Of(scan.PayerAccount),
            RemittanceText = remittance,
            Lines = scan.Lines.ToArray(),
            Fields = fields,
        };

        string? Of(TextRange? range) => range is { } r ? text.Substring(r.Start, r.Length) : null;
    }
}
