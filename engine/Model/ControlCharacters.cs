using System.Buffers;
using System.Globalization;
using System.Text;

namespace CashApp.Engine.Model;

/// <summary>
/// Control characters (<see cref="char.IsControl(char)"/>: C0, DEL, C1) in text from outside: a key (an item's, a
/// customer's, a payment's id) may hold none, whether it comes from a file or from the API, since a CSV file, a terminal
/// and a log line would each read one differently; and a message shows them escaped.
/// </summary>
public static class ControlCharacters
{
    /// <summary>Where the first control character of <paramref name="text"/> is; -1 when none.</summary>
    public static int FirstIn(ReadOnlySpan<char> text) => text.IndexOfAny(Controls);

    /// <summary>
    /// <paramref name="text"/> as a message shows it: each control character (a '\r' in a quoted field, an escape
    /// sequence in a file's name) written as an escape, so that a terminal neither hides it nor is driven by it.
    /// </summary>
    public static string Escaped(string text)
    {
        if (FirstIn(text) < 0)
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => shown.Append("\\r"),
                '\n' => shown.Append("\\n"),
                '\t' => shown.Append("\\t"),
                _ when char.IsControl(c) => shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => shown.Append(c),
            };
        }

        return shown.ToString();
    }

    // Searched as SearchValues: asked of every item's and customer's id, the generic ContainsAnyInRange boxed its two
    // bounds on every call of code not yet compiled at tier 1, 86-167 MB of boxed chars in the 1M-payment day's loads
    // (PERFORMANCE.md, "Session 46").
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        string.Create(65, 0, static (controls, _) =>
        {
            var at = 0;
            for (var c = '\0'; c <= '\u009F'; c++)
            {
                if (char.IsControl(c))
                {
                    controls[at++] = c;
                }
            }
        }));
}
