using System.Collections.Frozen;
using System.Globalization;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>What a BAI type code reports.</summary>
public enum Bai2TypeLevel
{
    /// <summary>A balance or status (codes 001-099, loan status 7xx): an amount, not money moving.</summary>
    Status,

    /// <summary>A total of credits or debits in an account summary (03).</summary>
    Summary,

    /// <summary>One transaction (16).</summary>
    Detail,
}

/// <summary>One entry of the BAI type code table.</summary>
/// <param name="Code">The code, 1 to 999.</param>
/// <param name="Description">The name the specification gives it.</param>
/// <param name="Direction">Credit or debit; null for status codes and codes without a direction.</param>
/// <param name="Level">Status, summary or detail.</param>
public readonly record struct Bai2TypeCode(int Code, string Description, Direction? Direction, Bai2TypeLevel Level)
{
    /// <summary>The code as three digits.</summary>
    public override string ToString() => Code.ToString("D3", CultureInfo.InvariantCulture);
}

/// <summary>
/// The BAI type code table (Cash Management Balance Reporting Specifications version 2, appendix A), kept as data.
/// Credits are 100-399, debits 400-699; codes not in the table take their direction from that range and count as
/// detail codes; 900-999 are bank-defined.
/// </summary>
public static class Bai2TypeCodes
{
    // code|level (T status, S summary, D detail)|direction (C, D, -)|description
    private const string Table = """
        010|T|-|Opening Ledger
        011|T|-|Average Opening Ledger MTD
        012|T|-|Average Opening Ledger YTD
        015|T|-|Closing Ledger
        020|T|-|Average Closing Ledger MTD
        021|T|-|Average Closing Ledger Previous Month
        022|T|-|Aggregate Balance Adjustments
        024|T|-|Average Closing Ledger YTD Previous Month
        025|T|-|Average Closing Ledger YTD
        030|T|-|Current Ledger
        037|T|-|ACH Net Position
        039|T|-|Opening Available + Total Same-Day ACH DTC Deposit
        040|T|-|Opening Available
        041|T|-|Average Opening Available MTD
        042|T|-|Average Opening Available YTD
        043|T|-|Average Available Previous Month
        044|T|-|Disbursing Opening Available Balance
        045|T|-|Closing Available
        050|T|-|Average Closing Available MTD
        051|T|-|Average Closing Available Last Month
        054|T|-|Average Closing Available YTD Last Month
        055|T|-|Average Closing Available YTD
        056|T|-|Loan Balance
        057|T|-|Total Investment Position
        059|T|-|Current Available (CRS Suppressed)
        060|T|-|Current Available
        061|T|-|Average Current Available MTD
        062|T|-|Average Current Available YTD
        063|T|-|Total Float
        065|T|-|Target Balance
        066|T|-|Adjusted Balance
        067|T|-|Adjusted Balance MTD
        068|T|-|Adjusted Balance YTD
        070|T|-|0-Day Float
        072|T|-|1-Day Float
        073|T|-|Float Adjustment
        074|T|-|2 or More Days Float
        075|T|-|3 or More Days Float
        076|T|-|Adjustment to Balances
        077|T|-|Average Adjustment to Balances MTD
        078|T|-|Average Adjustment to Balances YTD
        079|T|-|4-Day Float
        080|T|-|5-Day Float
        081|T|-|6-Day Float
        082|T|-|Average 1-Day Float MTD
        083|T|-|Average 1-Day Float YTD
        084|T|-|Average 2-Day Float MTD
        085|T|-|Average 2-Day Float YTD
        086|T|-|Transfer Calculation
        100|S|C|Total Credits
        101|S|C|Total Credit Amount MTD
        105|S|C|Credits Not Detailed
        106|S|C|Deposits Subject to Float
        107|S|C|Total Adjustment Credits YTD
        108|D|C|Credit (Any Type)
        109|S|C|Current Day Total Lockbox Deposits
        110|S|C|Total Lockbox Deposits
        115|D|C|Lockbox Deposit
        116|D|C|Item in Lockbox Deposit
        118|D|C|Lockbox Adjustment Credit
        120|S|C|EDI Transaction Credit
        121|D|C|EDI Transaction Credit
        122|D|C|EDIBANX Credit Received
        123|D|C|EDIBANX Credit Return
        130|S|C|Total Concentration Credits
        131|S|C|Total DTC Credits
        135|D|C|DTC Concentration Credit
        136|D|C|Item in DTC Deposit
        140|S|C|Total ACH Credits
        142|D|C|ACH Credit Received
        143|D|C|Item in ACH Deposit
        145|D|C|ACH Concentration Credit
        146|S|C|Total Bank Card Deposits
        147|D|C|Individual Bank Card Deposit
        150|S|C|Total Preauthorized Payment Credits
        155|D|C|Preauthorized Draft Credit
        156|D|C|Item in PAC Deposit
        160|S|C|Total ACH Disbursing Funding Credits
        162|S|C|Corporate Trade Payment Settlement
        163|S|C|Corporate Trade Payment Credits
        164|D|C|Corporate Trade Payment Credit
        165|D|C|Preauthorized ACH Credit
        166|D|C|ACH Settlement
        167|S|C|ACH Settlement Credits
        168|D|C|ACH Return Item or Adjustment Settlement
        169|D|C|Miscellaneous ACH Credit
        170|S|C|Total Other Check Deposits
        171|D|C|Individual Loan Deposit
        172|D|C|Deposit Correction
        173|D|C|Bank-Prepared Deposit
        174|D|C|Other Deposit
        175|D|C|Check Deposit Package
        176|D|C|Re-presented Check Deposit
        178|S|C|List Post Credits
        180|S|C|Total Loan Proceeds
        182|S|C|Total Bank-Prepared Deposits
        184|D|C|Draft Deposit
        185|S|C|Total Miscellaneous Deposits
        186|S|C|Total Cash Letter Credits
        187|D|C|Cash Letter Credit
        188|S|C|Total Cash Letter Adjustments
        189|D|C|Cash Letter Adjustment
        190|S|C|Total Incoming Money Transfers
        191|D|C|Individual Incoming Internal Money Transfer
        195|D|C|Incoming Money Transfer
        196|D|C|Money Transfer Adjustment
        198|D|C|Compensation
        200|S|C|Total Automatic Transfer Credits
        201|D|C|Individual Automatic Transfer Credit
        202|D|C|Bond Operations Credit
        205|S|C|Total Book Transfer Credits
        206|D|C|Book Transfer Credit
        207|S|C|Total International Money Transfer Credits
        208|D|C|Individual International Money Transfer Credit
        210|S|C|Total International Credits
        212|D|C|Foreign Letter of Credit
        213|D|C|Letter of Credit
        214|D|C|Foreign Exchange of Credit
        215|S|C|Total Letters of Credit
        216|D|C|Foreign Remittance Credit
        218|D|C|Foreign Collection Credit
        221|D|C|Foreign Check Purchase
        222|D|C|Foreign Checks Deposited
        224|D|C|Commission
        226|D|C|International Money Market Trading
        227|D|C|Standing Order
        229|D|C|Miscellaneous International Credit
        230|S|C|Total Security Credits
        231|S|C|Total Collection Credits
        232|D|C|Sale of Debt Security
        233|D|C|Securities Sold
        234|D|C|Sale of Equity Security
        235|D|C|Matured Reverse Repurchase Order
        236|D|C|Maturity of Debt Security
        237|D|C|Individual Collection Credit
        238|D|C|Collection of Dividends
        239|S|C|Total Bankers' Acceptance Credits
        240|D|C|Coupon Collections Banks
        241|D|C|Bankers' Acceptances
        242|D|C|Collection of Interest Income
        243|D|C|Matured Fed Funds Purchased
        244|D|C|Interest/Matured Principal Payment
        245|S|C|Monthly Dividends
        246|D|C|Commercial Paper
        247|D|C|Capital Change
        248|D|C|Savings Bonds Sales Adjustment
        249|D|C|Miscellaneous Security Credit
        250|S|C|Total Checks Posted and Returned
        251|S|C|Total Debit Reversals
        252|D|C|Debit Reversal
        254|D|C|Posting Error Correction Credit
        255|D|C|Check Posted and Returned
        256|S|C|Total ACH Return Items
        257|D|C|Individual ACH Return Item
        258|D|C|ACH Reversal Credit
        260|S|C|Total Rejected Credits
        261|D|C|Individual Rejected Credit
        263|D|C|Overdraft
        266|D|C|Return Item
        268|D|C|Return Item Adjustment
        270|S|C|Total ZBA Credits
        271|S|C|Net Zero-Balance Amount
        274|D|C|Cumulative ZBA or Disbursement Credits
        275|D|C|ZBA Credit
        276|D|C|ZBA Float Adjustment
        277|D|C|ZBA Credit Transfer
        278|D|C|ZBA Credit Adjustment
        280|S|C|Total Controlled Disbursing Credits
        281|D|C|Individual Controlled Disbursing Credit
        285|S|C|Total DTC Disbursing Credits
        286|D|C|Individual DTC Disbursing Credit
        294|S|C|Total ATM Credits
        295|D|C|ATM Credit
        301|D|C|Commercial Deposit
        302|S|C|Correspondent Bank Deposit
        303|S|C|Total Wire Transfers In FF
        304|S|C|Total Wire Transfers In CHF
        305|S|C|Total Fed Funds Sold
        306|D|C|Fed Funds Sold
        307|S|C|Total Trust Credits
        308|D|C|Trust Credit
        309|S|C|Total Value-Dated Funds
        310|S|C|Total Commercial Deposits
        315|S|C|Total International Credits FF
        316|S|C|Total International Credits CHF
        318|S|C|Total Foreign Check Purchased
        319|S|C|Late Deposit
        320|S|C|Total Securities Sold FF
        321|S|C|Total Securities Sold CHF
        324|S|C|Total Securities Matured FF
        325|S|C|Total Securities Matured CHF
        326|S|C|Total Securities Interest
        327|S|C|Total Securities Matured
        328|S|C|Total Securities Interest FF
        329|S|C|Total Securities Interest CHF
        330|S|C|Total Escrow Credits
        331|D|C|Individual Escrow Credit
        332|S|C|Total Miscellaneous Securities Credits FF
        336|S|C|Total Miscellaneous Securities Credits CHF
        338|S|C|Total Securities Sold
        340|S|C|Total Broker Deposits
        341|S|C|Total Broker Deposits FF
        342|D|C|Broker Deposit
        343|S|C|Total Broker Deposits CHF
        344|D|C|Individual Back Value Credit
        345|D|C|Item in Brokers Deposit
        346|D|C|Sweep Interest Income
        347|D|C|Sweep Principal Sell
        348|D|C|Futures Credit
        349|D|C|Principal Payments Credit
        350|S|C|Investment Sold
        351|D|C|Individual Investment Sold
        352|S|C|Total Cash Center Credits
        353|D|C|Cash Center Credit
        354|D|C|Interest Credit
        355|S|C|Investment Interest
        356|S|C|Total Credit Adjustment
        357|D|C|Credit Adjustment
        358|D|C|YTD Adjustment Credit
        359|D|C|Interest Adjustment Credit
        360|S|C|Total Credits Less Wire Transfer and Returned Checks
        361|S|C|Grand Total Credits Less Grand Total Debits
        362|D|C|Correspondent Collection
        363|D|C|Correspondent Collection Adjustment
        364|D|C|Loan Participation
        366|D|C|Currency and Coin Deposited
        367|D|C|Food Stamp Letter
        368|D|C|Food Stamp Adjustment
        369|D|C|Clearing Settlement Credit
        370|S|C|Total Back Value Credits
        372|D|C|Back Value Adjustment
        373|D|C|Customer Payroll
        374|D|C|FRB Statement Recap
        376|D|C|Savings Bond Letter or Adjustment
        377|D|C|Treasury Tax and Loan Credit
        378|D|C|Transfer of Treasury Credit
        379|D|C|FRB Government Checks Cash Letter Credit
        381|D|C|FRB Government Check Adjustment
        382|D|C|FRB Postal Money Order Credit
        383|D|C|FRB Postal Money Order Adjustment
        384|D|C|FRB Cash Letter Auto Charge Credit
        385|S|C|Total Universal Credits
        386|D|C|FRB Cash Letter Auto Charge Adjustment
        387|D|C|FRB Fine-Sort Cash Letter Credit
        388|D|C|FRB Fine-Sort Adjustment
        389|S|C|Total Freight Payment Credits
        390|S|C|Total Miscellaneous Credits
        391|D|C|Universal Credit
        392|D|C|Freight Payment Credit
        393|D|C|Itemized Credit Over $10,000
        394|D|C|Cumulative Credits
        395|D|C|Check Reversal
        397|D|C|Float Adjustment
        398|D|C|Miscellaneous Fee Refund
        399|D|C|Miscellaneous Credit
        400|S|D|Total Debits
        401|S|D|Total Debit Amount MTD
        403|S|D|Today's Total Debits
        405|S|D|Total Debit Less Wire Transfers and Charge-Backs
        406|S|D|Debits not Detailed
        408|D|D|Float Adjustment
        409|D|D|Debit (Any Type)
        410|S|D|Total YTD Adjustment
        412|S|D|Total Debits (Excluding Returned Items)
        415|D|D|Lockbox Debit
        416|S|D|Total Lockbox Debits
        420|S|D|EDI Transaction Debits
        421|D|D|EDI Transaction Debit
        422|D|D|EDIBANX Settlement Debit
        423|D|D|EDIBANX Return Item Debit
        430|S|D|Total Payable-Through Drafts
        435|D|D|Payable-Through Draft
        445|D|D|ACH Concentration Debit
        446|S|D|Total ACH Disbursement Funding Debits
        447|D|D|ACH Disbursement Funding Debit
        450|S|D|Total ACH Debits
        451|D|D|ACH Debit Received
        452|D|D|Item in ACH Disbursement or Debit
        455|D|D|Preauthorized ACH Debit
        462|D|D|Account Holder Initiated ACH Debit
        463|S|D|Corporate Trade Payment Debits
        464|D|D|Corporate Trade Payment Debit
        465|S|D|Corporate Trade Payment Settlement
        466|D|D|ACH Settlement
        467|S|D|ACH Settlement Debits
        468|D|D|ACH Return Item or Adjustment Settlement
        469|D|D|Miscellaneous ACH Debit
        470|S|D|Total Check Paid
        471|S|D|Total Check Paid Cumulative MTD
        472|D|D|Cumulative Checks Paid
        474|D|D|Certified Check Debit
        475|D|D|Check Paid
        476|D|D|Federal Reserve Bank Letter Debit
        477|D|D|Bank Originated Debit
        478|S|D|List Post Debits
        479|D|D|List Post Debit
        480|S|D|Total Loan Payments
        481|D|D|Individual Loan Payment
        482|S|D|Total Bank-Originated Debits
        484|D|D|Draft
        485|D|D|DTC Debit
        486|S|D|Total Cash Letter Debits
        487|D|D|Cash Letter Debit
        489|D|D|Cash Letter Adjustment
        490|S|D|Total Outgoing Money Transfers
        491|D|D|Individual Outgoing Internal Money Transfer
        493|D|D|Customer Terminal Initiated Money Transfer
        495|D|D|Outgoing Money Transfer
        496|D|D|Money Transfer Adjustment
        498|D|D|Compensation
        500|S|D|Total Automatic Transfer Debits
        501|D|D|Individual Automatic Transfer Debit
        502|D|D|Bond Operations Debit
        505|S|D|Total Book Transfer Debits
        506|D|D|Book Transfer Debit
        507|S|D|Total International Money Transfer Debits
        508|D|D|Individual International Money Transfer Debits
        510|S|D|Total International Debits
        512|D|D|Letter of Credit Debit
        513|D|D|Letter of Credit
        514|D|D|Foreign Exchange Debit
        515|S|D|Total Letters of Credit
        516|D|D|Foreign Remittance Debit
        518|D|D|Foreign Collection Debit
        522|D|D|Foreign Checks Paid
        524|D|D|Commission
        526|D|D|International Money Market Trading
        527|D|D|Standing Order
        529|D|D|Miscellaneous International Debit
        530|S|D|Total Security Debits
        531|D|D|Securities Purchased
        532|S|D|Total Amount of Securities Purchased
        533|D|D|Security Collection Debit
        534|S|D|Total Miscellaneous Securities DB FF
        535|D|D|Purchase of Equity Securities
        536|S|D|Total Miscellaneous Securities Debit CHF
        537|S|D|Total Collection Debit
        538|D|D|Matured Repurchase Order
        539|S|D|Total Bankers' Acceptances Debit
        540|D|D|Coupon Collection Debit
        541|D|D|Bankers' Acceptances
        542|D|D|Purchase of Debt Securities
        543|D|D|Domestic Collection
        544|D|D|Interest/Matured Principal Payment
        546|D|D|Commercial Paper
        547|D|D|Capital Change
        548|D|D|Savings Bonds Sales Adjustment
        549|D|D|Miscellaneous Security Debit
        550|S|D|Total Deposited Items Returned
        551|S|D|Total Credit Reversals
        552|D|D|Credit Reversal
        554|D|D|Posting Error Correction Debit
        555|D|D|Deposited Item Returned
        556|S|D|Total ACH Return Items
        557|D|D|Individual ACH Return Item
        558|D|D|ACH Reversal Debit
        560|S|D|Total Rejected Debits
        561|D|D|Individual Rejected Debit
        563|D|D|Overdraft
        564|D|D|Overdraft Fee
        566|D|D|Return Item
        567|D|D|Return Item Fee
        568|D|D|Return Item Adjustment
        570|S|D|Total ZBA Debits
        574|D|D|Cumulative ZBA Debits
        575|D|D|ZBA Debit
        577|D|D|ZBA Debit Transfer
        578|D|D|ZBA Debit Adjustment
        580|S|D|Total Controlled Disbursing Debits
        581|D|D|Individual Controlled Disbursing Debit
        583|S|D|Total Disbursing Checks Paid Early Amount
        584|S|D|Total Disbursing Checks Paid Later Amount
        585|S|D|Disbursing Funding Requirement
        586|S|D|FRB Presentment Estimate (Fed Estimate)
        587|S|D|Late Debits (After Notification)
        588|S|D|Total Disbursing Checks Paid Last Amount
        590|S|D|Total DTC Debits
        594|S|D|Total ATM Debits
        595|D|D|ATM Debit
        596|S|D|Total ARP Debits
        597|D|D|ARP Debit
        601|S|D|Estimated Total Disbursement
        602|S|D|Adjusted Total Disbursement
        610|S|D|Total Funds Required
        611|S|D|Total Wire Transfers Out CHF
        612|S|D|Total Wire Transfers Out FF
        613|S|D|Total International Debit CHF
        614|S|D|Total International Debit FF
        615|S|D|Total Federal Reserve Bank Commercial Bank Debit
        616|D|D|Federal Reserve Bank Commercial Bank Debit
        617|S|D|Total Securities Purchased CHF
        618|S|D|Total Securities Purchased FF
        621|S|D|Total Broker Debits CHF
        622|D|D|Broker Debit
        623|S|D|Total Broker Debits FF
        625|S|D|Total Broker Debits
        626|S|D|Total Fed Funds Purchased
        627|D|D|Fed Funds Purchased
        628|S|D|Total Cash Center Debits
        629|D|D|Cash Center Debit
        630|S|D|Total Debit Adjustments
        631|D|D|Debit Adjustment
        632|S|D|Total Trust Debits
        633|D|D|Trust Debit
        634|D|D|YTD Adjustment Debit
        640|S|D|Total Escrow Debits
        641|D|D|Individual Escrow Debit
        644|D|D|Individual Back Value Debit
        646|S|D|Transfer Calculation Debit
        650|S|D|Investments Purchased
        651|D|D|Individual Investment Purchased
        654|D|D|Interest Debit
        655|S|D|Total Investment Interest Debits
        656|D|D|Sweep Principal Buy
        657|D|D|Futures Debit
        658|D|D|Principal Payments Debit
        659|D|D|Interest Adjustment Debit
        661|D|D|Account Analysis Fee
        662|D|D|Correspondent Collection Debit
        663|D|D|Correspondent Collection Adjustment
        664|D|D|Loan Participation
        665|S|D|Intercept Debits
        666|D|D|Currency and Coin Shipped
        667|D|D|Food Stamp Letter
        668|D|D|Food Stamp Adjustment
        669|D|D|Clearing Settlement Debit
        670|S|D|Total Back Value Debits
        672|D|D|Back Value Adjustment
        673|D|D|Customer Payroll
        674|D|D|FRB Statement Recap
        676|D|D|Savings Bond Letter or Adjustment
        677|D|D|Treasury Tax and Loan Debit
        678|D|D|Transfer of Treasury Debit
        679|D|D|FRB Government Checks Cash Letter Debit
        681|D|D|FRB Government Check Adjustment
        682|D|D|FRB Postal Money Order Debit
        683|D|D|FRB Postal Money Order Adjustment
        684|D|D|FRB Cash Letter Auto Charge Debit
        685|S|D|Total Universal Debits
        686|D|D|FRB Cash Letter Auto Charge Adjustment
        687|D|D|FRB Fine-Sort Cash Letter Debit
        688|D|D|FRB Fine-Sort Adjustment
        689|S|D|FRB Freight Payment Debits
        690|S|D|Total Miscellaneous Debits
        691|D|D|Universal Debit
        692|D|D|Freight Payment Debit
        693|D|D|Itemized Debit Over $10,000
        694|D|D|Deposit Reversal
        695|D|D|Deposit Correction Debit
        696|D|D|Regular Collection Debit
        697|D|D|Cumulative Debits
        698|D|D|Miscellaneous Fees
        699|D|D|Miscellaneous Debit
        701|T|-|Principal Loan Balance
        703|T|-|Available Commitment Amount
        705|T|-|Payment Amount Due
        707|T|-|Principal Amount Past Due
        709|T|-|Interest Amount Past Due
        720|S|C|Total Loan Payment
        721|D|C|Amount Applied to Interest
        722|D|C|Amount Applied to Principal
        723|D|C|Amount Applied to Escrow
        724|D|C|Amount Applied to Late Charges
        725|D|C|Amount Applied to Buydown
        726|D|C|Amount Applied to Misc. Fees
        727|D|C|Amount Applied to Deferred Interest Detail
        728|D|C|Amount Applied to Service Charge
        760|S|D|Loan Disbursement
        890|D|-|Contains Non-monetary Information
        """;

    private static readonly Bai2TypeCode[] ByCode = Load();

    /// <summary>Every code the table names, in code order.</summary>
    public static IReadOnlyList<Bai2TypeCode> All => Listings.All;

    /// <summary>
    /// The entry for <paramref name="code"/> (1 to 999). A code the table does not name gets a direction from its
    /// range (100-399 credit, 400-699 debit, none otherwise), detail level for 100-699 and status below 100, and
    /// the description "Bank-defined" for 900-999 or "Unassigned".
    /// </summary>
    public static Bai2TypeCode Get(int code)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 999);
        return ByCode[code];
    }

    /// <summary>The entry for a code already known to be 1 to 999 (the decoder's hot path).</summary>
    internal static Bai2TypeCode GetValid(int code) => ByCode[code];

    private static Bai2TypeCode[] Load()
    {
        var table = new Bai2TypeCode[1000];
        for (var code = 1; code < 1000; code++)
        {
            Direction? direction = code switch
            {
                >= 100 and <= 399 => Direction.Credit,
                >= 400 and <= 699 => Direction.Debit,
                _ => null,
            };
            var level = code < 100 ? Bai2TypeLevel.Status : Bai2TypeLevel.Detail;
            table[code] = new Bai2TypeCode(code, string.Empty, direction, level);
        }

        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            var code = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
            var level = parts[1] switch
            {
                "T" => Bai2TypeLevel.Status,
                "S" => Bai2TypeLevel.Summary,
                _ => Bai2TypeLevel.Detail,
            };
            Direction? direction = parts[2] switch
            {
                "C" => Direction.Credit,
                "D" => Direction.Debit,
                _ => null,
            };
            table[code] = new Bai2TypeCode(code, parts[3], direction, level);
        }

        return table;
    }

    /// <summary>The description, or a fallback for codes the table does not name.</summary>
    internal static string Describe(Bai2TypeCode code) =>
        code.Description.Length > 0 ? code.Description : code.Code >= 900 ? "Bank-defined" : "Unassigned";

    /// <summary>A frozen lookup by three-digit text, for tools.</summary>
    public static FrozenDictionary<string, Bai2TypeCode> ByText => Listings.ByText;

    /// <summary>
    /// <see cref="All"/> and <see cref="ByText"/>, made at their first use rather than with the table: reading a file
    /// needs neither, and building the frozen lookup cost every <c>cashapp</c> process that reads BAI2 a few
    /// milliseconds of start-up.
    /// </summary>
    private static class Listings
    {
        public static readonly IReadOnlyList<Bai2TypeCode> All = [.. ByCode.Where(c => c.Description is { Length: > 0 })];

        public static readonly FrozenDictionary<string, Bai2TypeCode> ByText = All.ToFrozenDictionary(c => c.ToString(), StringComparer.Ordinal);
    }
}
