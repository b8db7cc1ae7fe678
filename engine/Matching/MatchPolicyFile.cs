using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CashApp.Engine.Matching;

/// <summary>A policy file that cannot be used: the file, the line, the setting and what was expected.</summary>
public sealed class MatchPolicyException : FormatException
{
    internal MatchPolicyException(string fileName, long lineNumber, string? setting, string expected)
        : base(setting is null ? $"{fileName}:{lineNumber}: {expected}." : $"{fileName}:{lineNumber}: setting '{setting}': {expected}.")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Setting = setting;
    }

    /// <summary>The policy file.</summary>
    public string FileName { get; }

    /// <summary>The 1-based line of the fault.</summary>
    public long LineNumber { get; }

    /// <summary>The setting at fault, or null when the file is not a JSON object.</summary>
    public string? Setting { get; }
}

/// <summary>
/// Reads a <see cref="MatchPolicy"/> from a JSON file: an object of the settings to change, named as the
/// properties are in camel case (<c>{ "minNameScore": 90, "maxBankFeeMinor": 2500 }</c>). Settings not
/// named keep their defaults. Unknown settings, values of the wrong kind and values out of range are
/// refused with the file, line and setting, so that a typo never silently leaves a default in force.
/// </summary>
public static class MatchPolicyFile
{
    private static readonly FrozenSet<string> Notes = new[] { "$schema", "description", "comment" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Setting> Settings = new Dictionary<string, Setting>(StringComparer.Ordinal)
    {
        ["maxCombinationSize"] = Whole(1, 8, (p, v) => p with { MaxCombinationSize = (int)v }),
        ["maxCombinationCandidates"] = Whole(2, SubsetSum.MaxItems, (p, v) => p with { MaxCombinationCandidates = (int)v }),
        ["maxChanceCombinations"] = Fraction((p, v) => p with { MaxChanceCombinations = (double)v }),
        ["maxChanceSingle"] = Fraction((p, v) => p with { MaxChanceSingle = (double)v }),
        ["combinationBudget"] = Whole(1_000, 1_000_000_000, (p, v) => p with { CombinationBudget = (long)v }),
        ["maxBankFeeMinor"] = Whole(0, 1_000_000_000, (p, v) => p with { MaxBankFeeMinor = (long)v }),
        ["maxShortPayShare"] = Fraction((p, v) => p with { MaxShortPayShare = v }),
        ["maxReferenceEdits"] = Whole(0, 2, (p, v) => p with { MaxReferenceEdits = (int)v }),
        ["minNameScore"] = Whole(0, 100, (p, v) => p with { MinNameScore = (int)v }),
        ["minCorroborationScore"] = Whole(0, 100, (p, v) => p with { MinCorroborationScore = (int)v }),
        ["minNameLead"] = Whole(0, 100, (p, v) => p with { MinNameLead = (int)v }),
        ["minAutoConfidence"] = Fraction((p, v) => p with { MinAutoConfidence = (double)v }),
        ["maxSuggestions"] = Whole(0, 50, (p, v) => p with { MaxSuggestions = (int)v }),
        ["rememberResolutions"] = Whole(0, 1, (p, v) => p with { RememberResolutions = v == 1 }),
        ["accountRuleAgreements"] = Whole(1, 100, (p, v) => p with { AccountRuleAgreements = (int)v }),
        ["nameRuleAgreements"] = Whole(1, 100, (p, v) => p with { NameRuleAgreements = (int)v }),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The settings a policy file may hold, in camel case.</summary>
    public static IEnumerable<string> SettingNames => Settings.Keys.Order(StringComparer.Ordinal);

    /// <summary>Reads the policy file at <paramref name="path"/>.</summary>
    public static MatchPolicy Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads a policy from JSON text; <paramref name="source"/> names it in errors.</summary>
    public static MatchPolicy Parse(ReadOnlySpan<byte> json, string source)
    {
        // Editors on Windows often start a UTF-8 file with a byte order mark, which the JSON reader refuses.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new MatchPolicyException(source, 1, null, "expected a JSON object of settings, such as { \"minNameScore\": 90 }, found an empty file");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var policy = MatchPolicy.Default;
        var given = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MatchPolicyException(source, LineOf(json, reader.TokenStartIndex), null, "expected a JSON object of settings, such as { \"minNameScore\": 90 }");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var line = LineOf(json, reader.TokenStartIndex);
                reader.Read();
                if (Notes.Contains(name))
                {
                    reader.Skip();
                    continue;
                }

                if (!Settings.TryGetValue(name, out var setting))
                {
                    throw new MatchPolicyException(source, line, name, $"unknown setting; expected one of {string.Join(", ", SettingNames)}");
                }

                if (!given.TryAdd(name, line))
                {
                    throw new MatchPolicyException(source, line, name, string.Create(CultureInfo.InvariantCulture, $"set twice (first on line {given[name]}); expected each setting once"));
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value) || !setting.Accepts(value))
                {
                    throw new MatchPolicyException(source, line, name, $"expected {setting.Expected}, found {Found(json, ref reader)}");
                }

                policy = setting.Apply(policy, value);
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new MatchPolicyException(source, LineOf(json, reader.TokenStartIndex), null, "expected one JSON object of settings, and nothing after it");
            }

            return policy;
        }
        catch (JsonException ex)
        {
            throw new MatchPolicyException(source, (ex.LineNumber ?? 0) + 1, null, "not valid JSON: " + ex.Message);
        }
    }

    private static Setting Whole(long min, long max, Func<MatchPolicy, decimal, MatchPolicy> apply) =>
        new(v => v == decimal.Truncate(v) && v >= min && v <= max, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"), apply);

    private static Setting Fraction(Func<MatchPolicy, decimal, MatchPolicy> apply) =>
        new(v => v >= 0 && v <= 1, "a number from 0 to 1", apply);

    private static long LineOf(ReadOnlySpan<byte> json, long offset) =>
        json[..(int)Math.Min(offset, json.Length)].Count((byte)'\n') + 1;

    private static string Found(ReadOnlySpan<byte> json, ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)Math.Min(json.Length, reader.BytesConsumed);
        var text = Encoding.UTF8.GetString(json[start..end]).Trim();
        return text.Length > 40 ? text[..40] + "..." : text;
    }

    private sealed record Setting(Func<decimal, bool> Accepts, string Expected, Func<MatchPolicy, decimal, MatchPolicy> Apply);
}
