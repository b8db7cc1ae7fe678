using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CashApp.Grpc.Security;

/// <summary>Who is calling: the key's role and a stable, non-secret name for the audit trail.</summary>
/// <param name="Name">For example <c>specialist:3fa2b9c1d0e4</c>: the role and the first 12 hex digits of the key's hash.</param>
/// <param name="Role">The key's role.</param>
internal sealed record Caller(string Name, Role Role)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A bad line in an API key file.</summary>
internal sealed class ApiKeyFileException : Exception
{
    public ApiKeyFileException(string message)
        : base(message)
    {
    }

    public ApiKeyFileException()
    {
    }

    public ApiKeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The API keys a server accepts. The file holds one key per line as <c>SHA256-HEX ROLE</c>; <c>#</c>
/// starts a comment. Keys themselves are never stored: a presented key is hashed and compared with every
/// stored hash in constant time.
/// </summary>
internal sealed class ApiKeyRing
{
    /// <summary>What every generated key starts with, so that a leaked key is easy to recognise.</summary>
    public const string KeyPrefix = "cak_";

    private readonly (byte[] Hash, Caller Caller)[] _keys;

    public ApiKeyRing(IEnumerable<(byte[] Hash, Role Role)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys.Select(k => (k.Hash, new Caller(Roles.Name(k.Role) + ":" + Convert.ToHexStringLower(k.Hash)[..12], k.Role)))];
    }

    /// <summary>How many keys the ring holds.</summary>
    public int Count => _keys.Length;

    /// <summary>Reads a key file; throws <see cref="ApiKeyFileException"/> naming the line of a bad entry.</summary>
    public static ApiKeyRing Load(string path)
    {
        var keys = new List<(byte[], Role)>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.AsSpan();
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            var parts = line.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[0].Length != 64 || !IsHex(parts[0]))
            {
                throw new ApiKeyFileException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: expected 'SHA256-HEX ROLE' (64 hex digits, a space, a role), found '{Shorten(line.ToString())}'."));
            }

            if (!Roles.TryParse(parts[1], out var role))
            {
                throw new ApiKeyFileException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: unknown role '{parts[1]}'; expected one of {string.Join(", ", Roles.Names)}."));
            }

            keys.Add((Convert.FromHexString(parts[0]), role));
        }

        return new ApiKeyRing(keys);
    }

    /// <summary>The caller a presented key belongs to, or null. Every stored hash is compared, in constant time.</summary>
    public Caller? Find(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || key.Length > 512)
        {
            return null;
        }

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(key, presented);
        Caller? found = null;
        foreach (var (stored, caller) in _keys)
        {
            // No early exit: the time taken does not tell which key, or whether any, matched.
            if (CryptographicOperations.FixedTimeEquals(stored, presented))
            {
                found = caller;
            }
        }

        return found;
    }

    /// <summary>Makes a new random key (256 bits, base64url, with <see cref="KeyPrefix"/>).</summary>
    public static string NewKey()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return KeyPrefix + Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The key file line of a key: its SHA-256 in lower-case hex and the role.</summary>
    public static string FileLine(string key, Role role)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(key, hash);
        return Convert.ToHexStringLower(hash) + " " + Roles.Name(role);
    }

    private static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..length], destination);
        CryptographicOperations.ZeroMemory(utf8);
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
