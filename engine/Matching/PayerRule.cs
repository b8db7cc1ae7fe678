using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CashApp.Engine.Matching;

/// <summary>What a payer rule keys on.</summary>
public enum PayerRuleKind
{
    /// <summary>The payer's bank account (RTN:ACCOUNT or IBAN), normalised as customers.csv accounts are.</summary>
    Account,

    /// <summary>The payer's name as the bank printed it, in compact form (upper case, no punctuation, legal forms dropped).</summary>
    Name,

    /// <summary>An ultimate debtor or payer id the bank gave (ACH originator id).</summary>
    PayerId,
}

/// <summary>Where a payer rule is in its life. Nothing is deleted: a revoked rule stays, with its events.</summary>
public enum PayerRuleState
{
    /// <summary>Learnt, but not yet used: too few agreeing resolutions, or its key is shared.</summary>
    Suggested,

    /// <summary>Identifies the payer, as a known account does.</summary>
    Active,

    /// <summary>Revoked by a person or by a disagreeing resolution; never used until reinstated.</summary>
    Revoked,
}

/// <summary>
/// What CashApp learnt from a specialist's resolution about who pays: an account, a printed name or a payer
/// id that belongs to a customer, with where it came from. An active rule identifies the payer; it never
/// applies cash by itself (the amount or a reference must still prove the items).
/// </summary>
public sealed record PayerRule
{
    /// <summary>The rule's id in the store.</summary>
    public required long RuleId { get; init; }

    /// <summary>What the rule keys on.</summary>
    public required PayerRuleKind Kind { get; init; }

    /// <summary>The account, name or payer id, normalised (see <see cref="KeyOf"/>).</summary>
    public required string Key { get; init; }

    /// <summary>The customer the key identifies.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Suggested, active or revoked.</summary>
    public required PayerRuleState State { get; init; }

    /// <summary>True when the key was seen paying for two unrelated customers: never made active.</summary>
    public bool Shared { get; init; }

    /// <summary>How many resolutions agreed with the rule.</summary>
    public int Agreed { get; init; }

    /// <summary>How many resolutions disagreed (named an unrelated customer for the key).</summary>
    public int Disagreed { get; init; }

    /// <summary>The exception whose resolution made the rule.</summary>
    public long ExceptionId { get; init; }

    /// <summary>Who resolved it.</summary>
    public string ResolvedBy { get; init; } = string.Empty;

    /// <summary>When it was resolved.</summary>
    public DateTimeOffset ResolvedAt { get; init; }

    /// <summary>When the rule last decided a payment's payer in a stored match, if ever.</summary>
    public DateTimeOffset? LastFiredAt { get; init; }

    /// <summary>How many stored payments the rule decided the payer of.</summary>
    public long FiredCount { get; init; }

    /// <summary>When the rule last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Where the rule came from, in the words an explanation uses: "from the resolution of EXC-123 by alice on 2026-12-04".</summary>
    [JsonIgnore]
    public string Provenance => string.Create(CultureInfo.InvariantCulture, $"from the resolution of EXC-{ExceptionId} by {ResolvedBy} on {ResolvedAt.UtcDateTime:yyyy-MM-dd}");

    /// <summary>What an explanation says when the rule identifies the payer, with the marker that names the rule.</summary>
    [JsonIgnore]
    public string Explanation => string.Create(CultureInfo.InvariantCulture, $"payer by learned {KindWord(Kind)} {Key} {Marker(RuleId)}, {Provenance}");

    /// <summary>The normalised key of a raw account, name or payer id, or null when it is too short or empty to be unambiguous.</summary>
    public static string? KeyOf(PayerRuleKind kind, string? raw)
    {
        switch (kind)
        {
            case PayerRuleKind.Account:
                var account = CustomerDirectory.NormalizeAccount(raw);
                // A few digits could be anyone's: only an account long enough to be one payer's is learnt.
                return account is not null && account.Count(char.IsAsciiLetterOrDigit) >= 6 ? account : null;
            case PayerRuleKind.Name:
                var compact = NameText.Compact(raw);
                return compact.Length >= 5 ? compact : null;
            default:
                var id = raw?.Trim().ToUpperInvariant();
                return id is { Length: >= 4 } ? id : null;
        }
    }

    /// <summary>The word a kind is named by in explanations and files: account, name, payer_id.</summary>
    public static string KindWord(PayerRuleKind kind) => kind switch
    {
        PayerRuleKind.Account => "account",
        PayerRuleKind.Name => "name",
        _ => "payer_id",
    };

    /// <summary>The marker an explanation carries for the rule that identified the payer: <c>[rule 17]</c>.</summary>
    public static string Marker(long ruleId) => string.Create(CultureInfo.InvariantCulture, $"[rule {ruleId}]");

    /// <summary>The rules an explanation names by their markers (none for a payer known otherwise).</summary>
    public static IEnumerable<long> FiredIn(string? explanation)
    {
        if (string.IsNullOrEmpty(explanation) || !explanation.Contains("[rule ", StringComparison.Ordinal))
        {
            yield break;
        }

        for (var at = explanation.IndexOf("[rule ", StringComparison.Ordinal); at >= 0; at = explanation.IndexOf("[rule ", at + 1, StringComparison.Ordinal))
        {
            var digits = at + 6;
            var close = explanation.IndexOf(']', digits);
            if (close > digits && long.TryParse(explanation.AsSpan(digits, close - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                yield return id;
            }
        }
    }
}

/// <summary>
/// Reads and writes payer rules as a portable JSON file (what <c>cashapp export --payer-rules</c> writes and
/// <c>cashapp match --payer-rules</c> reads), so a batch run benefits from what a served store learnt.
/// </summary>
public static class PayerRuleFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes the rules, every state, in rule id order.</summary>
    public static void Write(Stream stream, IEnumerable<PayerRule> rules) =>
        JsonSerializer.Serialize(stream, new RuleList([.. rules.OrderBy(r => r.RuleId)]), Options);

    /// <summary>Reads a rules file; a file that is not one fails with its name and what was expected.</summary>
    public static IReadOnlyList<PayerRule> Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var list = JsonSerializer.Deserialize<RuleList>(stream, Options);
            if (list?.Rules is null)
            {
                throw new FormatException($"{path}: expected a JSON object with a \"rules\" array of payer rules.");
            }

            foreach (var (rule, index) in list.Rules.Select((r, i) => (r, i)))
            {
                if (KeyOfOrNull(rule) is null || string.IsNullOrEmpty(rule.CustomerId))
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}: rules[{index}]: expected a key and a customer_id, found key '{rule.Key}' for customer '{rule.CustomerId}'."));
                }
            }

            return list.Rules;
        }
        catch (JsonException ex)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{(ex.LineNumber ?? 0) + 1}: not a payer rules file: {ex.Message}"), ex);
        }
    }

    private static string? KeyOfOrNull(PayerRule rule) => string.IsNullOrWhiteSpace(rule.Key) ? null : rule.Key;

    private sealed record RuleList(IReadOnlyList<PayerRule> Rules);
}
