namespace CashApp.Parsers.Currency;

/// <summary>
/// An ISO 4217 alphabetic currency code together with the number of decimals its minor unit has
/// (JPY 0, USD 2, BHD 3). Only codes in the built-in table are valid: an unknown code is an error,
/// never a guess at its decimals.
/// </summary>
public readonly record struct CurrencyCode
{
    // ISO 4217 active codes with their minor units (list as of amendment 178).
    private static readonly (string Code, byte Decimals)[] Table =
    [
        ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2),
        ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2), ("BHD", 3), ("BIF", 0),
        ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2),
        ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2),
        ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2),
        ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2),
        ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2),
        ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0),
        ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2),
        ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2),
        ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2),
        ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2),
        ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2),
        ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2),
        ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2),
        ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2),
        ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2),
        ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2), ("UYI", 0), ("UYU", 2),
        ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0),
        ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
    ];

    // Indexed by the code's three letters (A-Z): each known code's string and its decimals. A FrozenDictionary did this
    // before, but its code over our value type is compiled at start-up (about 50 methods in every process that reads
    // a bank file), where an array lookup needs nothing compiled.
    private static readonly string?[] CodeByLetters = new string?[26 * 26 * 26];
    private static readonly byte[] DecimalsByLetters = Index(CodeByLetters);

    private static byte[] Index(string?[] codes)
    {
        var decimals = new byte[codes.Length];
        foreach (var (code, digits) in Table)
        {
            var at = Slot(code);
            codes[at] = code;
            decimals[at] = digits;
        }

        return decimals;
    }

    /// <summary>The table index of a three-letter code in A-Z; -1 for anything else.</summary>
    private static int Slot(ReadOnlySpan<char> code)
    {
        if (code.Length != 3)
        {
            return -1;
        }

        var a = code[0];
        var b = code[1];
        var c = code[2];
        return a is >= 'A' and <= 'Z' && b is >= 'A' and <= 'Z' && c is >= 'A' and <= 'Z' ? ((((a - 'A') * 26) + (b - 'A')) * 26) + (c - 'A') : -1;
    }

    /// <summary>Every known code and its decimals, in the table's order (tests).</summary>
    internal static IReadOnlyList<(string Code, byte Decimals)> Known => Table;

    /// <summary>Creates a currency code; throws when <paramref name="code"/> is not a known ISO 4217 code.</summary>
    public CurrencyCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var at = Slot(code);
        if (at < 0 || CodeByLetters[at] is null)
        {
            throw new ArgumentException($"'{code}' is not a known ISO 4217 currency code.", nameof(code));
        }

        Code = code;
        MinorDigits = DecimalsByLetters[at];
    }

    /// <summary>The three-letter code, upper case.</summary>
    public string Code { get; }

    /// <summary>How many decimals the currency's minor unit has (JPY 0, USD 2, BHD 3).</summary>
    public int MinorDigits { get; }

    /// <summary>Looks a code up without throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> code, out CurrencyCode currency)
    {
        var at = Slot(code);
        if (at >= 0 && CodeByLetters[at] is { } known)
        {
            // The table's own string, so that hot paths never allocate a code.
            currency = new CurrencyCode(known, DecimalsByLetters[at]);
            return true;
        }

        currency = default;
        return false;
    }

    private CurrencyCode(string code, byte decimals)
    {
        Code = code;
        MinorDigits = decimals;
    }

    /// <inheritdoc/>
    public override string ToString() => Code ?? string.Empty;
}
