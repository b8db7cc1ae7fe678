using System.Collections.Frozen;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Remittance;

/// <summary>
/// Reads the payer and the remittance out of a bank's payment text (a BAI2 16 text with its continuations): the
/// ACH layouts (<c>ORIG CO NAME:</c>, <c>ORIG ID:</c>, <c>ENTRY DESCR:</c>, <c>SEC:</c>, <c>IND NAME:</c>,
/// <c>ADDENDA:</c>), the Fedwire layouts (<c>ORIG:</c>, <c>ID:</c>, <c>ORIG BK:</c>, <c>OBI:</c>, <c>B/O:</c>),
/// key:value layouts (<c>REMI:</c>, <c>DBNM:</c>, <c>DACT:</c>, <c>ORG:=</c>), and NACHA CTX / EDI 820 segments
/// (<c>RMR*IV*number*PI*paid*invoiced*discount</c>, <c>NTE*ZZZ*note</c>, segments ended by <c>\</c> or
/// <c>~</c>). Free-form references ("INVOICES 1022069") stay in <see cref="PaymentText.RemittanceText"/>: telling
/// references from other words is the matching engine's work.
/// </summary>
public static class PaymentTextParser
{
    private enum Role
    {
        Other,
        PayerName,
        PayerNameFallback,
        PayerId,
        WireId,
        PayerAccount,
        PayerRouting,
        Remittance,
    }

    private sealed record Label(string Text, Role Role, bool Weak);

    // A weak label is not taken as a label inside remittance text, where payers write words like "ID:" freely.
    private static readonly Label[] Labels =
    [
        new("ORIG CO NAME:", Role.PayerName, false),
        new("CO NAME:", Role.PayerName, false),
        new("ORIG ID:", Role.PayerId, false),
        new("CO ID:", Role.PayerId, false),
        new("DESC DATE:", Role.Other, false),
        new("ENTRY DESCR:", Role.Other, false),
        new("CO ENTRY DESCR:", Role.Other, false),
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
        new("SND BK:", Role.Other, false),
        new("SENDER BNK:", Role.Other, false),
        new("SENDER ID:", Role.Other, false),
        new("B/O:", Role.PayerNameFallback, false),
        new("OBI:", Role.Remittance, false),
        new("BBI:", Role.Other, false),
        new("RFB:", Role.Other, false),
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

    private static readonly FrozenDictionary<char, Label[]> ByFirstChar = Labels
        .GroupBy(l => l.Text[0])
        .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(l => l.Text.Length).ToArray());

    private static readonly string[] EdiSegments = ["RMR*", "NTE*", "REF*", "BPR*", "TRN*", "DTM*", "ADX*", "ENT*", "N1*", "IT1*"];

    private static readonly string[] EdiSegmentsAfterTerminator = [.. EdiSegments.Select(s => "\\" + s), .. EdiSegments.Select(s => "~" + s)];

    /// <summary>Reads a payment text.</summary>
    /// <param name="text">The text, continuations joined verbatim.</param>
    /// <param name="minorDigits">Decimals of the payment's currency, for EDI amounts.</param>
    /// <param name="pieceStarts">Where each continuation starts in <paramref name="text"/>: a label may start there without a space before it.</param>
    public static PaymentText Parse(string text, int minorDigits, ReadOnlySpan<int> pieceStarts = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = FindLabels(text, pieceStarts);
        var lines = new List<RemittanceLine>();
        var remittance = new List<string>();
        if (found.Count == 0)
        {
            // No layout: the text may still be bare EDI segments.
            if (LooksLikeEdi(text))
            {
                ReadEdi(text, minorDigits, lines, remittance);
            }

            return new PaymentText { Lines = lines, RemittanceText = remittance.Count == 0 ? null : string.Join(' ', remittance) };
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null, fallbackName = null, id = null, account = null, routing = null;
        Role previous = Role.Other;
        for (var i = 0; i < found.Count; i++)
        {
            var (label, start, end) = found[i];
            var valueEnd = i + 1 < found.Count ? found[i + 1].Start : text.Length;
            var value = text.AsSpan(end, valueEnd - end).TrimStart('=').Trim().ToString();
            fields.TryAdd(label.Text.TrimEnd(':'), value);
            switch (label.Role)
            {
                case Role.PayerName:
                    name ??= NonEmpty(value);
                    break;
                case Role.PayerNameFallback:
                    fallbackName ??= NonEmpty(value);
                    break;
                case Role.PayerId:
                    id ??= NonEmpty(value);
                    break;
                case Role.WireId when previous == Role.PayerName && label.Text == "ID:":
                    // Fedwire "ORIG:NAME ID:ACCOUNT": the originator's identifier is its account number.
                    id ??= NonEmpty(value);
                    account ??= NonEmpty(value);
                    break;
                case Role.PayerAccount:
                    account ??= NonEmpty(value);
                    break;
                case Role.PayerRouting:
                    routing ??= NonEmpty(value);
                    break;
                case Role.Remittance when value.Length > 0:
                    if (LooksLikeEdi(value))
                    {
                        ReadEdi(value, minorDigits, lines, remittance);
                    }
                    else
                    {
                        remittance.Add(value);
                    }

                    break;
            }

            previous = label.Role;
        }

        if (routing is not null && account is not null && fields.ContainsKey("DACT"))
        {
            account = routing + ":" + account;
        }

        return new PaymentText
        {
            PayerName = name ?? fallbackName,
            PayerId = id,
            PayerAccount = account,
            RemittanceText = remittance.Count == 0 ? null : string.Join(' ', remittance),
            Lines = lines,
            Fields = fields,
        };

        static string? NonEmpty(string value) => value.Length == 0 ? null : value;
    }

    private static List<(Label Label, int Start, int End)> FindLabels(string text, ReadOnlySpan<int> pieceStarts)
    {
        var found = new List<(Label, int, int)>();
        var inRemittance = false;
        var piece = 0;
        for (var i = 0; i < text.Length; i++)
        {
            while (piece < pieceStarts.Length && pieceStarts[piece] < i)
            {
                piece++;
            }

            var boundary = i == 0 || text[i - 1] == ' ' || (piece < pieceStarts.Length && pieceStarts[piece] == i);
            if (!boundary || !ByFirstChar.TryGetValue(text[i], out var candidates))
            {
                continue;
            }

            foreach (var label in candidates)
            {
                if ((inRemittance && label.Weak) || !text.AsSpan(i).StartsWith(label.Text, StringComparison.Ordinal))
                {
                    continue;
                }

                found.Add((label, i, i + label.Text.Length));
                inRemittance = label.Role == Role.Remittance;
                i += label.Text.Length - 1;
                break;
            }
        }

        return found;
    }

    private static bool LooksLikeEdi(string text)
    {
        if (!text.Contains('*', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var segment in EdiSegments)
        {
            if (text.StartsWith(segment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var segment in EdiSegmentsAfterTerminator)
        {
            if (text.Contains(segment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads EDI segments: RMR into remittance lines, NTE notes into remittance text.</summary>
    private static void ReadEdi(string text, int minorDigits, List<RemittanceLine> lines, List<string> remittance)
    {
        foreach (var segment in text.Split(['\\', '~'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var elements = segment.Split('*');
            switch (elements[0])
            {
                case "RMR" when elements.Length >= 3 && elements[2].Length > 0:
                    var kind = elements[1] switch
                    {
                        "IV" => RemittanceKind.Invoice,
                        "CM" or "CR" => RemittanceKind.CreditNote,
                        "PO" => RemittanceKind.PurchaseOrder,
                        _ => RemittanceKind.Unspecified,
                    };
                    lines.Add(new RemittanceLine(elements[2], Amount(elements, 4, minorDigits), kind)
                    {
                        InvoicedMinor = Amount(elements, 5, minorDigits),
                        DiscountMinor = Amount(elements, 6, minorDigits),
                    });
                    break;
                case "NTE" when elements.Length >= 3 && elements[2].Length > 0:
                    remittance.Add(string.Join('*', elements[2..]));
                    break;
                case "NTE" when elements.Length == 2 && elements[1].Length > 0:
                    remittance.Add(elements[1]);
                    break;
                case "RMR" or "NTE" or "REF" or "BPR" or "TRN" or "DTM" or "ADX" or "ENT" or "N1" or "IT1":
                    break;
                default:
                    // Text that is not a segment: a payer's note written in the addenda as it is.
                    remittance.Add(segment);
                    break;
            }
        }
    }

    /// <summary>An EDI amount (decimal with '.') in minor units; null when absent or not an amount, never a guess.</summary>
    private static long? Amount(string[] elements, int index, int minorDigits) =>
        index < elements.Length && MinorUnits.TryParse(elements[index], minorDigits, out var minor) ? minor : null;
}
