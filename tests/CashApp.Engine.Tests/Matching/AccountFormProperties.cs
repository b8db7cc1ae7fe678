using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// An account's keys, as customers.csv and the bank files give it: the routing number and account without leading zeros
/// (or the IBAN), and the bare account number. Read as spans, they answer what the plain string steps below answer.
/// </summary>
public sealed class AccountFormProperties
{
    // Digits, leading zeros, colons, spaces (also a no-break one), IBAN letters of either case.
    private static readonly Gen<string> Accounts =
        Gen.Choose(0, 7).SelectMany(parts => Gen.ArrayOf(
            Gen.Frequency(
                (4, Gen.Choose(0, 99_999_999).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                (3, Gen.Elements("0", "00", "000")),
                (2, Gen.Constant(":")),
                (2, Gen.Elements(" ", "  ", "\u00A0", "\t")),
                (1, Gen.Elements("DE", "de", "Gb", "x"))),
            parts).Select(string.Concat));

    [Property(MaxTest = 2_000, Replay = "(37,41)")]
    public Property NormalizeAccountAndAccountNumber_AnyText_AnswerAsTheStringSteps() =>
        Prop.ForAll(Accounts.ToArbitrary(), account =>
        {
            var (key, number) = (CustomerDirectory.NormalizeAccount(account), CustomerDirectory.AccountNumber(account));
            var (wantKey, wantNumber) = (KeyByStrings(account), NumberByStrings(account));
            return (key == wantKey && number == wantNumber)
                .Label($"'{account}': key {key ?? "null"} (want {wantKey ?? "null"}), number {number ?? "null"} (want {wantNumber ?? "null"})");
        });

    [Fact]
    public void NormalizeAccountAndAccountNumber_NothingToDrop_AreTheTextItself()
    {
        // Most accounts on file have no space or leading zero to drop: their keys are the text read, not copies of it.
        var account = string.Concat("698337143", ":", "73240472673");
        Assert.Same(account, CustomerDirectory.NormalizeAccount(account));
        var bare = string.Concat("7324", "0472673");
        Assert.Same(bare, CustomerDirectory.AccountNumber(bare));
    }

    [Fact]
    public void NormalizeAccountAndAccountNumber_SpacesZerosOrLowerCase_AreDroppedOrUpperCased()
    {
        Assert.Equal("698337143:73240472673", CustomerDirectory.NormalizeAccount("0698 337143:0073240472673"));
        Assert.Equal("73240472673", CustomerDirectory.AccountNumber("698337143:0073240472673"));
        Assert.Equal("DE89370400440532013000", CustomerDirectory.NormalizeAccount("de89 3704 0044 0532 0130 00"));
        Assert.Null(CustomerDirectory.NormalizeAccount("000:123"));
        Assert.Null(CustomerDirectory.AccountNumber("698337143:12345"));
        Assert.Null(CustomerDirectory.AccountNumber("DE89370400440532013000"));
        Assert.Null(CustomerDirectory.NormalizeAccount("  "));
    }

    // The steps as strings, one after another: upper-cased without spaces, each side of the colon without its leading
    // zeros; the number after the colon (or the whole), trimmed, without leading zeros, six digits or more.
    private static string? KeyByStrings(string account)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return null;
        }

        var text = account.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return text;
        }

        var routing = text[..colon].TrimStart('0');
        var number = text[(colon + 1)..].TrimStart('0');
        return routing.Length == 0 || number.Length == 0 ? null : routing + ":" + number;
    }

    private static string? NumberByStrings(string account)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return null;
        }

        var colon = account.IndexOf(':', StringComparison.Ordinal);
        var number = (colon < 0 ? account : account[(colon + 1)..]).Trim().TrimStart('0');
        return number.Length >= 6 && number.All(char.IsAsciiDigit) ? number : null;
    }
}
