using System.Globalization;
using System.Text;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Camt;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// camt documents read in parts (<see cref="CamtParts"/>) give the one-thread read: its transactions (payment
/// references, line numbers, entry numbers, linked reversals), its warnings in order, or its error. A plain document
/// is really read in parts; one the byte scan cannot cut safely is read again on one thread.
/// </summary>
public sealed partial class BankFilePartsTests
{
    /// <summary>Random documents: seed, and whether to put in what makes cutting unsafe.</summary>
    private static readonly Gen<(int Seed, bool Tricky)> CamtDocuments = Gen.Choose(0, int.MaxValue).Zip(Gen.Elements(false, false, false, true));

    [Property(MaxTest = 300, Replay = "(20261203,21)")]
    public Property ReadInParts_RandomCamtDocument_GivesTheOneThreadRead() =>
        Prop.ForAll(Arb.From(CamtDocuments.Zip(Gen.Choose(1, 3000)).Zip(Gen.Choose(1, 3))), input =>
        {
            var (((seed, tricky), partBytes), workers) = input;
            var bytes = Encoding.UTF8.GetBytes(CamtDocument(seed, tricky));
            return Compare(bytes, BankFileFormat.Camt053, new BankFileReadOptions(), partBytes, workers);
        });

    [Property(MaxTest = 200, Replay = "(20261203,25)")]
    public Property ReadInParts_PlainCamtDocumentOfTwoEntriesOrMore_IsReadInParts() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(1, 600))), input =>
        {
            var (seed, partBytes) = input;
            var text = CamtDocument(seed, tricky: false);
            var entries = CountOf(text, "Ntry>") / 2;
            var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
            File.WriteAllText(path, text);
            var read = CamtParts.TryRead(path, new CamtReaderOptions(), () => new List<BankTransaction>(), (l, t) => l.Add(t), null, partBytes, 2, CancellationToken.None);
            File.Delete(path);

            // A part per entry at least when parts are small: any two entries make two parts.
            return (entries < 2 || partBytes > 300 || read is not null).Label($"{entries} entries, parts of {partBytes} bytes: read in parts {read is not null}");
        });

    [Property(MaxTest = 300, Replay = "(20261203,23)")]
    public Property ReadInParts_CamtDocumentWithOneByteChanged_GivesTheOneThreadReadOrItsError() =>
        Prop.ForAll(Arb.From(CamtDocuments.Zip(Gen.Choose(0, int.MaxValue)).Zip(Gen.Elements("<>/\"'&x \n0-:".ToCharArray())).Zip(Gen.Choose(1, 400))), input =>
        {
            var (((document, position), value), partBytes) = input;
            var bytes = Encoding.UTF8.GetBytes(CamtDocument(document.Seed, document.Tricky));
            bytes[position % bytes.Length] = (byte)value;
            return Compare(bytes, BankFileFormat.Camt053, new BankFileReadOptions(), partBytes, workers: 2);
        });

    [Property(MaxTest = 100, Replay = "(20261203,27)")]
    public Property ReadInParts_CamtWriterStatement_GivesTheOneThreadRead() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(1, 500))), input =>
        {
            var (seed, partBytes) = input;
            var model = CamtWriter.Random(seed);
            return Compare(CamtWriter.Write(model), model.Notification ? BankFileFormat.Camt054 : BankFileFormat.Camt053, new BankFileReadOptions(), partBytes, workers: 2);
        });

    [Theory]
    [InlineData("comment", false)]
    [InlineData("cdata", false)]
    [InlineData("nested", false)]
    [InlineData("balance after entries", false)]
    [InlineData("entry with attribute", false)]
    [InlineData("doctype", false)]
    [InlineData("latin-1", false)]
    [InlineData("comment between entries", true)]
    [InlineData("prefix", true)]
    [InlineData("utf-8 bom", true)]
    public void ReadInParts_TrickyCamtDocument_FallsBackOrGivesTheOneThreadRead(string trick, bool inParts)
    {
        var entry = "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>{0}<NtryDtls><TxDtls><Refs><EndToEndId>E{1}</EndToEndId></Refs><RmtInf><Ustrd>INV {1}{2}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n";
        var inner = trick switch
        {
            "comment" => "<!-- </Ntry><Ntry> -->",
            "nested" => "<x:Ntry xmlns:x=\"urn:other\"><x:Ntry/></x:Ntry>",
            _ => string.Empty,
        };
        var text = new StringBuilder();
        text.Append(trick == "latin-1" ? "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if (trick == "doctype")
        {
            text.Append("<!DOCTYPE Document>\n");
        }

        text.Append("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>\n<Stmt><Id>S1</Id>\n");
        text.Append("<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n");
        for (var i = 0; i < 6; i++)
        {
            var cdata = trick == "cdata" ? "<![CDATA[ </Ntry><Ntry> ]]>" : string.Empty;
            var line = string.Format(CultureInfo.InvariantCulture, entry, i == 2 ? inner : string.Empty, i, i == 3 ? cdata : "é");
            if (trick == "entry with attribute" && i == 4)
            {
                line = line.Replace("<Ntry>", "<Ntry xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">", StringComparison.Ordinal);
            }

            text.Append(line);
            if (trick == "comment between entries" && i == 1)
            {
                text.Append("<!-- a comment between two entries -->\n");
            }
        }

        if (trick == "balance after entries")
        {
            text.Append("<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">6.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n");
        }

        text.Append("</Stmt>\n</BkToCstmrStmt>\n</Document>\n");
        var document = text.ToString();
        if (trick == "prefix")
        {
            document = document.Replace("<", "<c:", StringComparison.Ordinal).Replace("<c:/", "</c:", StringComparison.Ordinal).Replace("<c:?", "<?", StringComparison.Ordinal)
                .Replace("xmlns=", "xmlns:c=", StringComparison.Ordinal);
        }

        var bytes = trick == "latin-1" ? Encoding.Latin1.GetBytes(document) : Encoding.UTF8.GetBytes(document);
        if (trick == "utf-8 bom")
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        }

        var path = Path.Combine(_dir, "tricky.xml");
        File.WriteAllBytes(path, bytes);
        var read = CamtParts.TryRead(path, new CamtReaderOptions(), () => new List<BankTransaction>(), (l, t) => l.Add(t), null, partBytes: 1, workers: 2, CancellationToken.None);
        Assert.Equal(inParts, read is not null);
        var compared = Compare(bytes, BankFileFormat.Camt053, new BankFileReadOptions(), partBytes: 1, workers: 2);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1), compared);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// A random camt.053 or camt.054 document of up to three statements: entries with and without details, batches,
    /// reversals of earlier end-to-end ids, missing statuses, balances and summaries that may not add up, on many
    /// lines, one line, or CR LF lines, with or without a prefix. <paramref name="tricky"/> adds what makes a cut
    /// unsafe: a comment or CDATA hiding an entry's end tag, a header element after the entries, a nested entry.
    /// </summary>
    private static string CamtDocument(int seed, bool tricky)
    {
        var r = new Random(seed);
        var notification = r.Next(3) == 0;
        var p = r.Next(3) == 0 ? "c:" : string.Empty;
        var nl = r.Next(4) switch { 0 => "\r\n", 1 => string.Empty, _ => "\n" };
        var ns = $"urn:iso:std:iso:20022:tech:xsd:camt.{(notification ? "054" : "053")}.001.{r.Next(2, 14):00}";
        var message = notification ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt";
        var statementName = notification ? "Ntfctn" : "Stmt";
        var ids = Enumerable.Range(0, 6).Select(i => "E2E" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var text = new StringBuilder();
        void Leaf(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"<{p}{name}>{value}</{p}{name}>");
        void Open(string name) => text.Append(CultureInfo.InvariantCulture, $"<{p}{name}>");
        void Close(string name) => text.Append(CultureInfo.InvariantCulture, $"</{p}{name}>");
        void Amount(string name, long minor, string currency) => text.Append(CultureInfo.InvariantCulture, $"<{p}{name} Ccy=\"{currency}\">{minor / 100}.{minor % 100:00}</{p}{name}>");
        void Balance(string code, long minor)
        {
            Open("Bal");
            text.Append(CultureInfo.InvariantCulture, $"<{p}Tp><{p}CdOrPrtry><{p}Cd>{code}</{p}Cd></{p}CdOrPrtry></{p}Tp>");
            Amount("Amt", minor, "EUR");
            Leaf("CdtDbtInd", "CRDT");
            Close("Bal");
            text.Append(nl);
        }

        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").Append(nl);
        text.Append(CultureInfo.InvariantCulture, $"<{p}Document xmlns{(p.Length > 0 ? ":c" : string.Empty)}=\"{ns}\"");
        if (r.Next(2) == 0)
        {
            text.Append(nl.Length > 0 ? nl : " ").Append("    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
        }

        text.Append('>').Append(nl);
        Open(message);
        text.Append(nl);
        Open("GrpHdr");
        Leaf("MsgId", "MSG" + seed.ToString(CultureInfo.InvariantCulture));
        Close("GrpHdr");
        text.Append(nl);
        var trick = tricky ? r.Next(4) : -1;
        for (var s = r.Next(1, 4); s > 0; s--)
        {
            Open(statementName);
            text.Append(nl);
            if (r.Next(4) > 0)
            {
                Leaf("Id", "STMT-" + s.ToString(CultureInfo.InvariantCulture));
            }

            Open("Acct");
            text.Append(CultureInfo.InvariantCulture, $"<{p}Id><{p}IBAN>DE8937040044053201300{s}</{p}IBAN></{p}Id>");
            Close("Acct");
            text.Append(nl);
            if (r.Next(2) == 0)
            {
                Balance("OPBD", r.Next(0, 100_000));
                Balance("CLBD", r.Next(0, 1_000_000));
            }

            var entries = r.Next(0, 30);
            if (r.Next(3) == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"<{p}TxsSummry><{p}TtlNtries><{p}NbOfNtries>{entries + r.Next(0, 2)}</{p}NbOfNtries></{p}TtlNtries></{p}TxsSummry>").Append(nl);
            }

            for (var e = 0; e < entries; e++)
            {
                var currency = r.Next(6) == 0 ? "USD" : "EUR";
                var direction = r.Next(3) == 0 ? "DBIT" : "CRDT";
                Open("Ntry");
                if (r.Next(2) == 0)
                {
                    Leaf("NtryRef", "R" + e.ToString(CultureInfo.InvariantCulture));
                }

                var details = r.Next(4) switch { 0 => 0, 1 or 2 => 1, _ => r.Next(2, 4) };
                var amounts = Enumerable.Range(0, details).Select(_ => (long)r.Next(1, 1_000_000)).ToArray();
                Amount("Amt", details > 1 && r.Next(4) > 0 ? amounts.Sum() : r.Next(1, 1_000_000), currency);
                Leaf("CdtDbtInd", direction);
                if (r.Next(8) == 0)
                {
                    Leaf("RvslInd", "true");
                }

                if (r.Next(6) > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<{p}Sts><{p}Cd>{(r.Next(5) == 0 ? "PDNG" : "BOOK")}</{p}Cd></{p}Sts>");
                }

                text.Append(CultureInfo.InvariantCulture, $"<{p}BookgDt><{p}Dt>2026-12-0{r.Next(1, 4)}</{p}Dt></{p}BookgDt>");
                if (r.Next(2) == 0)
                {
                    Leaf("AcctSvcrRef", "NTRY" + r.Next(1000).ToString(CultureInfo.InvariantCulture));
                }

                text.Append(nl);
                if (trick == 0 && e == 1)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<!-- </{p}Ntry> -->");
                }

                if (details > 0)
                {
                    Open("NtryDtls");
                    text.Append(nl);
                    for (var d = 0; d < details; d++)
                    {
                        Open("TxDtls");
                        Open("Refs");
                        if (r.Next(4) > 0)
                        {
                            Leaf("EndToEndId", r.Next(5) == 0 ? "NOTPROVIDED" : ids[r.Next(ids.Length)]);
                        }

                        if (r.Next(3) == 0)
                        {
                            Leaf("TxId", "TX" + r.Next(4).ToString(CultureInfo.InvariantCulture));
                        }

                        Close("Refs");
                        text.Append(nl);
                        if (details > 1 || r.Next(2) == 0)
                        {
                            Amount("Amt", amounts[d], r.Next(10) == 0 ? "CHF" : currency);
                        }

                        Open("RltdPties");
                        text.Append(CultureInfo.InvariantCulture, $"<{p}Dbtr><{p}Pty><{p}Nm>PAYER {r.Next(9)} &amp; Söhne</{p}Nm></{p}Pty></{p}Dbtr>");
                        Close("RltdPties");
                        Open("RmtInf");
                        var hidden = trick == 1 && e == 2 ? $"<![CDATA[ </{p}Ntry> ]]>" : string.Empty;
                        Leaf("Ustrd", "INV " + r.Next(100_000).ToString(CultureInfo.InvariantCulture) + hidden);
                        Close("RmtInf");
                        Close("TxDtls");
                        text.Append(nl);
                    }

                    Close("NtryDtls");
                }

                if (trick == 2 && e == 3)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<x:Ntry xmlns:x=\"urn:bank\"><x:Ntry>1</x:Ntry></x:Ntry>");
                }

                Close("Ntry");
                text.Append(r.Next(5) == 0 ? "  " : nl);
            }

            if (trick == 3)
            {
                Balance("CLBD", 0);
            }

            if (r.Next(3) == 0)
            {
                Leaf("AddtlStmtInf", "END");
                text.Append(nl);
            }

            Close(statementName);
            text.Append(nl);
        }

        Close(message);
        text.Append(nl);
        Close("Document");
        text.Append(nl);
        return text.ToString();
    }
}
