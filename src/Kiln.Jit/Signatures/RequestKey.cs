namespace Kiln.Jit.Signatures;

/// <summary>
/// What makes two JIT requests the same answer: the signature, the cache directory, the canonical build options, the
/// symbol scope and the shared cache directories in search order. The memo key of <see cref="JitCompiler"/> (with the
/// resolved directories) and of <c>DistributedJit</c> (with the directory as requested, no shared directories). Compared
/// ordinally, field by field, so no value can imitate another field (as a joined string could).
/// </summary>
internal readonly record struct RequestKey(string Signature, string CacheDirectory, string BuildOptions, bool GlobalSymbols,
    IReadOnlyList<string> SharedDirectories)
{
    /// <summary>The key of <paramref name="request"/> as given (unresolved directory; an empty string for the default).</summary>
    public static RequestKey AsRequested(JitRequest request, JitBuildOptions build) =>
        new(request.Signature, request.CacheDirectory ?? "", build.Canonical, request.GlobalSymbols, []);

    public bool Equals(RequestKey other) =>
        string.Equals(Signature, other.Signature, StringComparison.Ordinal)
        && string.Equals(CacheDirectory, other.CacheDirectory, StringComparison.Ordinal)
        && string.Equals(BuildOptions, other.BuildOptions, StringComparison.Ordinal)
        && GlobalSymbols == other.GlobalSymbols
        && SharedDirectories.SequenceEqual(other.SharedDirectories, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Signature, StringComparer.Ordinal);
        hash.Add(CacheDirectory, StringComparer.Ordinal);
        hash.Add(BuildOptions, StringComparer.Ordinal);
        hash.Add(GlobalSymbols);
        foreach (var directory in SharedDirectories)
            hash.Add(directory, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
