using System.Globalization;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>
/// Facts of <c>fixtures/external/EXPECTED.md</c> section B (cross-checked by independent readers): per camt file,
/// statements, entries, transaction details, and per currency the credit and debit sums (minor units) and counts.
/// </summary>
internal static class CamtExpected
{
    /// <summary>Files the sources mark invalid (EXPECTED.md, PROVENANCE.md "Negative"), with the error code the reader gives.</summary>
    public static readonly (string File, string Code)[] Rejected =
    [
        ("camt053/genkgo__camt/camt053.v2.wrong.xml", CamtErrorCodes.NoStatement),
        ("camt053/moiristo__camt/camt_error.xml", CamtErrorCodes.MalformedXml),
        ("camt053/sebastienrousseau__bankstatementparser/camt053_garbled_amount.xml", CamtErrorCodes.BadAmount),
        ("camt053/viafintech__camt_parser/valid_namespace.xml", CamtErrorCodes.NoMessage),
        ("camt053/viafintech__camt_parser/invalid_namespace.xml", CamtErrorCodes.NoMessage),
        ("camt054/dvbern__lib-iso20022/camt_054_Beispiel_NotificationMissing.xml", CamtErrorCodes.NoMessage),
    ];

    /// <summary>file, statements, entries, TxDtls, "CCY:credit:debit:credits:debits;..." (minor units).</summary>
    public static readonly object[][] Facts =
    [
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-03-07.xml", 2, 3, 3, "EUR:82853198:579417:1:2"],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-03-14.xml", 2, 14, 14, "EUR:92830549:408474816:4:10"],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-04-11.xml", 2, 15, 15, "EUR:94050525:520968501:3:12"],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-05-06.xml", 2, 13, 13, "EUR:258593287:94599509:3:10"],
        ["camt053/Subite-eu__camt-to-coda/Other/BE68793230773034-202411.xml", 1, 268, 268, "EUR:18000000:15183125:4:264"],
        ["camt053/Subite-eu__camt-to-coda/Other/account_statement.xml", 1, 3, 3, "EUR:78990440:78990440:1:2"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/ISO20022_camt053_extended_SE_incoming_payments_incl_CB_example.xml", 1, 5, 7, "SEK:1338460:0:5:0"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/ISO20022_camt053_extended_SE_outgoing_payments_example.xml", 1, 2, 4, "SEK:0:19815912:0:2"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_swedish_account_statement.xml", 3, 5, 5, "NOK:0:15525900:0:1;SEK:1340980:146260:2:2"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver2_mixed_extended_account_statement.xml", 1, 5, 5, "EUR:8302797:0:5:0"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver_2_extended_se_account_swish_ecommerce.xml", 1, 4, 4, "SEK:4400:1500:3:1"],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver_2_extended_uk_account.xml", 1, 2, 2, "GBP:150:160:1:1"],
        ["camt053/dvbern__lib-iso20022/Business Sample camt.053.001.04.xml", 1, 3, 2, "SEK:13567850:20000000:2:1"],
        ["camt053/dvbern__lib-iso20022/camt.053_P_CH0309000000250090342_380000000_0_2016053100163801.xml", 1, 13, 32, "CHF:181056:127295:5:8"],
        ["camt053/genkgo__camt/camt053.v2.all-balance-types.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v2.five.decimals.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v2.minimal.ultimate.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v2.minimal.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v2.multi.statement.xml", 2, 2, 2, "EUR:885:700:1:1"],
        ["camt053/genkgo__camt/camt053.v2.with-account-name.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v2.with-party-ids.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v3.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v4.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt053.v8.xml", 1, 1, 1, "EUR:885:0:1:0"],
        ["camt053/genkgo__camt/camt53.only-Dt-with-DtTm.xml", 1, 0, 0, ""],
        ["camt053/howeyc__ledger/sample.xml", 1, 2, 1, "EUR:0:3890:0:2"],
        ["camt053/moiristo__camt/camt.xml", 1, 13, 26, "EUR:2800:92800:7:6"],
        ["camt053/moiristo__camt/camt_germany_01.xml", 1, 10, 12, "EUR:26019560:10152800:5:5"],
        ["camt053/moiristo__camt/camt_switzerland_01.xml", 1, 2, 2, "CHF:350:450:1:1"],
        ["camt053/moiristo__camt/camt_switzerland_02.xml", 1, 2, 3, "CHF:14570:25000:1:1"],
        ["camt053/moov-io__iso20022/FI_camt_053_sample.xml.xml", 1, 10, 12, "EUR:2307500:943017:6:4"],
        ["camt053/moov-io__iso20022/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", 1, 5, 5, "CHF:473372:7770:4:1"],
        ["camt053/moov-io__iso20022/statement_1.xml", 1, 4, 4, "EUR:0:276808:0:4"],
        ["camt053/prowide__prowide-iso20022/camt.053.001.07.xml", 1, 0, 0, ""],
        ["camt053/sebastienrousseau__bankstatementparser/camt.053.001.02.xml", 1, 3, 2, "SEK:13567850:20000000:2:1"],
        ["camt053/sebastienrousseau__bankstatementparser/camt053_duplicate_same_day.xml", 1, 2, 2, "EUR:0:900:0:2"],
        ["camt053/sebastienrousseau__bankstatementparser/camt053_multicurrency.xml", 2, 3, 3, "EUR:125050:50025:1:1;USD:0:9999:0:1"],
        ["camt053/sebastienrousseau__bankstatementparser/camt053_no_namespace.xml", 1, 1, 1, "GBP:25000:0:1:0"],
        ["camt053/viafintech__camt_parser/valid_example.xml", 1, 4, 5, "EUR:100:1100:1:3"],
        ["camt053/viafintech__camt_parser/valid_example_v4.xml", 1, 13, 32, "CHF:181056:127295:5:8"],
        ["camt053/viafintech__camt_parser/valid_example_v8.xml", 1, 3, 3, "CHF:56325:0:2:0;EUR:0:2097:0:1"],
        ["camt053/viafintech__camt_parser/valid_example_with_batch.xml", 1, 3, 2, "EUR:768800:475374:2:1"],
        ["camt053/viafintech__camt_parser/valid_example_with_datetime.xml", 1, 1, 0, "USD:19586:0:1:0"],
        ["camt053/viafintech__camt_parser/valid_example_with_debit.xml", 1, 4, 5, "EUR:100:1100:1:3"],
        ["camt053/viafintech__camt_parser/valid_example_with_instdamt.xml", 1, 1, 1, "CHF:450000:0:1:0"],
        ["camt053/viafintech__camt_parser/valid_example_with_other_id.xml", 1, 0, 0, ""],
        ["camt054/Subite-eu__camt-to-coda/LT809872649478701594/CAMT_054/2024-03-18.xml", 1, 1, 41, "EUR:0:19467225:0:1"],
        ["camt054/dvbern__lib-iso20022/camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml", 1, 1, 8, "CHF:62000:0:1:0"],
        ["camt054/dvbern__lib-iso20022/camt_054_Beispiel_NoCrdtBookedNotReversed.xml", 1, 3, 3, "CHF:11300:300:2:1"],
        ["camt054/dvbern__lib-iso20022/camt_054_Beispiel_SammelbuchungEs.xml", 1, 1, 2, "CHF:11300:0:1:0"],
        ["camt054/dvbern__lib-iso20022/camt_054_Beispiel_ZA1_ESR_ZE.xml", 1, 1, 1, "CHF:394975:0:1:0"],
        ["camt054/genkgo__camt/camt054.v2.with-account-name.xml", 1, 1, 1, "SEK:0:20000000:0:1"],
        ["camt054/genkgo__camt/camt054.v2.xml", 1, 1, 3, "SEK:0:20000000:0:1"],
        ["camt054/genkgo__camt/camt054.v4.xml", 1, 1, 3, "SEK:0:20000000:0:1"],
        ["camt054/genkgo__camt/camt054.v8-with-UETR.xml", 1, 1, 1, "SEK:0:20000000:0:1"],
        ["camt054/genkgo__camt/camt054.v8-with-financial-institution.xml", 1, 1, 1, "SEK:0:20000000:0:1"],
        ["camt054/genkgo__camt/camt054.v8.xml", 1, 1, 3, "SEK:0:20000000:0:1"],
        ["camt054/moov-io__iso20022/200519_camt.054-Credit_P_CH2909000000250094239_1110092691_0_2019042421291293.xml", 1, 1, 1, "CHF:150000:0:1:0"],
        ["camt054/moov-io__iso20022/200519_camt.054-Debit_P_CH2909000000250094239_1110092692_0_2019042401501580.xml", 1, 1, 1, "CHF:0:91300:0:1"],
        ["camt054/moov-io__iso20022/200519_camt.054_P_CH2909000000250094239_1111091335_0_2020061900081727.xml", 1, 1, 2, "CHF:169222:0:1:0"],
        ["camt054/moov-io__iso20022/200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml", 1, 2, 6, "CHF:153700:14700:1:1"],
        ["camt054/moov-io__iso20022/200519_camt054-chdd_p_ch2909000000250094239_1110097484_0_20190520700381159.xml", 1, 1, 2, "CHF:450:0:1:0"],
        ["camt054/moov-io__iso20022/200519_camt054-epo_p_ch5109000000250092291_1110097605_0_2019052003522556.xml", 1, 1, 3, "CHF:0:75000:0:1"],
        ["camt054/moov-io__iso20022/200519_camt054-epo_p_ch5109000000250092291_1110097605_0_2019052103322231.xml", 1, 1, 3, "CHF:0:75000:0:1"],
        ["camt054/moov-io__iso20022/200519_camt054-returns_p_ch2909000000250094239_1109800798_0_2019052023472022.xml", 1, 1, 1, "CHF:40000:0:1:0"],
        ["camt054/moov-io__iso20022/200924_camt.054_P_CH2909000000250094239_1110092703_0_2019042423412214.xml", 1, 1, 6, "CHF:150000:0:1:0"],
        ["camt054/moov-io__iso20022/FI_camt_054_sample.xml.xml", 1, 6, 13, "EUR:560000:523005:4:2"],
        ["camt054/moov-io__iso20022/camt054-returns_p_ch5109000000250092291_1110097606_0_2020112500512470.xml", 1, 1, 1, "CHF:50000:0:1:0"],
        ["camt054/viafintech__camt_parser/valid_example.xml", 1, 4, 5, "CHF:8056:2153:2:2"],
    ];

    /// <summary>file, whether opening + entries = closing per EXPECTED.md ("reconciles" column).</summary>
    public static readonly object[][] Reconciles =
    [
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-03-07.xml", true],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-03-14.xml", true],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-04-11.xml", true],
        ["camt053/Subite-eu__camt-to-coda/LT625883379695428516/CAMT_053/2024-05-06.xml", true],
        ["camt053/Subite-eu__camt-to-coda/Other/BE68793230773034-202411.xml", true],
        ["camt053/Subite-eu__camt-to-coda/Other/account_statement.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/ISO20022_camt053_extended_SE_incoming_payments_incl_CB_example.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/ISO20022_camt053_extended_SE_outgoing_payments_example.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_swedish_account_statement.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver2_mixed_extended_account_statement.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver_2_extended_se_account_swish_ecommerce.xml", true],
        ["camt053/darko-mijic__iso-20022-camt-053-parser/camt_053_ver_2_extended_uk_account.xml", true],
        ["camt053/dvbern__lib-iso20022/Business Sample camt.053.001.04.xml", true],
        ["camt053/dvbern__lib-iso20022/camt.053_P_CH0309000000250090342_380000000_0_2016053100163801.xml", true],
        ["camt053/genkgo__camt/camt053.v2.all-balance-types.xml", false],
        ["camt053/genkgo__camt/camt053.v2.five.decimals.xml", false],
        ["camt053/genkgo__camt/camt053.v2.minimal.ultimate.xml", false],
        ["camt053/genkgo__camt/camt053.v2.minimal.xml", false],
        ["camt053/genkgo__camt/camt053.v2.multi.statement.xml", true],
        ["camt053/genkgo__camt/camt053.v2.with-party-ids.xml", false],
        ["camt053/genkgo__camt/camt053.v3.xml", false],
        ["camt053/genkgo__camt/camt053.v4.xml", false],
        ["camt053/genkgo__camt/camt053.v8.xml", false],
        ["camt053/howeyc__ledger/sample.xml", false],
        ["camt053/moiristo__camt/camt.xml", true],
        ["camt053/moiristo__camt/camt_germany_01.xml", true],
        ["camt053/moiristo__camt/camt_switzerland_01.xml", true],
        ["camt053/moov-io__iso20022/FI_camt_053_sample.xml.xml", true],
        ["camt053/moov-io__iso20022/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", false],
        ["camt053/sebastienrousseau__bankstatementparser/camt.053.001.02.xml", true],
        ["camt053/sebastienrousseau__bankstatementparser/camt053_multicurrency.xml", true],
        ["camt053/sebastienrousseau__bankstatementparser/camt053_no_namespace.xml", true],
        ["camt053/viafintech__camt_parser/valid_example.xml", true],
        ["camt053/viafintech__camt_parser/valid_example_v4.xml", true],
        ["camt053/viafintech__camt_parser/valid_example_v8.xml", false],
        ["camt053/viafintech__camt_parser/valid_example_with_batch.xml", false],
        ["camt053/viafintech__camt_parser/valid_example_with_debit.xml", false],
        ["camt053/viafintech__camt_parser/valid_example_with_instdamt.xml", false],
    ];

    public static IEnumerable<object[]> AcceptedFiles() =>
        AllXml().Where(file => !Rejected.Any(r => r.File == file)).Select(file => new object[] { file });

    public static IEnumerable<object[]> RejectedFiles() => Rejected.Select(r => new object[] { r.File, r.Code });

    public static IEnumerable<string> AllXml() =>
        new[] { "camt053", "camt054" }
            .SelectMany(folder => Directory.EnumerateFiles(TestPaths.ExternalFile(folder), "*.xml", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(TestPaths.External, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static List<CamtEntry> Entries(string file, List<ParseWarning>? warnings = null)
    {
        using var stream = File.OpenRead(TestPaths.ExternalFile(file));
        return CamtReader.ReadEntries(stream, file, new CamtReaderOptions(), warnings).ToList();
    }

    public static int StatementCount(string file)
    {
        using var stream = File.OpenRead(TestPaths.ExternalFile(file));
        using var parser = new CamtParser(stream, file, new CamtReaderOptions(), null);
        while (parser.TryReadEntry(out _))
        {
        }

        return parser.StatementCount;
    }

    public static List<BankTransaction> Transactions(string file, List<ParseWarning>? warnings = null)
    {
        using var stream = File.OpenRead(TestPaths.ExternalFile(file));
        return CamtReader.Read(stream, file, new CamtReaderOptions(), warnings).ToList();
    }

    public static string Sums(IEnumerable<CamtEntry> entries) =>
        string.Join(';', entries
            .GroupBy(e => e.Currency.Code)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Where(e => e.Direction == Direction.Credit).Sum(e => e.AmountMinor)}:{g.Where(e => e.Direction == Direction.Debit).Sum(e => e.AmountMinor)}:{g.Count(e => e.Direction == Direction.Credit)}:{g.Count(e => e.Direction == Direction.Debit)}")));
}
