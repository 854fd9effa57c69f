using System.Security.Cryptography;
using System.Text;

namespace Kiln.Toolchain;

/// <summary>
/// What a compiler is, as far as its output can differ: the resolved executable, its <c>--version</c> output, its
/// target triple, and the output of preprocessing an empty file with the caller's flags (the predefined macros:
/// this captures the internal version, the language standard and most option effects without parsing
/// <c>--version</c>, the CuPy approach). <c>-march=native</c> and friends are expanded to the real CPU target.
/// </summary>
/// <remarks>Probing runs the compiler three or four times (tens of milliseconds); cache the result keyed by
/// <see cref="Stamp"/> and the flags, as Kiln.Jit does.</remarks>
public sealed class CompilerIdentity
{
    /// <summary>Creates an identity from already probed facts (for caches that stored them).</summary>
    /// <param name="stamp">The compiler file's stat identity.</param>
    /// <param name="family">The compiler family.</param>
    /// <param name="versionOutput">The <c>--version</c> output.</param>
    /// <param name="target">The <c>-dumpmachine</c> output.</param>
    /// <param name="predefinedMacrosSha256">Hex SHA-256 of the empty-file preprocess output.</param>
    /// <param name="expandedFlags">The flags with native CPU requests expanded.</param>
    public CompilerIdentity(FileStamp stamp, CompilerFamily family, string versionOutput, string target,
        string predefinedMacrosSha256, IReadOnlyList<string> expandedFlags)
    {
        Stamp = stamp;
        Family = family;
        VersionOutput = versionOutput;
        Target = target;
        PredefinedMacrosSha256 = predefinedMacrosSha256;
        ExpandedFlags = expandedFlags;
    }

    /// <summary>The resolved executable's stat identity; <see cref="FileStamp.Path"/> is the executable.</summary>
    public FileStamp Stamp { get; }

    /// <summary>The absolute, link-resolved path of the compiler driver.</summary>
    public string ExecutablePath => Stamp.Path;

    /// <summary>gcc, clang or unknown.</summary>
    public CompilerFamily Family { get; }

    /// <summary>The complete output of <c>--version</c>, trimmed.</summary>
    public string VersionOutput { get; }

    /// <summary>The target triple (<c>-dumpmachine</c>), e.g. <c>x86_64-linux-gnu</c>.</summary>
    public string Target { get; }

    /// <summary>Hex SHA-256 of the output of <c>-E -dM</c> on an empty file with the caller's flags.</summary>
    public string PredefinedMacrosSha256 { get; }

    /// <summary>The caller's flags with <c>-march=native</c>/<c>-mtune=native</c> replaced by the concrete target.</summary>
    public IReadOnlyList<string> ExpandedFlags { get; }

    /// <summary>Probes <paramref name="executable"/> with <paramref name="flags"/> (runs the compiler).</summary>
    /// <param name="executable">Absolute path of the compiler driver (see <see cref="CompilerDiscovery"/>).</param>
    /// <param name="language">Language of the translation units.</param>
    /// <param name="flags">The compile flags that will be used.</param>
    /// <exception cref="ToolchainException">The compiler does not run or rejects the flags.</exception>
    public static CompilerIdentity Probe(string executable, SourceLanguage language, IReadOnlyList<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var stamp = FileStamp.Of(executable);
        var version = ToolProcess.Run(executable, ["--version"]);
        if (version.ExitCode != 0)
            throw new ToolchainException($"'{executable} --version' failed with status {version.ExitCode}: {FirstLine(version.CombinedOutput)}; check that it is a C/C++ compiler");
        var versionText = version.StandardOutput.Trim();
        var family = versionText.Contains("clang", StringComparison.OrdinalIgnoreCase) ? CompilerFamily.Clang
            : versionText.Contains("gcc", StringComparison.OrdinalIgnoreCase) || versionText.Contains("g++", StringComparison.OrdinalIgnoreCase)
              || versionText.Contains("Free Software Foundation", StringComparison.Ordinal) ? CompilerFamily.Gcc
            : CompilerFamily.Unknown;
        var machine = ToolProcess.Run(executable, ["-dumpmachine"]);
        var target = machine.ExitCode == 0 ? machine.StandardOutput.Trim() : "";
        var expanded = NativeTarget.Expand(executable, language, flags);
        var args = new List<string>(flags) { "-E", "-dM", "-x", language == SourceLanguage.C ? "c" : "c++", "-" };
        var macros = ToolProcess.Run(executable, args, standardInput: "");
        if (macros.ExitCode != 0)
            throw new ToolchainException($"'{executable}' rejects the flags [{string.Join(' ', flags)}]: {FirstLine(macros.StandardError)}; fix the flags");
        var sortedMacros = string.Join('\n', macros.StandardOutput.Split('\n').Order(StringComparer.Ordinal));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sortedMacros)));
        return new CompilerIdentity(stamp, family, versionText, target, hash, expanded);
    }

    private static string FirstLine(string text) => Kiln.Platform.Text.Lines.FirstLine(text.Trim());
}
