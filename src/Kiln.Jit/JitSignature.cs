using System.Text;

namespace Kiln.Jit;

/// <summary>Helpers for caller signatures.</summary>
public static class JitSignature
{
    /// <summary>The longest accepted signature.</summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// A signature from a readable name and the values that determine the generated code:
    /// <c>name_</c> followed by 16 hex digits of SHA-256 over the length-prefixed parts.
    /// </summary>
    /// <param name="name">A readable prefix (letters, digits, '_', '-', '.').</param>
    /// <param name="parts">The values baked into the code, in a stable textual form.</param>
    public static string FromName(string name, params IEnumerable<string> parts)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new JitRequestException("JitSignature.FromName: the name is empty; pass a readable name such as 'axpy'");
        var b = new StringBuilder();
        foreach (var p in parts)
            b.Append(p.Length).Append(':').Append(p).Append('\n');
        var hash = Convert.ToHexStringLower(Signatures.Sha256.Hash(Encoding.UTF8.GetBytes(b.ToString())));
        return name + "_" + hash[..16];
    }

    /// <summary>Throws <see cref="JitRequestException"/> unless <paramref name="signature"/> is usable.</summary>
    /// <param name="signature">The caller's signature.</param>
    public static void Validate(string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature))
            throw new JitRequestException("JIT request has an empty signature: the signature names the generated code and keys the cache; pass a non-empty string (e.g. JitSignature.FromName(\"kernel\", parameters))");
        if (signature.Length > MaxLength)
            throw new JitRequestException($"JIT signature '{signature[..40]}…' is {signature.Length} characters long (at most {MaxLength}); pass a shorter one, e.g. from JitSignature.FromName");
        if (HasControl(signature))
            throw new JitRequestException($"JIT signature '{signature.Replace("\n", "\\n", StringComparison.Ordinal)}' contains control characters; remove them");
    }

    private static bool HasControl(string s)
    {
        foreach (var c in s)
        {
            if (char.IsControl(c))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The file-system-safe form of a signature: the signature itself when it has only letters, digits, '_', '-', '.'
    /// (at most 100, not starting with '.'), else <c>kiln_</c> + 32 hex digits of its SHA-256.
    /// </summary>
    /// <param name="signature">A valid signature.</param>
    public static string FileName(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var safe = signature.Length is > 0 and <= 100 && signature[0] != '.'
            && signature.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
        return safe ? signature
            : "kiln_" + Convert.ToHexStringLower(Signatures.Sha256.Hash(Encoding.UTF8.GetBytes(signature)))[..32];
    }

    /// <summary>The header file name a generated source includes: <c>FileName(signature) + ".h"</c>.</summary>
    /// <param name="signature">A valid signature.</param>
    public static string HeaderFileName(string signature) => FileName(signature) + ".h";
}
