using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>A match result as text, every field a property compares two paths by: applications, then exceptions and their suggestions.</summary>
internal static class MatchRendering
{
    public static string Whole(MatchResult result) =>
        string.Join('\n', result.Applications.Select(a => $"{a.PaymentRef} {a.ItemId} {a.Amount} {a.Method} {a.Confidence.Value} {a.Explanation}"))
        + "\n--\n"
        + string.Join('\n', result.Exceptions.Select(e => $"{e.PaymentRef} {e.Unapplied} {e.Reason} {e.Detail} {string.Join(';', e.Suggestions.Select(s => $"{string.Join('+', s.ItemIds)} {s.Score.Value} {s.Why}"))}"));
}
