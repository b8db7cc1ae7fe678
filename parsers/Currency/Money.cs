namespace CashApp.Parsers.Currency;

/// <summary>
/// An amount of money in integer minor units of one currency (cents for USD, yen for JPY, fils for BHD).
/// Never a <see cref="double"/>. Arithmetic is checked, and mixing currencies throws, naming both codes.
/// </summary>
public readonly record struct Money(long Minor, CurrencyCode Currency)
{
    /// <summary>Zero in the given currency.</summary>
    public static Money Zero(CurrencyCode currency) => new(0, currency);

    /// <summary>Parses a decimal amount with <c>.</c> as separator (for example <c>1234.50</c>).</summary>
    public static Money Parse(string amount, CurrencyCode currency)
    {
        if (!MinorUnits.TryParse(amount, currency.MinorDigits, out var minor))
        {
            throw new FormatException($"'{amount}' is not an amount in {currency.Code} (a decimal with at most {currency.MinorDigits} decimals).");
        }

        return new Money(minor, currency);
    }

    /// <summary>True when the amount is zero.</summary>
    public bool IsZero => Minor == 0;

    /// <summary>The sum of two amounts in the same currency.</summary>
    public static Money operator +(Money left, Money right)
    {
        SameCurrency(left, right);
        return new Money(checked(left.Minor + right.Minor), left.Currency);
    }

    /// <summary>The difference of two amounts in the same currency.</summary>
    public static Money operator -(Money left, Money right)
    {
        SameCurrency(left, right);
        return new Money(checked(left.Minor - right.Minor), left.Currency);
    }

    /// <summary>The negated amount.</summary>
    public static Money operator -(Money value) => new(checked(-value.Minor), value.Currency);

    /// <summary>Named alternative to <c>+</c>.</summary>
    public static Money Add(Money left, Money right) => left + right;

    /// <summary>Named alternative to binary <c>-</c>.</summary>
    public static Money Subtract(Money left, Money right) => left - right;

    /// <summary>Named alternative to unary <c>-</c>.</summary>
    public static Money Negate(Money value) => -value;

    /// <summary>Formats as a plain decimal with the currency's decimals, for example <c>15000.00</c>.</summary>
    public override string ToString() => MinorUnits.Format(Minor, Currency.MinorDigits);

    private static void SameCurrency(Money left, Money right)
    {
        if (!string.Equals(left.Currency.Code, right.Currency.Code, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot combine {left.Currency.Code} with {right.Currency.Code}.");
        }
    }
}
