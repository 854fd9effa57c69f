// Kiln.Contrib — what the contrib tools add to an action-cache key (ICacheableTool): the identity of the program that
// makes their outputs, never its path, so that machines with the same compiler at different places share entries.

using System.Collections.Concurrent;
using Kiln.Toolchain;

namespace Kiln.Contrib;

/// <summary>
/// Action-cache key facts of the compile, link and archive tools, probed once per program file (stat), language and
/// target flags in a process (a probe runs the program three or four times).
/// </summary>
internal static class CacheFacts
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>?> Probed = new(StringComparer.Ordinal);

    /// <summary>
    /// A compiler driver's identity (<see cref="CompilerIdentity"/>: version, target, predefined macros) with the target
    /// flags (<c>-m…</c>) expanded: <c>-march=native</c> becomes the CPU it means here. Null when that cannot be said
    /// (the compiler does not run, or cannot name the native CPU): the instance is then not shared.
    /// </summary>
    public static IReadOnlyList<string>? Compiler(string driver, SourceLanguage language, IReadOnlyList<string> targetFlags)
    {
        FileStamp stamp;
        try
        {
            stamp = FileStamp.Of(driver);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var probeKey = $"cc\n{stamp.Path}\n{stamp.Inode} {stamp.Size} {stamp.ModifiedNanoseconds}\n{language}\n{string.Join('\n', targetFlags)}";
        return Probed.GetOrAdd(probeKey, static (_, s) =>
        {
            try
            {
                var identity = CompilerIdentity.Probe(s.driver, s.language, s.targetFlags);
                return
                [
                    $"compiler {identity.Family} {identity.Target}",
                    $"compiler-version {identity.VersionOutput}",
                    $"compiler-macros {identity.PredefinedMacrosSha256}",
                    $"compiler-target-flags {string.Join(' ', identity.ExpandedFlags)}",
                ];
            }
            catch (ToolchainException)
            {
                return null;
            }
        }, (driver, language, targetFlags));
    }

    /// <summary>The first line of <c>&lt;program&gt; --version</c> (e.g. <c>GNU ar (GNU Binutils for Debian) 2.40</c>); null when it fails.</summary>
    public static string? Version(string program)
    {
        FileStamp stamp;
        try
        {
            stamp = FileStamp.Of(program);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var probeKey = $"version\n{stamp.Path}\n{stamp.Inode} {stamp.Size} {stamp.ModifiedNanoseconds}";
        var facts = Probed.GetOrAdd(probeKey, static (_, path) =>
        {
            var result = ToolProcess.Run(path, ["--version"]);
            return result.ExitCode == 0 ? [Kiln.Platform.Text.Lines.FirstLine(result.StandardOutput.Trim())] : null;
        }, program);
        return facts?[0];
    }

    /// <summary>The flags that select the target (<c>-m…</c>), from the verbatim arguments.</summary>
    public static IReadOnlyList<string> TargetFlags(IEnumerable<string> arguments) =>
        [.. arguments.Where(a => a.StartsWith("-m", StringComparison.Ordinal))];
}
