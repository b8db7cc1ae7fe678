using System.Globalization;
using System.Text;
using System.Xml;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>A statement model for round trips: what a writer puts in and the reader must give back.</summary>
internal sealed record StatementModel(int Version, bool Notification, string? Prefix, IReadOnlyList<EntryModel> Entries);

internal sealed record EntryModel(
    long Amount,
    CurrencyCode Currency,
    Direction Direction,
    string Status,
    bool Reversal,
    string? AccountServicerRef,
    string? EntryRef,
    DateOnly BookingDate,
    IReadOnlyList<DetailModel> Details);

internal sealed record DetailModel(
    long Amount,
    Direction? Direction,
    string? AccountServicerRef,
    string? EndToEndId,
    string? DebtorName,
    string? UltimateDebtorName,
    string? DebtorIban,
    IReadOnlyList<string> Unstructured,
    IReadOnlyList<(string Number, string Type, long? Remitted)> Documents);

/// <summary>Writes a <see cref="StatementModel"/> as camt.053 or camt.054 in the forms of its version (001.02: plain Sts, Dbtr/Nm, AmtDtls/TxAmt; later: Sts/Cd, Dbtr/Pty/Nm, TxDtls/Amt).</summary>
internal static class CamtWriter
{
    private static readonly string[] Words = ["ACME", "Müller & Söhne", "O'Brien <Ltd>", "\"Quoted\" AB", "Łódź sp. z o.o.", "株式会社", "BV", "INV", "NR"];

    public static byte[] Write(StatementModel model)
    {
        var ns = string.Create(CultureInfo.InvariantCulture, $"urn:iso:std:iso:20022:tech:xsd:camt.{(model.Notification ? "054" : "053")}.001.{model.Version:00}");
        var modern = model.Version >= 3;
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            void Start(string name) => w.WriteStartElement(model.Prefix, name, ns);
            void Leaf(string name, string value)
            {
                Start(name);
                w.WriteString(value);
                w.WriteEndElement();
            }

            void Amount(string name, long minor, CurrencyCode currency)
            {
                Start(name);
                w.WriteAttributeString("Ccy", currency.Code);
                w.WriteString(MinorUnits.Format(minor, currency.MinorDigits));
                w.WriteEndElement();
            }

            Start("Document");
            Start(model.Notification ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt");
            Start("GrpHdr");
            Leaf("MsgId", "MSG-1");
            Leaf("CreDtTm", "2026-11-20T06:00:00");
            w.WriteEndElement();
            Start(model.Notification ? "Ntfctn" : "Stmt");
            Leaf("Id", "S-1");
            Start("Acct");
            Start("Id");
            Leaf("IBAN", "DE89370400440532013000");
            w.WriteEndElement();
            w.WriteEndElement();
            foreach (var entry in model.Entries)
            {
                Start("Ntry");
                if (entry.EntryRef is not null)
                {
                    Leaf("NtryRef", entry.EntryRef);
                }

                Amount("Amt", entry.Amount, entry.Currency);
                Leaf("CdtDbtInd", entry.Direction == Direction.Credit ? "CRDT" : "DBIT");
                if (entry.Reversal)
                {
                    Leaf("RvslInd", "true");
                }

                if (modern)
                {
                    Start("Sts");
                    Leaf("Cd", entry.Status);
                    w.WriteEndElement();
                }
                else
                {
                    Leaf("Sts", entry.Status);
                }

                Start("BookgDt");
                Leaf("Dt", entry.BookingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                if (entry.AccountServicerRef is not null)
                {
                    Leaf("AcctSvcrRef", entry.AccountServicerRef);
                }

                if (entry.Details.Count > 0)
                {
                    Start("NtryDtls");
                    foreach (var detail in entry.Details)
                    {
                        Start("TxDtls");
                        if (detail.AccountServicerRef is not null || detail.EndToEndId is not null)
                        {
                            Start("Refs");
                            if (detail.AccountServicerRef is not null)
                            {
                                Leaf("AcctSvcrRef", detail.AccountServicerRef);
                            }

                            if (detail.EndToEndId is not null)
                            {
                                Leaf("EndToEndId", detail.EndToEndId);
                            }

                            w.WriteEndElement();
                        }

                        if (modern)
                        {
                            Amount("Amt", detail.Amount, entry.Currency);
                            if (detail.Direction is { } direction)
                            {
                                Leaf("CdtDbtInd", direction == Direction.Credit ? "CRDT" : "DBIT");
                            }
                        }
                        else
                        {
                            Start("AmtDtls");
                            Start("TxAmt");
                            Amount("Amt", detail.Amount, entry.Currency);
                            w.WriteEndElement();
                            w.WriteEndElement();
                        }

                        if (detail.DebtorName is not null || detail.DebtorIban is not null || detail.UltimateDebtorName is not null)
                        {
                            Start("RltdPties");
                            if (detail.DebtorName is not null)
                            {
                                Party("Dbtr", detail.DebtorName);
                            }

                            if (detail.DebtorIban is not null)
                            {
                                Start("DbtrAcct");
                                Start("Id");
                                Leaf("IBAN", detail.DebtorIban);
                                w.WriteEndElement();
                                w.WriteEndElement();
                            }

                            if (detail.UltimateDebtorName is not null)
                            {
                                Party("UltmtDbtr", detail.UltimateDebtorName);
                            }

                            w.WriteEndElement();
                        }

                        if (detail.Unstructured.Count > 0 || detail.Documents.Count > 0)
                        {
                            Start("RmtInf");
                            foreach (var line in detail.Unstructured)
                            {
                                Leaf("Ustrd", line);
                            }

                            foreach (var (number, type, remitted) in detail.Documents)
                            {
                                Start("Strd");
                                Start("RfrdDocInf");
                                Start("Tp");
                                Start("CdOrPrtry");
                                Leaf("Cd", type);
                                w.WriteEndElement();
                                w.WriteEndElement();
                                Leaf("Nb", number);
                                w.WriteEndElement();
                                if (remitted is { } amount)
                                {
                                    Start("RfrdDocAmt");
                                    Amount("RmtdAmt", amount, entry.Currency);
                                    w.WriteEndElement();
                                }

                                w.WriteEndElement();
                            }

                            w.WriteEndElement();
                        }

                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();

            void Party(string role, string name)
            {
                Start(role);
                if (model.Version >= 8)
                {
                    Start("Pty");
                    Leaf("Nm", name);
                    w.WriteEndElement();
                }
                else
                {
                    Leaf("Nm", name);
                }

                w.WriteEndElement();
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A random statement from <paramref name="seed"/>: replayable, covering every version and form the writer knows.</summary>
    public static StatementModel Random(int seed)
    {
        var r = new Random(seed);
        var currencies = new[] { "EUR", "JPY", "BHD", "USD", "CHF" }.Select(c => new CurrencyCode(c)).ToArray();
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[r.Next(Words.Length)]));
        string? Maybe(Func<string> make) => r.Next(3) == 0 ? null : make();
        string Id(string prefix) => prefix + r.NextInt64(1, 1_000_000_000).ToString(CultureInfo.InvariantCulture);

        var version = r.Next(2, 14);
        var entries = new List<EntryModel>();
        for (var i = r.Next(0, 8); i > 0; i--)
        {
            var currency = currencies[r.Next(currencies.Length)];
            var direction = r.Next(2) == 0 ? Direction.Credit : Direction.Debit;
            var details = new List<DetailModel>();
            var detailCount = r.Next(4) switch { 0 => 0, 1 or 2 => 1, _ => r.Next(2, 5) };
            for (var d = 0; d < detailCount; d++)
            {
                details.Add(new DetailModel(
                    r.NextInt64(0, 10_000_000),
                    version >= 3 && detailCount > 1 && r.Next(4) == 0 ? (direction == Direction.Credit ? Direction.Debit : Direction.Credit) : null,
                    Maybe(() => Id("SVC")),
                    r.Next(4) == 0 ? "NOTPROVIDED" : Maybe(() => Id("E2E")),
                    Maybe(() => Text(r.Next(1, 4))),
                    r.Next(4) == 0 ? Text(2) : null,
                    Maybe(() => "DE" + r.NextInt64(10_000_000_000_000_000, 99_999_999_999_999_999).ToString(CultureInfo.InvariantCulture)),
                    Enumerable.Range(0, r.Next(3)).Select(_ => Text(r.Next(1, 5))).ToList(),
                    Enumerable.Range(0, r.Next(3)).Select(_ => (Id("INV"), r.Next(3) == 0 ? "CREN" : "CINV", r.Next(2) == 0 ? (long?)r.NextInt64(0, 1_000_000) : null)).ToList()));
            }

            // A batch entry states the net of its details; a detail against the entry's direction nets it down.
            var amount = r.NextInt64(0, 100_000_000);
            if (detailCount > 1)
            {
                amount = details.Sum(d => (d.Direction ?? direction) == direction ? d.Amount : -d.Amount);
                if (amount < 0)
                {
                    details = details.Select(d => d with { Direction = null }).ToList();
                    amount = details.Sum(d => d.Amount);
                }
            }

            entries.Add(new EntryModel(
                amount,
                currency,
                direction,
                new[] { "BOOK", "BOOK", "BOOK", "PDNG", "INFO" }[r.Next(5)],
                r.Next(8) == 0,
                Maybe(() => Id("NTRY")),
                Maybe(() => Id("REF")),
                new DateOnly(2026, 1, 1).AddDays(r.Next(365)),
                details));
        }

        return new StatementModel(version, r.Next(3) == 0, r.Next(3) == 0 ? "c" : null, entries);
    }
}
