using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CashApp.Parsers.Common;

/// <summary>
/// The identity key of a credit: what makes it the same payment when a bank sends it again, in a re-sent day
/// with a new <c>01</c> header, in an intraday BAI2 and then the end-of-day file, or in a camt.053 and a camt.054.
/// Built from the bank's own data only, never from the file's header, its line numbers or its name:
/// <list type="bullet">
/// <item>BAI2: account, bank reference, type code, currency and amount, as-of date;</item>
/// <item>camt: account, account servicer reference (else end-to-end id), currency and amount, booking date;</item>
/// <item>lockbox: lockbox, deposit date, batch and item, currency and amount;</item>
/// <item>the match API: the caller's payment reference, currency and amount.</item>
/// </list>
/// Where the bank gives no reference, the fields alone, and the credit's ordinal among the credits of the file
/// whose fields are all equal tells identical transactions apart: two equal credits are two payments, and a file
/// that repeats them is still recognised. Every key carries that ordinal (<c>#1</c>, <c>#2</c>, ...), and whether
/// the credit is a payment to apply: a pending entry does not hide its later booking.
/// </summary>
public static class PaymentIdentity
{
    /// <summary>The longest key kept readable; a longer one is replaced by its SHA-256.</summary>
    public const int MaxReadableLength = 160;

    /// <summary>
    /// The identity keys of the credits of one file, in order. <paramref name="credits"/> must be all the credits of
    /// the file, in file order: ordinals count among them.
    /// </summary>
    public static string[] Keys(IReadOnlyList<BankTransaction> credits)
    {
        ArgumentNullException.ThrowIfNull(credits);
        var keys = new string[credits.Count];
        var counter = new Counter();
        for (var i = 0; i < credits.Count; i++)
        {
            keys[i] = counter.Next(credits[i]);
        }

        return keys;
    }

    /// <summary>
    /// The identity keys of a file's credits one at a time, for a caller that streams the file: give it every credit
    /// of the file, in file order, and it answers what <see cref="Keys"/> would. It keeps 16 bytes of hash and a count
    /// per distinct field list, not the credits.
    /// </summary>
    public sealed class Counter
    {
        private readonly Dictionary<UInt128, int> _seen = [];

        /// <summary>The key of the next credit of the file.</summary>
        public string Next(BankTransaction credit)
        {
            ArgumentNullException.ThrowIfNull(credit);
            var fields = Fields(credit);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(Encoding.UTF8.GetBytes(fields), hash);
            var id = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
            var ordinal = _seen.TryGetValue(id, out var before) ? before + 1 : 1;
            _seen[id] = ordinal;
            var key = string.Create(CultureInfo.InvariantCulture, $"{fields}#{ordinal}");
            if (key.Length > MaxReadableLength)
            {
                var family = fields[..fields.IndexOf('|', StringComparison.Ordinal)];
                key = string.Create(CultureInfo.InvariantCulture, $"{family}|sha256:{Convert.ToHexStringLower(hash)}#{ordinal}");
            }

            return key;
        }
    }

    /// <summary>
    /// True when the key of <paramref name="credit"/> reads its <see cref="BankTransaction.Extra"/>: a BAI2 credit
    /// without a bank reference, keyed by its customer reference. Every other key is the same with an empty
    /// <c>Extra</c> (<see cref="BankFileReadOptions.KeepExtra"/>).
    /// </summary>
    public static bool ReadsExtra(BankTransaction credit)
    {
        ArgumentNullException.ThrowIfNull(credit);
        return Family(credit.Format) == "bai2" && credit.BankReference is null;
    }

    /// <summary>The family of formats whose keys can meet: camt.053 and camt.054, fixed-width and CSV lockbox.</summary>
    public static string Family(BankFileFormat format) => format switch
    {
        BankFileFormat.Bai2 => "bai2",
        BankFileFormat.Camt053 or BankFileFormat.Camt054 => "camt",
        BankFileFormat.Lockbox or BankFileFormat.LockboxCsv => "lockbox",
        _ => "api",
    };

    /// <summary>The key's fields, each escaped, joined by <c>|</c>; without the ordinal.</summary>
    private static string Fields(BankTransaction t)
    {
        var family = Family(t.Format);
        var text = new StringBuilder(96).Append(family);
        switch (family)
        {
            case "bai2":
                // A bank that leaves the bank reference blank may give a customer reference: keep it apart, so
                // that it never meets a bank reference of the same text.
                Field(text, t.Account);
                Field(text, t.BankReference is { } bankRef ? "b:" + bankRef : t.Extra.TryGetValue("customer_ref", out var customer) ? "c:" + customer : null);
                Field(text, t.TypeCode);
                break;
            case "camt":
            case "lockbox":
                Field(text, t.Account);
                Field(text, t.BankReference);
                break;
            default:
                Field(text, t.PaymentRef);
                break;
        }

        Field(text, t.Currency);
        Field(text, t.AmountMinor.ToString(CultureInfo.InvariantCulture));
        Field(text, t.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Field(text, t.IsPayment ? "pay" : "info");
        return text.ToString();
    }

    private static void Field(StringBuilder text, string? value)
    {
        text.Append('|');
        foreach (var c in value ?? string.Empty)
        {
            // Escape the separators so that no two field lists give one key.
            if (c is '|' or '\\' or '#')
            {
                text.Append('\\');
            }

            text.Append(c);
        }
    }
}
