using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>How references are read into keys and tokens (issue 15): lead words, yearly series, slashes.</summary>
public sealed class ReferenceTextTests
{
    [Theory]
    [InlineData("INV CM-293", "CM293")] // a lead word, then a number with its own prefix
    [InlineData("RE: INV-4521", "INV4521")]
    [InlineData("RECHNUNG NR. RG-2026-0042", "RG20260042")]
    [InlineData("9001234567/2026", "9001234567")] // a fiscal year after the number
    [InlineData("9001234567 2026", "9001234567")]
    [InlineData("00421/2026", "202600421")] // a yearly number, year last: as AR prints it, year first
    [InlineData("INV 00421/2026", "202600421")]
    public void LookupKeys_NumberInsideWhatThePayerWrote_IncludesTheNumbersKey(string reference, string key) =>
        Assert.Contains(key, ReferenceText.LookupKeys(reference));

    [Theory]
    [InlineData("INV 1004567", new[] { "INV1004567", "1004567" })] // digits after a lead word: the core finds them
    [InlineData("INV-1004567-01", new[] { "INV100456701", "100456701", "1004567" })]
    [InlineData("12/2026", new[] { "122026" })] // a month and year, no number in it
    public void LookupKeys_OrdinaryReferences_GiveNoMoreKeysThanBefore(string reference, string[] keys) =>
        Assert.Equal(keys, ReferenceText.LookupKeys(reference));

    [Theory]
    [InlineData("PAID INV/2026/00421 THANKS", new[] { "INV/2026/00421" })]
    [InlineData("00421/2026 AND 9001234567/2026", new[] { "00421/2026", "9001234567/2026" })]
    [InlineData("INV 126161/1026146", new[] { "126161", "1026146" })] // two numbers, not one
    [InlineData("DATED 12/03/2026", new[] { "12", "03", "2026" })] // a date is no yearly number
    [InlineData("2026/12 INV 4711", new[] { "2026", "12", "4711" })]
    [InlineData("CN/2026/0001", new[] { "CN/2026/0001" })]
    public void Tokens_SlashInsideAYearlyNumberOnly_KeepsItOneToken(string text, string[] tokens) =>
        Assert.Equal(tokens, ReferenceText.Tokens(text));

    [Theory]
    [InlineData("INV A-4521", 3)]
    [InlineData("RE: INV-4521", 3)]
    [InlineData("INV 1004567", 3)]
    [InlineData("A-4521", 0)]
    [InlineData("INVOICE", 0)]
    [InlineData("PAYMENT FOR", 7)] // the last word is never a lead word
    public void LeadEnd_WordsWithoutDigitsBeforeTheNumber_AreLeadWords(string reference, int end) =>
        Assert.Equal(end, ReferenceText.LeadEnd(reference));

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void LookupKeys_AReferenceAroundTheStackRoom_GivesTheKeysOfItsNumber(int length)
    {
        // Letters then digits, a line suffix and a year: every kind of key, at the last length read on the stack and past it.
        var reference = "INV " + new string('7', length - 18) + "-01 00421/2026";
        Assert.Equal(length, reference.Length);
        var buffer = new char[ReferenceText.KeyBufferFactor * length];
        var keys = new Range[ReferenceText.MaxLookupKeys];
        var count = ReferenceText.LookupKeys(reference, buffer, keys);
        Assert.True(count >= 3);
        Assert.Equal(keys[..count].Select(key => new string(buffer.AsSpan(key))), ReferenceText.LookupKeys(reference));
    }

    /// <summary>
    /// The keys as strings are the keys written into a caller's buffer, for references of every length: those short enough
    /// for the stack, those just past it, and long ones.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property LookupKeys_AsStrings_AreTheKeysWrittenIntoABuffer() =>
        Prop.ForAll(
            Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements("INV", "-", "/", " ", "2026", "0042", "1004567", "01", "RE:", "CM", "A"), n))
                .Select(string.Concat).ToArbitrary(),
            reference =>
            {
                var buffer = new char[ReferenceText.KeyBufferFactor * reference.Length];
                var keys = new Range[ReferenceText.MaxLookupKeys];
                var count = ReferenceText.LookupKeys(reference, buffer, keys);
                var expected = keys[..count].Select(key => new string(buffer.AsSpan(key))).ToArray();
                return ReferenceText.LookupKeys(reference).SequenceEqual(expected).Label($"'{reference}' ({reference.Length} characters)");
            });
}
