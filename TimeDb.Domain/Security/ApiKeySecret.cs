using System.Security.Cryptography;
using System.Text;

namespace TimeDb.Domain.Security;

/// <summary>
/// A plain API key: <c>tdb_</c> followed by 32 lowercase hex characters from a CSPRNG.
/// It exists in plain text only between generation and the moment it is shown once;
/// everything else handles its SHA-256 hash.
/// </summary>
public sealed class ApiKeySecret
{
    public const string Prefix = "tdb_";
    private const int HexLength = 32;
    private const int DisplayPrefixLength = 12;

    private ApiKeySecret(string value) => Value = value;

    /// <summary>The plain key. Show it once; never log or store it.</summary>
    public string Value { get; }

    /// <summary>The first characters, safe to show in key listings (e.g. <c>tdb_1a2b3c4d</c>).</summary>
    public string DisplayPrefix => Value[..DisplayPrefixLength];

    public byte[] Hash() => HashOf(Value);

    public static ApiKeySecret Generate() =>
        new(Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(HexLength / 2)));

    /// <summary>Accepts only well-formed keys, so malformed input never reaches the key store.</summary>
    public static bool TryParse(string? candidate, out ApiKeySecret? key)
    {
        key = null;
        if (candidate is null || candidate.Length != Prefix.Length + HexLength || !candidate.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in candidate.AsSpan(Prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        key = new ApiKeySecret(candidate);
        return true;
    }

    public static byte[] HashOf(string plainKey) => SHA256.HashData(Encoding.UTF8.GetBytes(plainKey));

    /// <summary>Constant-time comparison of two key hashes.</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    /// <summary>Never reveals the key, whatever formats it.</summary>
    public override string ToString() => DisplayPrefix + "…";
}
