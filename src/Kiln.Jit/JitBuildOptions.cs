using System.Text;
using Kiln.Jit.Signatures;
using Kiln.Toolchain;

namespace Kiln.Jit;

/// <summary>
/// How a library is built. Immutable: lists are copied on assignment, so one instance can be shared by many requests
/// (and a repeated request with the same instance is recognised by reference in the in-process memo).
/// Everything here except <see cref="SourceRetention"/> is part of the cache key.
/// </summary>
public sealed class JitBuildOptions
{
    private readonly string[] _flags = ["-O2"];
    private readonly string[] _includeDirectories = [];
    private readonly string[] _libraryDirectories = [];
    private readonly string[] _libraries = [];
    private string? _canonical;

    /// <summary>The default options: C, discovered compiler, <c>-O2</c>, gzip-retained source.</summary>
    public static JitBuildOptions Default { get; } = new();

    /// <summary>C or C++ (default C).</summary>
    public SourceLanguage Language { get; init; } = SourceLanguage.C;

    /// <summary>Compiler name or path; null to use <c>CC</c>/<c>CXX</c>, then gcc/g++, clang/clang++, cc/c++ on PATH.</summary>
    public string? Compiler { get; init; }

    /// <summary>Compile flags (default <c>-O2</c>). <c>-shared -fPIC</c> are always added. <c>-march=native</c> is keyed by
    /// the CPU the compiler really targets.</summary>
    public IReadOnlyList<string> Flags { get => _flags; init => _flags = Copy(value, nameof(Flags)); }

    /// <summary>Extra include directories (<c>-I</c>); headers read from them are part of the key by content.</summary>
    public IReadOnlyList<string> IncludeDirectories
    {
        get => _includeDirectories;
        init => _includeDirectories = Copy(value, nameof(IncludeDirectories)).Select(Path.GetFullPath).ToArray();
    }

    /// <summary>Extra library directories (<c>-L</c>, also added as rpath).</summary>
    public IReadOnlyList<string> LibraryDirectories
    {
        get => _libraryDirectories;
        init => _libraryDirectories = Copy(value, nameof(LibraryDirectories)).Select(Path.GetFullPath).ToArray();
    }

    /// <summary>Libraries to link (<c>-l</c> names without the prefix, e.g. <c>m</c>).</summary>
    public IReadOnlyList<string> Libraries { get => _libraries; init => _libraries = Copy(value, nameof(Libraries)); }

    /// <summary>What to keep of the source after a successful build (default gzip). Not part of the key.</summary>
    public SourceRetention SourceRetention { get; init; } = SourceRetention.Gzip;

    /// <summary>The source file suffix: <c>.c</c> or <c>.cpp</c>.</summary>
    public string SourceSuffix => Language == SourceLanguage.C ? ".c" : ".cpp";

    /// <summary>Canonical text of the keyed options (compiler as requested, not yet resolved).</summary>
    internal string Canonical => _canonical ??= BuildCanonical();

    private string BuildCanonical()
    {
        var b = new StringBuilder();
        CanonicalText.Append(b, "language", Language == SourceLanguage.C ? "c" : "c++");
        CanonicalText.Append(b, "compiler-requested", Compiler ?? "");
        CanonicalText.AppendList(b, "flags", _flags);
        CanonicalText.AppendList(b, "include-dirs", _includeDirectories);
        CanonicalText.AppendList(b, "library-dirs", _libraryDirectories);
        CanonicalText.AppendList(b, "libraries", _libraries);
        return b.ToString();
    }

    private static string[] Copy(IReadOnlyList<string>? value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        var copy = value.ToArray();
        foreach (var v in copy)
        {
            if (string.IsNullOrEmpty(v))
                throw new JitRequestException($"build option {name} contains an empty entry; remove it");
        }
        return copy;
    }
}
