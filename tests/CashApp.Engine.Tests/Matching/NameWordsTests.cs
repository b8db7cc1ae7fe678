using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A payer named like a customer but for a whole word is another company (<see cref="NameWords"/>); the ways banks and
/// payers really print a customer's name are not such a word.
/// </summary>
public sealed class NameWordsTests
{
    [Theory]
    [InlineData("PIONEER TENNESSEE SUPPLY CORP.", "Pioneer Tennessee Solutions Corporation")]
    [InlineData("FRONTIER MINNESOTA ELECTRONICS COMPANY", "Frontier Maine Electronics Co.")]
    [InlineData("ACME WEST SUPPLY", "Acme East Supply Inc.")]
    [InlineData("NORTH GEORGIA CHEMICALS", "South Georgia Chemicals Inc.")]
    [InlineData("CITY OF NEW JERSEY DEPARTMENT OF FINANCE", "City of New York Department of Finance")]
    [InlineData("IRON CASTLE INFORMATION MANAGEMENT", "Iron Mountain Information Management, LLC")]
    [InlineData("CARDINAL HEALTH 111 LLC", "Cardinal Health 110, LLC")] // another number, another company
    [InlineData("WALMART STORE 1234", "Walmart Store 1235")]
    [InlineData("NORTHERN STATES POWER CO", "Southern States Power Co")] // two slips, but in the first letter
    [InlineData("EASTSIDE PLUMBING SUPPLY", "Westside Plumbing Supply")]
    [InlineData("CARDINAL HLTH 11 LLC", "Cardinal Health 110, LLC")] // a legal form after it: the number was not cut
    [InlineData("PIONEER TENNESSEE MESA", "Pioneer Tennessee Meadows")] // MESA is no ME run into SA
    public void WordReplaced_AWordOfEachNameNoSpellingOfTheOthers_Differs(string payer, string customer) =>
        Assert.True(NameWords.WordReplaced(payer, customer));

    [Theory]
    [InlineData("PIONEER TENNESSEE SOL", "Pioneer Tennessee Solutions Corporation")] // abbreviated
    [InlineData("PIONEER TENNESSE", "Pioneer Tennessee Solutions Corporation")] // cut at 16
    [InlineData("PIONEER TENN SOLNS", "Pioneer Tennessee Solutions Corporation")]
    [InlineData("PIONEERTENNESSEE SOLUTIONS", "Pioneer Tennessee Solutions Corporation")] // run together
    [InlineData("PIONEERTENN", "Pioneer Tennessee Solutions Corporation")] // run together and cut
    [InlineData("PIONER TENNESSEE SOLUTIONS", "Pioneer Tennessee Solutions Corporation")] // a letter dropped
    [InlineData("PIONEER TENNESSEE SOLUTOINS", "Pioneer Tennessee Solutions Corporation")] // two swapped
    [InlineData("PIONEER SOLUTIONS", "Pioneer Tennessee Solutions Corporation")] // a word left out
    [InlineData("ST JUDE CHILDREN S RES", "St. Jude Children's Research Hospital")]
    [InlineData("TOYOTA MOTOR SALES U S A INC", "Toyota Motor Sales, U.S.A., Inc.")]
    [InlineData("TOYOTA MOTOR SALES USAINC", "Toyota Motor Sales, U.S.A., Inc.")] // the legal form run into the name
    [InlineData("CARDINAL HLTH 11", "Cardinal Health 110, LLC")] // the number cut at the end
    [InlineData("SOUTHERN GLAZER S WINE & SPIRITS", "Southern Glazer's Wine and Spirits, LLC")]
    [InlineData("ACME INDUSTRIAL SUPPLIES", "Acme Industrial Supply Co.")]
    [InlineData("CONSOLIDATED EDISON CO OF NY", "Consolidated Edison Company of New York")]
    [InlineData("NEXUS CONSOL GEN", "Nexus Consolidated Gent Traders Corp.")] // "GEN" is a cut, not GENERAL
    [InlineData("BOLT UNIV ERSAL MATERIALS", "Bolt Universal Materials LP")] // a space in a word
    [InlineData("MAPLE RENNES ERV", "Maple Rennes Services S.A.")] // cut, and its first letter lost
    [InlineData("SUN CHEMICALS GRO", "Sun Chemicals Group")] // the legal form cut
    [InlineData("KINCOLNSERVICES GROUP", "Lincoln Services Group")]
    [InlineData("DRPEPPER SNAPPLE GROUP", "Dr Pepper Snapple Group")]
    [InlineData("AMERICAN AIRLANE", "American Airlines, Inc.")] // cut at 16, a letter changed in what is left
    [InlineData("FORD MOTOR CREID", "Ford Motor Credit Company LLC")]
    [InlineData("PIONEER TENNESSEE SOLITIO", "Pioneer Tennessee Solutions Corporation")]
    [InlineData("PIONEER TENNESSEE SOLUTIPMS", "Pioneer Tennessee Solutions Corporation")] // two slips in a long word
    [InlineData("CONUTYOFLOSANGELESTREASURER", "County of Los Angeles Treasurer")] // five words run together, two swapped
    [InlineData("1ST NATIONAL BANK OF OMAHA", "First National Bank of Omaha")]
    [InlineData("ACME MARKETS STORE 012", "Acme Markets Store 12")]
    [InlineData("BLACKSTONE CAPITAL PARTNERS III LP", "Blackstone Capital Partners 3 LP")]
    [InlineData("GO0DYEAR TIRE AND RUBBER CO", "Goodyear Tire and Rubber Co")] // a zero read for an O
    [InlineData("CARDINAL HEALTH 110LLC", "Cardinal Health 110, LLC")]
    [InlineData("SUN CHEMICALS GRO", "Sun Chemicals Pacific Group")] // a word left out, the legal form cut
    public void WordReplaced_TheCustomersNameAsBanksPrintIt_DoesNotDiffer(string payer, string customer) =>
        Assert.False(NameWords.WordReplaced(payer, customer));

    private static readonly string[] Words =
        ["Pioneer", "Tennessee", "Solutions", "Harbor", "Central", "Manufacturing", "Granite", "Analytics", "Western", "Birch",
         "Logistics", "Summit", "Premier", "Holdings", "Electronics", "Dayton", "Falcon", "Apparel", "Quantum", "Packaging"];

    private static readonly string[] Forms = ["", " Inc.", " LLC", " Corporation", " Co.", " GmbH", " S.A.", " Group"];

    /// <summary>A customer name of two to five words and a legal form, and a number to vary it by.</summary>
    private static Arbitrary<(string Name, int Seed)> Names() =>
        (from count in Gen.Choose(2, 5)
         from words in Gen.ArrayOf(Gen.Elements(Words), count)
         from form in Gen.Elements(Forms)
         from seed in Gen.Choose(0, int.MaxValue)
         select (string.Join(' ', words) + form, seed)).ToArbitrary();

    private static string Printed(string name) =>
        string.Join(' ', NameText.PrintedTokens(name));

    [Property(MaxTest = 300)]
    public Property WordReplaced_TheNameCutALetterDroppedOrTwoWordsRunTogether_NeverDiffers() =>
        Prop.ForAll(Names(), named =>
        {
            var random = new Random(named.Seed);
            var printed = Printed(named.Name);
            var cut = printed[..Math.Max(5, printed.Length - random.Next(printed.Length / 2))];
            var at = random.Next(printed.Length);
            var dropped = printed[at] == ' ' ? printed : printed.Remove(at, 1);
            var space = printed.IndexOf(' ', random.Next(printed.Length));
            var joined = space < 0 ? printed : printed.Remove(space, 1);
            return !NameWords.WordReplaced(printed, named.Name) && !NameWords.WordReplaced(cut, named.Name)
                && !NameWords.WordReplaced(dropped, named.Name) && !NameWords.WordReplaced(joined, named.Name);
        });

    [Property(MaxTest = 300)]
    public Property WordReplaced_TheNameWithALetterChangedThenCut_NeverDiffers() =>
        Prop.ForAll(Names(), named =>
        {
            var random = new Random(named.Seed);
            var printed = Printed(named.Name).ToCharArray();
            var at = random.Next(printed.Length);
            if (printed[at] != ' ')
            {
                printed[at] = (char)('A' + random.Next(26));
            }

            var changed = new string(printed);
            var cut = changed[..Math.Max(at + 1, changed.Length - random.Next(changed.Length / 2))];

            // What is left of the last word, if the letter changed is in it, keeps four letters: fewer, with a slip, are
            // no word anyone could read.
            var lastWord = cut.LastIndexOf(' ') + 1;
            return (at >= lastWord && cut.Length - lastWord < 5) || !NameWords.WordReplaced(cut, named.Name);
        });

    /// <summary>Words of letters none of <see cref="Words"/> has (J, V, X, Z), so that no slip, start or abbreviation spells one.</summary>
    private static readonly string[] Strangers = ["JVXZ", "ZJVX", "XXJZV", "VZZJ", "JZXVV"];

    [Property(MaxTest = 300)]
    public Property WordReplaced_OneWordSwappedForAnotherWord_Differs() =>
        Prop.ForAll(Names(), named =>
        {
            var random = new Random(named.Seed);
            var words = NameText.PrintedTokens(named.Name);
            var at = random.Next(words.Length);
            var word = words[at];
            words[at] = Strangers[random.Next(Strangers.Length)];

            // The word swapped out is spelled by no word left in the payer's name: else it was no word lost.
            var stillSpelled = words.Any(w => NameWords.Spelling(w, word));
            return stillSpelled || NameWords.WordReplaced(string.Join(' ', words), named.Name);
        });

    /// <summary>Words banks abbreviate (<see cref="NameText.Tokens"/> spells them out), and a word that looks like one ("GENT").</summary>
    private static readonly string[] Abbreviated = ["Sol", "Hldgs", "Gen", "Gent", "Intl", "Mfg", "Univ", "Natl", "Svcs", "Log"];

    [Property(MaxTest = 300, Replay = "(523,87)")]
    public Property WordReplaced_PrintedWordsKeptAcrossLookups_AnswersAsReadEachTime() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            // Customers' names of common and abbreviated words; payers each compared with every customer, in turns, the
            // payer's printed words kept for its turn and each customer's across the turns (as a name lookup and the
            // directory keep them), against the four comparisons made afresh from the names each time.
            var random = new Random(seed);
            string Word() => random.Next(3) == 0 ? Abbreviated[random.Next(Abbreviated.Length)] : Words[random.Next(Words.Length)];
            string Name(int least) => string.Join(' ', Enumerable.Range(0, random.Next(least, 5)).Select(_ => Word())) + Forms[random.Next(Forms.Length)];
            var customers = Enumerable.Range(0, 6).Select(_ => Name(1)).ToList();
            var payers = customers.Select(c => random.Next(3) == 0 ? Name(1) : Varied(c, random)).Concat(customers).ToList();
            var customerWords = customers.Select(NameText.Tokens).ToList();
            var customerPrinted = new string[]?[customers.Count];
            var wrong = new List<string>();
            foreach (var payer in payers)
            {
                var (payerWords, payerForm) = NameText.TokensAndForm(payer);
                string[]? payerPrinted = null;
                for (var c = 0; c < customers.Count; c++)
                {
                    var kept = NameWords.WordReplaced(payer, payerWords, ref payerPrinted, payerForm is null, customers[c], customerWords[c], ref customerPrinted[c]);
                    if (kept != AsReadEachTime(payer, customers[c]))
                    {
                        wrong.Add($"'{payer}' / '{customers[c]}': {kept}");
                    }
                }
            }

            return (wrong.Count == 0).Label(string.Join("; ", wrong));
        });

    /// <summary>A customer's name as a payer may print it: a word swapped, abbreviated, spelled out or dropped, or cut.</summary>
    private static string Varied(string name, Random random)
    {
        var words = NameText.PrintedTokens(name);
        var at = random.Next(words.Length);
        words[at] = random.Next(4) switch
        {
            0 => Strangers[random.Next(Strangers.Length)],
            1 => Abbreviated[random.Next(Abbreviated.Length)].ToUpperInvariant(),
            2 => NameText.Tokens(words[at]) is [var spelled] ? spelled : words[at],
            _ => string.Empty,
        };
        var printed = string.Join(' ', words.Where(w => w.Length > 0));
        return random.Next(3) == 0 && printed.Length > 6 ? printed[..random.Next(5, printed.Length)] : printed;
    }

    /// <summary>The rule as it read the names' printed words for every comparison: the spelled-out words, then the three others.</summary>
    private static bool AsReadEachTime(string payer, string customer)
    {
        var (payerWords, payerForm) = NameText.TokensAndForm(payer);
        var customerWords = NameText.Tokens(customer);
        var payerPrinted = NameText.PrintedTokens(payer);
        var customerPrinted = NameText.PrintedTokens(customer);
        var cut = payerForm is null;
        return NameWords.WordReplaced(payerWords, customerWords, cut) && NameWords.WordReplaced(payerPrinted, customerWords, cut)
            && NameWords.WordReplaced(payerWords, customerPrinted, cut) && NameWords.WordReplaced(payerPrinted, customerPrinted, cut);
    }

    [Fact]
    public void Match_StrangerNamedLikeACustomerButForAWord_IsAnExceptionWithTheCustomerSuggested()
    {
        var result = Ledger().Pay("P1", 100_00, payer: "PIONEER TENNESSEE SUPPLY CORP.").Run();
        Assert.Empty(result.AppliedFor("P1"));
        var exception = result.ExceptionFor("P1");
        Assert.NotNull(exception);
        Assert.Contains(exception.Suggestions, s => s.ItemIds.Contains("AR1"));
    }

    [Theory]
    [InlineData("PIONEER TENNESSEE SOL")]
    [InlineData("PIONEERTENNESSEE SOLUTIONS CORP")]
    [InlineData("PIONEER TENNESEE SOLUTIONS")]
    [InlineData("PIONEER TENNESSEE SOLITIO")]
    [InlineData("PIONEER TENN SOLUTIONS")]
    public void Match_TheCustomerAsBanksPrintIt_IsApplied(string payer)
    {
        var result = Ledger().Pay("P1", 100_00, payer: payer).Run();
        Assert.Equal(new SortedDictionary<string, long> { ["AR1"] = 100_00 }, result.AppliedFor("P1"));
    }

    private static MatchingScenario Ledger() => new MatchingScenario()
        .Customer("C1", "Pioneer Tennessee Solutions Corporation")
        .Customer("C2", "Northwind Traders Ltd")
        .Invoice("AR1", "C1", "F-88231", 100_00)
        .Invoice("AR2", "C1", "F-88232", 4_321_99)
        .Invoice("AR3", "C2", "NW-1000001", 9_999_99);
}
