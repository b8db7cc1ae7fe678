using System.Globalization;
using AnyAscii;
using CashApp.Engine.Matching;
using FuzzySharp;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// How the whole-word rule (<see cref="NameWords"/>) reads payer names: each customer name is printed the ways banks and
/// payers print names (cut at a field's width, abbreviated, a letter dropped, doubled or changed, two swapped, words run
/// together or split, a word left out, the plural), and once with one word swapped for another customer's word. For each
/// way it counts the variants that score high enough against the name to matter (a compact ratio of 85 or more, or the
/// name's start) and, of those, the ones the rule says differ by a word: for the spellings that is what the rule costs
/// (the name no longer identifies its customer), for the swapped word what it catches.
/// Run: <c>dotnet run -c Release --project benchmarks -- name-spellings [NAMES ...]</c>, NAMES a file of names, one a
/// line, or a customers.csv (its <c>name</c> column); by default the real company names beside this file.
/// Same files, same figures: the variants come from a seeded random.
/// </summary>
internal static class NameSpellings
{
    private const int Examples = 4;

    /// <summary>Abbreviations as banks and payers print them, more than <see cref="NameText"/> spells out.</summary>
    private static readonly Dictionary<string, string[]> Short = new(StringComparer.Ordinal)
    {
        ["ASSOCIATES"] = ["ASSOC", "ASSOCS"], ["BROTHERS"] = ["BROS"], ["DEPARTMENT"] = ["DEPT"], ["DEVELOPMENT"] = ["DEV", "DEVEL"],
        ["DISTRIBUTION"] = ["DIST", "DISTRIB"], ["DISTRIBUTORS"] = ["DISTRS", "DISTRIB"], ["ENTERPRISES"] = ["ENT", "ENTPR", "ENTERPRISE"],
        ["ENVIRONMENTAL"] = ["ENVIRO", "ENVTL"], ["EQUIPMENT"] = ["EQUIP", "EQPT"], ["FINANCIAL"] = ["FINL", "FIN"], ["GOVERNMENT"] = ["GOVT"],
        ["HEALTHCARE"] = ["HLTHCARE", "HLTHCR"], ["HEALTH"] = ["HLTH"], ["HOSPITAL"] = ["HOSP"], ["INDUSTRIAL"] = ["INDL", "INDUST"],
        ["INSURANCE"] = ["INS", "INSUR"], ["INTERNATIONAL"] = ["INTL", "INTERNATL"], ["LABORATORIES"] = ["LABS", "LAB"],
        ["MANAGEMENT"] = ["MGMT", "MGT"], ["MANUFACTURING"] = ["MFG", "MANUF"], ["MEDICAL"] = ["MED"], ["NATIONAL"] = ["NATL"],
        ["PACKAGING"] = ["PKG", "PKGING"], ["PARTNERS"] = ["PTNRS", "PARTNER"], ["PHARMACEUTICALS"] = ["PHARMA", "PHARM"],
        ["PRODUCTS"] = ["PRODS", "PROD"], ["PROPERTIES"] = ["PROP", "PROPS"], ["RESOURCES"] = ["RES", "RESRCS"],
        ["SERVICES"] = ["SVCS", "SERV", "SVC"], ["SOLUTIONS"] = ["SOLNS", "SOL"], ["SUPPLY"] = ["SUP", "SPLY"], ["SYSTEMS"] = ["SYS", "SYST"],
        ["TECHNOLOGIES"] = ["TECH", "TECHS", "TECHNOLOGY"], ["TRANSPORTATION"] = ["TRANS", "TRANSP"], ["MOTORS"] = ["MTRS"],
        ["MATERIALS"] = ["MATLS", "MTLS"], ["CHEMICALS"] = ["CHEM"], ["ELECTRONICS"] = ["ELEC", "ELECTR"], ["LOGISTICS"] = ["LOGIST", "LOG"],
        ["MOUNTAIN"] = ["MTN"], ["SAINT"] = ["ST"], ["FORT"] = ["FT"], ["CENTER"] = ["CTR", "CNTR", "CENTRE"], ["BUILDERS"] = ["BLDRS"],
        ["HOLDINGS"] = ["HLDGS", "HLDG"], ["GROUP"] = ["GRP"], ["AMERICA"] = ["AMER"], ["AMERICAN"] = ["AMER"], ["COMPANY"] = ["CO"],
        ["CORPORATION"] = ["CORP"], ["INCORPORATED"] = ["INC"], ["LIMITED"] = ["LTD"], ["UNIVERSITY"] = ["UNIV"],
        ["COMMUNICATIONS"] = ["COMM", "COMMS"], ["CONSTRUCTION"] = ["CONSTR", "CONST"], ["ENGINEERING"] = ["ENGR", "ENG"],
        ["FOODS"] = ["FDS"], ["FREIGHT"] = ["FRT"], ["INDUSTRIES"] = ["IND", "INDS"], ["PRECISION"] = ["PREC"], ["ASSOCIATION"] = ["ASSN"],
        ["COOPERATIVE"] = ["COOP"], ["MARKETING"] = ["MKTG"], ["BUILDING"] = ["BLDG"], ["ELECTRIC"] = ["ELEC"], ["MACHINERY"] = ["MACH"],
        ["GENERAL"] = ["GEN", "GENL"], ["CONSOLIDATED"] = ["CONSOL"], ["PLASTICS"] = ["PLAS"],
    };

    public static int Run(string[] args)
    {
        var files = args.Length > 0 ? args : [Path.Combine(AppContext.BaseDirectory, "Matching", "company-names.txt")];
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            Console.Error.WriteLine($"name-spellings: {missing}: no such file; expected a file of names, one a line, or a customers.csv");
            return 2;
        }

        var names = files.SelectMany(Read).Where(n => NameText.Tokens(n).Length > 0).ToList();
        var random = new Random(7);
        var others = names.SelectMany(Words).Where(w => w.Length >= 4 && w.All(char.IsAsciiLetter)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var ways = Ways(random, others);
        var counts = ways.Keys.ToDictionary(k => k, _ => (Variants: 0, High: 0, Differ: 0, Shown: new List<string>()));
        foreach (var name in names)
        {
            var compact = string.Concat(NameText.Tokens(name));
            foreach (var (way, print) in ways)
            {
                if (print(name) is not { } printed || string.Concat(NameText.Tokens(printed)) is not { Length: > 0 } printedCompact || printedCompact == compact)
                {
                    continue;
                }

                var count = counts[way];
                count.Variants++;
                if (Fuzz.Ratio(printedCompact, compact) >= 85 || (printedCompact.Length >= 5 && compact.StartsWith(printedCompact, StringComparison.Ordinal)))
                {
                    count.High++;
                    if (NameWords.WordReplaced(printed, name))
                    {
                        count.Differ++;
                        if (count.Shown.Count < Examples)
                        {
                            count.Shown.Add($"`{printed}` ~ `{name}`");
                        }
                    }
                }

                counts[way] = count;
            }
        }

        Console.WriteLine($"{names.Count:N0} names from {string.Join(", ", files.Select(Path.GetFileName))}");
        Console.WriteLine();
        Console.WriteLine("| printed | variants | scored 85+ or a start | said to differ by a word | share | e.g. |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var (way, count) in counts)
        {
            var share = count.High == 0 ? 0 : 100.0 * count.Differ / count.High;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {way} | {count.Variants:N0} | {count.High:N0} | {count.Differ:N0} | {share:F2} % | {string.Join("; ", count.Shown)} |"));
        }

        return 0;
    }

    /// <summary>Names from a file: a customers.csv's name column, or one name a line.</summary>
    private static IEnumerable<string> Read(string file)
    {
        var lines = File.ReadLines(file).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0 || !lines[0].StartsWith("customer_id,", StringComparison.Ordinal))
        {
            return lines;
        }

        using var reader = Sylvan.Data.Csv.CsvDataReader.Create(file);
        var column = reader.GetOrdinal("name");
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(column));
        }

        return names;
    }

    /// <summary>The name's words as a bank prints them: in ASCII capitals, punctuation gone.</summary>
    private static string[] Words(string name) =>
        new string([.. name.Transliterate().ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '&' ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Printed(string name) => string.Join(' ', Words(name));

    private static string? Cut(string text, int width) => text.Length > width ? text[..width] : null;

    /// <summary>Each way of printing a name, by its label; null where the way does not apply to the name.</summary>
    private static Dictionary<string, Func<string, string?>> Ways(Random random, string[] others) => new()
    {
        ["cut at 16"] = n => Cut(Printed(n), 16),
        ["cut at 22"] = n => Cut(Printed(n), 22),
        ["cut at 35"] = n => Cut(Printed(n), 35),
        ["abbreviated"] = n => Abbreviated(n, random),
        ["abbreviated, cut at 16"] = n => Abbreviated(n, random) is { } a ? Cut(a, 16) ?? a : null,
        ["a letter dropped"] = n => Slip(Printed(n), random, (s, i) => s.Remove(i, 1)),
        ["a letter doubled"] = n => Slip(Printed(n), random, (s, i) => s.Insert(i, s[i].ToString())),
        ["a letter changed"] = n => Slip(Printed(n), random, (s, i) => s[..i] + (char)('A' + random.Next(26)) + s[(i + 1)..]),
        ["two letters swapped"] = n => Slip(Printed(n), random, (s, i) => i + 1 < s.Length && char.IsAsciiLetter(s[i + 1]) && s[i] != s[i + 1] ? s[..i] + s[i + 1] + s[i] + s[(i + 2)..] : null),
        ["a letter dropped, cut at 16"] = n => Slip(Printed(n), random, (s, i) => s.Remove(i, 1)) is { } d ? Cut(d, 16) ?? d : null,
        ["two words run together"] = n => Joined(Printed(n), random),
        ["run together, a letter changed"] = n => Joined(Printed(n), random) is { } j ? Slip(j, random, (s, i) => s[..i] + (char)('A' + random.Next(26)) + s[(i + 1)..]) : null,
        ["a word split"] = n => Split(Words(n), random),
        ["& and AND"] = n => Printed(n) is var p && p.Contains(" & ", StringComparison.Ordinal) ? p.Replace(" & ", " AND ", StringComparison.Ordinal)
            : p.Contains(" AND ", StringComparison.Ordinal) ? p.Replace(" AND ", " & ", StringComparison.Ordinal) : null,
        ["a word left out"] = n => Words(n) is { Length: >= 3 } w ? string.Join(' ', w.Where((_, i) => i != 1 + random.Next(w.Length - 2))) : null,
        ["singular or plural"] = n => Plural(Words(n), random),
        ["**a word swapped for another**"] = n => Swapped(Words(n), random, others),
    };

    private static string? Abbreviated(string name, Random random)
    {
        var words = Words(name);
        var any = false;
        for (var i = 0; i < words.Length; i++)
        {
            if (Short.TryGetValue(words[i], out var forms) && random.Next(3) > 0)
            {
                words[i] = forms[random.Next(forms.Length)];
                any = true;
            }
        }

        return any ? string.Join(' ', words) : null;
    }

    private static string? Slip(string text, Random random, Func<string, int, string?> slip)
    {
        var at = random.Next(text.Length);
        return char.IsAsciiLetter(text[at]) ? slip(text, at) : null;
    }

    private static string? Joined(string text, Random random)
    {
        var space = text.IndexOf(' ', random.Next(text.Length));
        return space < 0 ? null : text.Remove(space, 1);
    }

    private static string? Split(string[] words, Random random)
    {
        var at = random.Next(words.Length);
        if (words[at].Length < 7)
        {
            return null;
        }

        var split = 3 + random.Next(words[at].Length - 5);
        words[at] = words[at][..split] + " " + words[at][split..];
        return string.Join(' ', words);
    }

    private static string? Plural(string[] words, Random random)
    {
        var at = random.Next(words.Length);
        var word = words[at];
        if (word.Length < 4 || !word.All(char.IsAsciiLetter))
        {
            return null;
        }

        words[at] = word.EndsWith('S') ? word[..^1] : word.EndsWith('Y') ? word[..^1] + "IES" : word + "S";
        return string.Join(' ', words);
    }

    private static string? Swapped(string[] words, Random random, string[] others)
    {
        var at = random.Next(words.Length);
        var other = others[random.Next(others.Length)];
        if (other == words[at])
        {
            return null;
        }

        words[at] = other;
        return string.Join(' ', words);
    }
}
