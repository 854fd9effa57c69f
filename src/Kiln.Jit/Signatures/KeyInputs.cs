using System.Text;
using Kiln.Toolchain;

namespace Kiln.Jit.Signatures;

/// <summary>
/// The complete key of a library, in two stages.
/// <para>Base key B = SHA-256 of the canonical text of: Kiln's key-format version, the caller's signature, the build
/// options (language, flags with <c>-march=native</c> expanded, include and library dirs, libraries), and the compiler
/// identity (resolved path, <c>--version</c> output, target triple, hash of the empty-file preprocess output).</para>
/// <para>Full key K = SHA-256 of B's text plus every local header the build read (path and SHA-256 of its content,
/// from the depfile) plus the full keys of the jitted dependencies. K names the entry's files; B names the per-key lock
/// and the pointer to the newest K, because header contents are known only after a build.</para>
/// </summary>
internal static class KeyInputs
{
    /// <summary>Bumped whenever the key text or the entry format changes meaning.</summary>
    public const int KeyFormatVersion = 1;

    public static string BaseText(string signature, JitBuildOptions options, CompilerIdentity compiler)
    {
        var b = new StringBuilder(512);
        CanonicalText.Append(b, "kiln-jit-key-format", KeyFormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        CanonicalText.Append(b, "signature", signature);
        CanonicalText.Append(b, "language", options.Language == SourceLanguage.C ? "c" : "c++");
        CanonicalText.Append(b, "compiler", compiler.ExecutablePath);
        CanonicalText.Append(b, "compiler-version", compiler.VersionOutput);
        CanonicalText.Append(b, "compiler-target", compiler.Target);
        CanonicalText.Append(b, "compiler-predefined-macros-sha256", compiler.PredefinedMacrosSha256);
        CanonicalText.AppendList(b, "flags", compiler.ExpandedFlags);
        CanonicalText.AppendList(b, "include-dirs", options.IncludeDirectories);
        CanonicalText.AppendList(b, "library-dirs", options.LibraryDirectories);
        CanonicalText.AppendList(b, "libraries", options.Libraries);
        return b.ToString();
    }

    public static string FullKey(string baseText, IEnumerable<HeaderHash> headers, IEnumerable<DependencyKey> dependencies)
    {
        var b = new StringBuilder(baseText);
        CanonicalText.Append(b, "entry", "full-key");
        foreach (var (sha, path) in headers.OrderBy(h => h.Path, StringComparer.Ordinal))
            CanonicalText.Append(b, "header", sha + " " + path);
        foreach (var (key, sig) in dependencies)
            CanonicalText.Append(b, "dependency", key + " " + sig);
        return Hash(b.ToString());
    }

    public static string Hash(string text) => Convert.ToHexStringLower(Sha256.Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>Files up to this size are hashed with the managed SHA-256 (no OpenSSL load in a fresh process);
    /// larger ones with the platform's, whose one-time load (≈ 2.7 ms) is then cheaper than the managed speed gap.</summary>
    public const long ManagedHashLimit = 256 * 1024;

    public static string HashFile(string path) => HashFile(Cache.SystemCacheFileSystem.Instance, path);

    public static string HashFile(Cache.ICacheFileSystem files, string path)
    {
        using var stream = files.OpenRead(path);
        if (stream.Length > ManagedHashLimit)
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        var sha = new Sha256();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            sha.Append(buffer.AsSpan(0, n));
        return Convert.ToHexStringLower(sha.Finish());
    }
}
