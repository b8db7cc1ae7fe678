using System.Globalization;
using System.Text;

namespace CashApp.Benchmarks.Camt;

/// <summary>
/// Writes a large, realistic camt.053.001.08 statement: SEPA credits with structured (invoices, credit notes,
/// RF references) and unstructured remittance, batch entries, and debits, indented as banks write them.
/// Deterministic for a given seed.
/// </summary>
internal static class CamtStatementGenerator
{
    private static readonly string[] Names =
    [
        "CITADEL BRANDS AG", "LIGHTHOUSE MANUFACTURING", "VISTA SUPPLY S.A.", "LINCOLN TRADERS GMBH", "NORDIC TIMBER AB",
        "ACME INDUSTRIAL SUPPLIES LTD", "BOULANGERIE DUPONT SARL", "FRATELLI ROSSI S.P.A.", "HANSEATIC LOGISTIK KG", "IBERIA FOODS S.L.",
    ];

    /// <summary>Writes entries until the document reaches <paramref name="targetBytes"/>; returns the UTF-8 bytes.</summary>
    public static byte[] Generate(long targetBytes, int seed = 42)
    {
        var random = new Random(seed);
        using var stream = new MemoryStream((int)Math.Min(int.MaxValue, targetBytes + (1 << 20)));
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write("""
                <?xml version="1.0" encoding="UTF-8"?>
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
                  <BkToCstmrStmt>
                    <GrpHdr>
                      <MsgId>BENCH20261120</MsgId>
                      <CreDtTm>2026-11-20T06:00:00</CreDtTm>
                    </GrpHdr>
                    <Stmt>
                      <Id>STMT-BENCH-1</Id>
                      <CreDtTm>2026-11-20T06:00:00</CreDtTm>
                      <Acct>
                        <Id>
                          <IBAN>DE89370400440532013000</IBAN>
                        </Id>
                        <Ccy>EUR</Ccy>
                      </Acct>

                """);
            var n = 0;
            var sb = new StringBuilder(4096);
            while (stream.Length + 4096 < targetBytes)
            {
                for (var k = 0; k < 64; k++)
                {
                    sb.Clear();
                    WriteEntry(sb, random, ++n);
                    writer.Write(sb);
                }

                writer.Flush();
            }

            writer.Write("""
                    </Stmt>
                  </BkToCstmrStmt>
                </Document>

                """);
        }

        return stream.ToArray();
    }

    private static void WriteEntry(StringBuilder sb, Random random, int number)
    {
        var kind = random.Next(100);
        var credit = kind < 75;
        var count = kind < 15 ? random.Next(2, 6) : 1;
        var amounts = new long[count];
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            amounts[i] = random.NextInt64(100, 5_000_000);
            total += amounts[i];
        }

        var inv = CultureInfo.InvariantCulture;
        sb.Append("      <Ntry>\n");
        sb.Append(inv, $"        <NtryRef>{number}</NtryRef>\n");
        sb.Append(inv, $"        <Amt Ccy=\"EUR\">{Amount(total)}</Amt>\n");
        sb.Append(credit ? "        <CdtDbtInd>CRDT</CdtDbtInd>\n" : "        <CdtDbtInd>DBIT</CdtDbtInd>\n");
        sb.Append("        <Sts>\n          <Cd>BOOK</Cd>\n        </Sts>\n");
        sb.Append("        <BookgDt>\n          <Dt>2026-11-20</Dt>\n        </BookgDt>\n");
        sb.Append("        <ValDt>\n          <Dt>2026-11-20</Dt>\n        </ValDt>\n");
        sb.Append(inv, $"        <AcctSvcrRef>NTRY261120{number:D8}</AcctSvcrRef>\n");
        sb.Append(credit
            ? "        <BkTxCd>\n          <Domn>\n            <Cd>PMNT</Cd>\n            <Fmly>\n              <Cd>RCDT</Cd>\n              <SubFmlyCd>ESCT</SubFmlyCd>\n            </Fmly>\n          </Domn>\n        </BkTxCd>\n"
            : "        <BkTxCd>\n          <Domn>\n            <Cd>PMNT</Cd>\n            <Fmly>\n              <Cd>ICDT</Cd>\n              <SubFmlyCd>ESCT</SubFmlyCd>\n            </Fmly>\n          </Domn>\n        </BkTxCd>\n");
        sb.Append("        <NtryDtls>\n");
        if (count > 1)
        {
            sb.Append(inv, $"          <Btch>\n            <NbOfTxs>{count}</NbOfTxs>\n          </Btch>\n");
        }

        for (var i = 0; i < count; i++)
        {
            var name = Names[random.Next(Names.Length)];
            sb.Append("          <TxDtls>\n            <Refs>\n");
            sb.Append(inv, $"              <AcctSvcrRef>EU26112{number:D8}{i:D2}</AcctSvcrRef>\n");
            sb.Append(inv, $"              <EndToEndId>{(random.Next(10) < 6 ? "E2E" + random.NextInt64(1_000_000_000, 9_999_999_999).ToString(inv) : "NOTPROVIDED")}</EndToEndId>\n");
            sb.Append("            </Refs>\n");
            sb.Append(inv, $"            <Amt Ccy=\"EUR\">{Amount(amounts[i])}</Amt>\n");
            sb.Append(credit ? "            <CdtDbtInd>CRDT</CdtDbtInd>\n" : "            <CdtDbtInd>DBIT</CdtDbtInd>\n");
            sb.Append(inv, $"            <AmtDtls>\n              <TxAmt>\n                <Amt Ccy=\"EUR\">{Amount(amounts[i])}</Amt>\n              </TxAmt>\n            </AmtDtls>\n");
            sb.Append("            <RltdPties>\n");
            if (credit)
            {
                sb.Append(inv, $"              <Dbtr>\n                <Pty>\n                  <Nm>{name}</Nm>\n                </Pty>\n              </Dbtr>\n");
                sb.Append(inv, $"              <DbtrAcct>\n                <Id>\n                  <IBAN>DE{random.Next(10, 99)}{random.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999)}</IBAN>\n                </Id>\n              </DbtrAcct>\n");
            }
            else
            {
                sb.Append(inv, $"              <Cdtr>\n                <Pty>\n                  <Nm>{name}</Nm>\n                </Pty>\n              </Cdtr>\n");
            }

            sb.Append("            </RltdPties>\n");
            var style = random.Next(10);
            if (style < 4)
            {
                sb.Append(inv, $"            <RmtInf>\n              <Ustrd>INVOICE {random.Next(1_000_000, 9_999_999)} CUSTOMER {random.Next(10_000, 99_999)}</Ustrd>\n            </RmtInf>\n");
            }
            else if (style < 6)
            {
                sb.Append(inv, $"            <RmtInf>\n              <Strd>\n                <CdtrRefInf>\n                  <Tp>\n                    <CdOrPrtry>\n                      <Cd>SCOR</Cd>\n                    </CdOrPrtry>\n                  </Tp>\n                  <Ref>RF18{random.Next(100_000, 999_999)}</Ref>\n                </CdtrRefInf>\n              </Strd>\n            </RmtInf>\n");
            }
            else
            {
                sb.Append("            <RmtInf>\n");
                var documents = random.Next(1, 4);
                for (var d = 0; d < documents; d++)
                {
                    var code = d == documents - 1 && documents > 1 ? "CREN" : "CINV";
                    sb.Append(inv, $"              <Strd>\n                <RfrdDocInf>\n                  <Tp>\n                    <CdOrPrtry>\n                      <Cd>{code}</Cd>\n                    </CdOrPrtry>\n                  </Tp>\n                  <Nb>{random.Next(1_000_000, 9_999_999)}</Nb>\n                </RfrdDocInf>\n");
                    sb.Append(inv, $"                <RfrdDocAmt>\n                  <RmtdAmt Ccy=\"EUR\">{Amount(random.NextInt64(100, 1_000_000))}</RmtdAmt>\n                </RfrdDocAmt>\n              </Strd>\n");
                }

                sb.Append("            </RmtInf>\n");
            }

            sb.Append("          </TxDtls>\n");
        }

        sb.Append("        </NtryDtls>\n      </Ntry>\n");
    }

    private static string Amount(long minor) => (minor / 100).ToString(CultureInfo.InvariantCulture) + "." + (minor % 100).ToString("00", CultureInfo.InvariantCulture);
}
