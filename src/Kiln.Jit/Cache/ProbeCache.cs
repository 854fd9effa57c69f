using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Kiln.Jit.Building;
using Kiln.Jit.Signatures;
using Kiln.Toolchain;

namespace Kiln.Jit.Cache;

/// <summary>
/// Compiler identities, probed once per process (per compiler stat identity) and cached on disk in <c>probes/P.txt</c> with
/// P = SHA-256(compiler stat identity + language + flags). The rule: a fresh process only stats the compiler; when the
/// compiler's device, inode, size or mtime change (reinstall, upgrade, a different file behind the same path), the
/// probe runs again. A compiler changed in place with all four preserved is not noticed — clear <c>probes/</c>.
/// A probe missing from the writable cache is also looked for in the shared caches (read only; P does not depend on
/// the cache), so a process served from a read-only shared cache does not run the compiler either.
/// </summary>
internal static class ProbeCache
{
    // (canonical probe text: compiler stamp, language, flags; cache root and its file system) -> identity.
    private static readonly ConcurrentDictionary<(string ProbeText, string CacheRoot, ICacheFileSystem Files), CompilerIdentity> Memo = new();

    public static CompilerIdentity Get(CacheLayout layout, string compilerPath, SourceLanguage language, IReadOnlyList<string> flags) =>
        Get(layout, [], compilerPath, language, flags);

    public static CompilerIdentity Get(CacheLayout layout, IReadOnlyList<CacheLayout> shared, string compilerPath, SourceLanguage language,
        IReadOnlyList<string> flags, ICompilerRunner? runner = null)
    {
        // One stat per slow-path request: a compiler replaced while the process runs is noticed too.
        var files = layout.Files;
        if (!files.TryStat(compilerPath, out var status) || status.IsDirectory)
        {
            throw new JitRequestException($"compiler '{compilerPath}' disappeared; reinstall it or choose another compiler",
                new FileNotFoundException($"cannot stat '{compilerPath}': no such file", compilerPath));
        }
        var stamp = status.ToFileStamp(Path.GetFullPath(compilerPath));
        var probeText = new StringBuilder();
        CanonicalText.Append(probeText, "stamp", stamp.ToString());
        CanonicalText.Append(probeText, "language", language.ToString());
        CanonicalText.AppendList(probeText, "flags", flags);
        var memoKey = (ProbeText: probeText.ToString(), CacheRoot: layout.Root, Files: files);
        if (Memo.TryGetValue(memoKey, out var known))
            return known;
        var probeName = KeyInputs.Hash(memoKey.ProbeText) + ".txt";
        var probePath = Path.Combine(layout.Probes, probeName);
        CompilerIdentity? identity = null;
        if (files.FileExists(probePath))
            identity = TryParse(files.ReadAllText(probePath), stamp);
        foreach (var other in shared)
        {
            if (identity is not null)
                break;
            try
            {
                var sharedPath = Path.Combine(other.Probes, probeName);
                if (other.Files.FileExists(sharedPath))
                    identity = TryParse(other.Files.ReadAllText(sharedPath), stamp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable shared cache is simply not used.
            }
        }
        if (identity is null)
        {
            try
            {
                identity = (runner ?? SystemCompilerRunner.Instance).Probe(compilerPath, language, flags);
            }
            catch (ToolchainException e)
            {
                throw new JitRequestException(e.Message, e);
            }
            try
            {
                files.CreateDirectory(layout.Probes);
                files.CreateDirectory(layout.Tmp);
                layout.WriteAtomically(probePath, Format(identity));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only cache still works; the probe is simply repeated by the next process.
            }
        }
        Memo[memoKey] = identity;
        return identity;
    }

    private static string Format(CompilerIdentity id)
    {
        var b = new StringBuilder();
        b.Append("kiln-compiler-probe 1\n");
        b.Append("family ").Append(id.Family).Append('\n');
        b.Append("target ").Append(EntryManifest.Escape(id.Target)).Append('\n');
        b.Append("macros ").Append(id.PredefinedMacrosSha256).Append('\n');
        b.Append("version ").Append(EntryManifest.Escape(id.VersionOutput)).Append('\n');
        foreach (var f in id.ExpandedFlags)
            b.Append("flag ").Append(EntryManifest.Escape(f)).Append('\n');
        b.Append("end\n");
        return b.ToString();
    }

    private static CompilerIdentity? TryParse(string text, FileStamp stamp)
    {
        if (!text.StartsWith("kiln-compiler-probe 1\n", StringComparison.Ordinal) || !text.EndsWith("end\n", StringComparison.Ordinal))
            return null;
        var family = CompilerFamily.Unknown;
        string target = "", macros = "", version = "";
        var flags = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var sp = line.IndexOf(' ', StringComparison.Ordinal);
            if (sp < 0)
                continue;
            var value = EntryManifest.Unescape(line[(sp + 1)..]);
            switch (line[..sp])
            {
                case "family": family = value switch { "Gcc" => CompilerFamily.Gcc, "Clang" => CompilerFamily.Clang, _ => CompilerFamily.Unknown }; break;
                case "target": target = value; break;
                case "macros": macros = value; break;
                case "version": version = value; break;
                case "flag": flags.Add(value); break;
                default: break;
            }
        }
        return macros.Length == 0 ? null : new CompilerIdentity(stamp, family, version, target, macros, flags);
    }

    internal static void ClearMemo() => Memo.Clear();

    internal static int MemoCount => Memo.Count;

    internal static string Describe(CompilerIdentity id) =>
        string.Create(CultureInfo.InvariantCulture, $"{id.ExecutablePath} ({id.Family}, {id.Target})");
}
