using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>Where the evidence for a decision came from.</summary>
internal enum EvidenceSource
{
    /// <summary>References quoted on structured remittance lines (EDI RMR, camt Strd, lockbox invoice lines).</summary>
    Lines,

    /// <summary>References quoted in free text only.</summary>
    Text,

    /// <summary>The payer found by an account on file (routing and account, IBAN).</summary>
    Account,

    /// <summary>The payer found by a bare account number, without its routing number or IBAN.</summary>
    BareAccount,

    /// <summary>The payer found by name.</summary>
    Name,

    /// <summary>The payer found by a learned payer rule.</summary>
    Rule,
}

/// <summary>How the applied lines relate to what was quoted and to the payment.</summary>
internal enum EvidenceShape
{
    /// <summary>Every item applied in full, every item quoted (or found by payer and amount), nothing left.</summary>
    Full,

    /// <summary>An item applied for less than it has open: a short payment, a bank fee, amounts as remitted.</summary>
    Partial,

    /// <summary>An item the payer did not quote is applied too: a netted credit memo, the rest's item or combination.</summary>
    Unquoted,

    /// <summary>Part of the payment goes on account.</summary>
    Rest,
}

/// <summary>
/// The evidence a decision to apply rests on, in the coarse classes the calibration counts by: the method, the
/// rule that decided (its confidence, in hundredths: each rule states a fixed one), where the evidence came from,
/// how many items were applied, and the decision's shape.
/// </summary>
internal readonly record struct Evidence(MatchMethod Method, int Rule, EvidenceSource Source, int Size, EvidenceShape Shape)
{
    /// <summary>Upper bounds of the size classes: 1 item, 2-3, 4-9, 10 and more.</summary>
    private static readonly int[] SizeBounds = [1, 3, 9];
    private static readonly string[] SizeNames = ["1", "2-3", "4-9", "10+"];

    /// <summary>The evidence of a decision that applies <paramref name="items"/> items under a rule of confidence <paramref name="raw"/>.</summary>
    public static Evidence Of(MatchMethod method, double raw, EvidenceSource source, int items, EvidenceShape shape)
    {
        var size = 0;
        while (size < SizeBounds.Length && items > SizeBounds[size])
        {
            size++;
        }

        return new Evidence(method, (int)Math.Round(raw * 100, MidpointRounding.AwayFromZero), source, size, shape);
    }

    /// <summary>The rule's key: <c>ExactReference|0.99</c>.</summary>
    public string Level => string.Create(CultureInfo.InvariantCulture, $"{Method}|{Rule / 100.0:0.00}");

    /// <summary>The whole class: <c>ExactReference|0.99|Lines|2-3|Full</c>.</summary>
    public string Key => $"{Level}|{Source}|{SizeNames[Size]}|{Shape}";

    /// <summary>Reads a <see cref="Key"/> back.</summary>
    public static Evidence Parse(string key)
    {
        var parts = key.Split('|');
        if (parts.Length != 5 || !Enum.TryParse<MatchMethod>(parts[0], out var method) || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var raw)
            || !Enum.TryParse<EvidenceSource>(parts[2], out var source) || Array.IndexOf(SizeNames, parts[3]) is var size && size < 0 || !Enum.TryParse<EvidenceShape>(parts[4], out var shape))
        {
            throw new FormatException($"evidence class '{key}': expected METHOD|0.NN|SOURCE|SIZE|SHAPE");
        }

        return new Evidence(method, (int)Math.Round(raw * 100, MidpointRounding.AwayFromZero), source, size, shape);
    }

    /// <summary>The class as one number, for the look-up on the hot path.</summary>
    internal int Packed => ((int)Method << 20) | (Rule << 12) | ((int)Source << 8) | (Size << 4) | (int)Shape;

    /// <summary>The rule alone as one number (no source, size or shape).</summary>
    internal int PackedLevel => ((int)Method << 20) | (Rule << 12) | 0xFFF;
}

/// <summary>
/// Turns the evidence of a decision into the probability that its application is right, learnt from generated
/// days with their true answers (the table in <c>ConfidenceCalibration.json</c>, refitted by
/// <c>dotnet run -c Release --project benchmarks -- calibrate</c>).
/// </summary>
/// <remarks>
/// The model is a table, read from the top down. Every decision falls in a class (<see cref="Evidence.Key"/>); its
/// probability is the share of right applications in that class on the fitting days, shrunk towards its rule's
/// probability by <see cref="Strength"/> pseudo-observations; the rule's is shrunk the same way towards its
/// method's, and the method's towards all decisions', which start from a prior of
/// <see cref="PriorRight"/> right in <see cref="PriorRight"/> + <see cref="PriorWrong"/>. So a class seen five
/// times, right five times, says little more than its rule does, and nothing claims 1: the table is cut to three
/// decimals, at most 0.999. The rules are not ordered by their stated confidences (those were guesses, which is
/// why there is a table), but where an order is evidence's own it is kept: among decisions alike but for how the
/// payer was found, an account on file is never calibrated below a bare account number, nor that below a name
/// (pool adjacent violators). A class the fitting days never met takes its rule's probability, a rule they never
/// met its method's.
/// </remarks>
internal sealed class ConfidenceCalibration
{
    /// <summary>Version of the table's format.</summary>
    public const int FormatVersion = 1;

    /// <summary>The highest probability the table states: three decimals, short of certainty.</summary>
    public const double Ceiling = 0.999;

    private readonly Dictionary<int, double> _byClass = [];
    private readonly Dictionary<int, double> _byLevel = [];
    private readonly Dictionary<MatchMethod, double> _byMethod = [];

    private ConfidenceCalibration(string fittedOn, double strength, double priorRight, double priorWrong)
    {
        FittedOn = fittedOn;
        Strength = strength;
        PriorRight = priorRight;
        PriorWrong = priorWrong;
    }

    /// <summary>The committed table, embedded in the engine.</summary>
    public static ConfidenceCalibration Default { get; } = Load();

    /// <summary>What the table was fitted on, in words.</summary>
    public string FittedOn { get; }

    /// <summary>Pseudo-observations a class borrows from its parent (rule, method, all).</summary>
    public double Strength { get; }

    /// <summary>Prior right decisions, before any day is seen.</summary>
    public double PriorRight { get; }

    /// <summary>Prior wrong decisions, before any day is seen.</summary>
    public double PriorWrong { get; }

    /// <summary>The probability that a decision of all decisions is right.</summary>
    public double Overall { get; private set; }

    /// <summary>Every class of the fitting days with its counts and probability, in key order.</summary>
    public IReadOnlyList<Cell> Classes { get; private set; } = [];

    /// <summary>Every rule with its counts and probability, in key order.</summary>
    public IReadOnlyList<Cell> Levels { get; private set; } = [];

    /// <summary>Every method with its counts and probability.</summary>
    public IReadOnlyList<Cell> Methods { get; private set; } = [];

    /// <summary>A row of the table.</summary>
    public sealed record Cell(string Key, int Decisions, int Right, double Probability);

    /// <summary>The probability that a decision on this evidence is right, in [0, <see cref="Ceiling"/>].</summary>
    public double Probability(in Evidence evidence) =>
        _byClass.TryGetValue(evidence.Packed, out var p) ? p
        : _byLevel.TryGetValue(evidence.PackedLevel, out p) ? p
        : _byMethod.TryGetValue(evidence.Method, out p) ? p
        : Overall;

    /// <summary>Fits the table to counts of decisions per class and how many of them were right.</summary>
    public static ConfidenceCalibration Fit(IEnumerable<(Evidence Evidence, int Decisions, int Right)> counts, string fittedOn, double strength = 20, double priorRight = 9, double priorWrong = 1)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfNegative(strength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priorRight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priorWrong);
        var byClass = new SortedDictionary<string, (Evidence Evidence, int N, int Right)>(StringComparer.Ordinal);
        foreach (var (evidence, n, right) in counts)
        {
            if (n < 0 || right < 0 || right > n)
            {
                throw new ArgumentException($"class {evidence.Key}: {right} right of {n} decisions", nameof(counts));
            }

            var before = byClass.GetValueOrDefault(evidence.Key, (Evidence: evidence, N: 0, Right: 0));
            byClass[evidence.Key] = (evidence, checked(before.N + n), checked(before.Right + right));
        }

        var table = new ConfidenceCalibration(fittedOn, strength, priorRight, priorWrong);
        var allN = byClass.Values.Sum(c => c.N);
        var allRight = byClass.Values.Sum(c => c.Right);
        table.Overall = Cut((allRight + priorRight) / (allN + priorRight + priorWrong));

        var methods = new List<Cell>();
        var levels = new List<Cell>();
        foreach (var method in byClass.Values.GroupBy(c => c.Evidence.Method).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            var (mn, mr) = (method.Sum(c => c.N), method.Sum(c => c.Right));
            var pm = Shrink(mr, mn, table.Overall, strength);
            methods.Add(new Cell(method.Key.ToString(), mn, mr, pm));
            table._byMethod[method.Key] = pm;

            foreach (var rule in method.GroupBy(c => c.Evidence.Rule).OrderBy(g => g.Key))
            {
                var (n, right) = (rule.Sum(c => c.N), rule.Sum(c => c.Right));
                var p = Shrink(right, n, pm, strength);
                var sample = rule.First().Evidence;
                levels.Add(new Cell(sample.Level, n, right, p));
                table._byLevel[sample.PackedLevel] = p;
            }
        }

        // Each class shrunk towards its rule; then, among classes alike but for how the payer was found, pooled
        // where a stronger way (a name, then a bare account number, then an account on file) came out below a weaker.
        var fitted = byClass.Values.ToDictionary(c => c.Evidence, c => Shrink(c.Right, c.N, table._byLevel[c.Evidence.PackedLevel], strength));
        foreach (var alike in byClass.Values.Where(c => PayerStrength(c.Evidence.Source) >= 0)
                     .GroupBy(c => c.Evidence with { Source = EvidenceSource.Name }))
        {
            var ordered = alike.OrderBy(c => PayerStrength(c.Evidence.Source)).ToList();
            var pooled = PoolAdjacentViolators([.. ordered.Select(c => (fitted[c.Evidence], c.N + strength))]);
            for (var i = 0; i < ordered.Count; i++)
            {
                fitted[ordered[i].Evidence] = Cut(pooled[i]);
            }
        }

        var classes = new List<Cell>();
        foreach (var (key, (evidence, n, right)) in byClass)
        {
            classes.Add(new Cell(key, n, right, fitted[evidence]));
            table._byClass[evidence.Packed] = fitted[evidence];
        }

        table.Methods = methods;
        table.Levels = [.. levels.OrderBy(l => l.Key, StringComparer.Ordinal)];
        table.Classes = classes;
        return table;
    }

    /// <summary>The order in which ways of finding the payer prove more: a name, a bare account number, an account on file; -1 for the rest.</summary>
    internal static int PayerStrength(EvidenceSource source) => source switch
    {
        EvidenceSource.Name => 0,
        EvidenceSource.BareAccount => 1,
        EvidenceSource.Account => 2,
        _ => -1,
    };

    /// <summary>Refits the table from its own counts: what a committed table must reproduce.</summary>
    public ConfidenceCalibration Refit() =>
        Fit(Classes.Select(c => (Evidence.Parse(c.Key), c.Decisions, c.Right)), FittedOn, Strength, PriorRight, PriorWrong);

    /// <summary>The share right among <paramref name="n"/> with <paramref name="strength"/> pseudo-observations at <paramref name="prior"/>, cut to the table's decimals.</summary>
    private static double Shrink(int right, int n, double prior, double strength) => Cut((right + (strength * prior)) / (n + strength));

    /// <summary>Three decimals, rounded down, at most <see cref="Ceiling"/>: a table never claims more than it saw.</summary>
    private static double Cut(double p) => Math.Min(Ceiling, Math.Floor((p * 1000) + 1e-9) / 1000);

    /// <summary>The weighted isotonic (non-decreasing) fit of the values, in their order.</summary>
    internal static double[] PoolAdjacentViolators(IReadOnlyList<(double Value, double Weight)> points)
    {
        var blocks = new List<(double Sum, double Weight, int Count)>();
        foreach (var (value, weight) in points)
        {
            blocks.Add((value * weight, weight, 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Weight > blocks[^1].Sum / blocks[^1].Weight)
            {
                var (a, b) = (blocks[^2], blocks[^1]);
                blocks.RemoveAt(blocks.Count - 1);
                blocks[^1] = (a.Sum + b.Sum, a.Weight + b.Weight, a.Count + b.Count);
            }
        }

        var fitted = new double[points.Count];
        var at = 0;
        foreach (var (sum, weight, count) in blocks)
        {
            for (var i = 0; i < count; i++)
            {
                fitted[at++] = sum / weight;
            }
        }

        return fitted;
    }

    /// <summary>The table as the JSON committed in the engine.</summary>
    public string ToJson()
    {
        static JsonArray Rows(IEnumerable<Cell> cells) =>
            [.. cells.Select(c => (JsonNode)new JsonObject { ["key"] = c.Key, ["decisions"] = c.Decisions, ["right"] = c.Right, ["probability"] = c.Probability })];

        var root = new JsonObject
        {
            ["version"] = FormatVersion,
            ["fittedOn"] = FittedOn,
            ["strength"] = Strength,
            ["priorRight"] = PriorRight,
            ["priorWrong"] = PriorWrong,
            ["overall"] = Overall,
            ["methods"] = Rows(Methods),
            ["rules"] = Rows(Levels),
            ["classes"] = Rows(Classes),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Reads a table written by <see cref="ToJson"/>; its probabilities are taken as written.</summary>
    public static ConfidenceCalibration FromJson(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("calibration table: expected a JSON object");
        var version = (int?)root["version"];
        if (version != FormatVersion)
        {
            throw new FormatException($"calibration table: version {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {FormatVersion}");
        }

        var table = new ConfidenceCalibration((string?)root["fittedOn"] ?? "", Number(root, "strength"), Number(root, "priorRight"), Number(root, "priorWrong"))
        {
            Overall = Number(root, "overall"),
        };
        List<Cell> Read(string name) =>
            [.. (root[name]?.AsArray() ?? throw new FormatException($"calibration table: '{name}' missing"))
                .Select(n => new Cell((string)n!["key"]!, (int)n["decisions"]!, (int)n["right"]!, Probability((double)n["probability"]!)))];
        table.Methods = Read("methods");
        table.Levels = Read("rules");
        table.Classes = Read("classes");
        foreach (var m in table.Methods)
        {
            table._byMethod[Enum.Parse<MatchMethod>(m.Key)] = m.Probability;
        }

        foreach (var l in table.Levels)
        {
            table._byLevel[Evidence.Parse(l.Key + "|Lines|1|Full").PackedLevel] = l.Probability;
        }

        foreach (var c in table.Classes)
        {
            table._byClass[Evidence.Parse(c.Key).Packed] = c.Probability;
        }

        return table;
    }

    private static double Number(JsonObject root, string name) => (double?)root[name] ?? throw new FormatException($"calibration table: '{name}' missing");

    private static double Probability(double p) => p is >= 0 and <= Ceiling ? p : throw new FormatException($"calibration table: probability {p.ToString(CultureInfo.InvariantCulture)} outside [0, {Ceiling.ToString(CultureInfo.InvariantCulture)}]");

    private static ConfidenceCalibration Load()
    {
        using var stream = typeof(ConfidenceCalibration).Assembly.GetManifestResourceStream("CashApp.Engine.Matching.ConfidenceCalibration.json")
            ?? throw new InvalidOperationException("the engine carries no calibration table (ConfidenceCalibration.json)");
        using var reader = new StreamReader(stream);
        return FromJson(reader.ReadToEnd());
    }
}
