using System.Text;
using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Building;

/// <summary>
/// A compile failure recorded under the base key (<c>failures/B.txt</c>) so that other processes fail fast with the same
/// error instead of compiling again. The record holds the local headers the failed build read (path + SHA-256); when
/// any of them changes, the record no longer applies. Other inputs change B itself. Cleared by a successful build of
/// B, by <c>kiln jit clean --failures</c>, or bypassed with <see cref="JitRequest.RetryRecordedFailure"/>.
/// Format: <c>kiln-jit-failure 1</c>, then <c>signature</c>, <c>command</c>, <c>failure-dir</c>, <c>header SHA PATH</c>
/// and <c>tail LINE</c> lines (escaped as in manifests).
/// </summary>
internal sealed class FailureRecord
{
    public const string Magic = "kiln-jit-failure 1";

    public required string Signature { get; init; }
    public required string Command { get; init; }
    public required string FailureDirectory { get; init; }
    public required string OutputTail { get; init; }
    public IReadOnlyList<HeaderHash> Headers { get; init; } = [];

    public string Format()
    {
        var b = new StringBuilder();
        b.Append(Magic).Append('\n');
        b.Append("signature ").Append(EntryManifest.Escape(Signature)).Append('\n');
        b.Append("command ").Append(EntryManifest.Escape(Command)).Append('\n');
        b.Append("failure-dir ").Append(EntryManifest.Escape(FailureDirectory)).Append('\n');
        foreach (var (sha, path) in Headers)
            b.Append("header ").Append(sha).Append(' ').Append(EntryManifest.Escape(path)).Append('\n');
        foreach (var line in OutputTail.Split('\n'))
            b.Append("tail ").Append(EntryManifest.Escape(line)).Append('\n');
        return b.ToString();
    }

    public static FailureRecord? TryRead(string path) => TryRead(SystemCacheFileSystem.Instance, path);

    public static FailureRecord? TryRead(ICacheFileSystem files, string path)
    {
        string text;
        try
        {
            text = files.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (!text.StartsWith(Magic + "\n", StringComparison.Ordinal))
            return null;
        string sig = "", command = "", dir = "";
        var tail = new List<string>();
        var headers = new List<HeaderHash>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var sp = line.IndexOf(' ', StringComparison.Ordinal);
            if (sp < 0)
                continue;
            var value = line[(sp + 1)..];
            switch (line[..sp])
            {
                case "signature": sig = EntryManifest.Unescape(value); break;
                case "command": command = EntryManifest.Unescape(value); break;
                case "failure-dir": dir = EntryManifest.Unescape(value); break;
                case "tail": tail.Add(EntryManifest.Unescape(value)); break;
                case "header":
                    var hs = value.IndexOf(' ', StringComparison.Ordinal);
                    if (hs > 0)
                        headers.Add(new HeaderHash(value[..hs], EntryManifest.Unescape(value[(hs + 1)..])));
                    break;
                default: break;
            }
        }
        return new FailureRecord { Signature = sig, Command = command, FailureDirectory = dir, OutputTail = string.Join('\n', tail).TrimEnd(), Headers = headers };
    }

    /// <summary>False for a record that shows no error of the code: an empty output, a killed compiler or a full disk.
    /// Kiln.Jit no longer writes such records, but older versions did, and one would fail every request fast until
    /// <c>kiln jit clean --failures</c>; they are ignored (and replaced by the next build's outcome).</summary>
    public bool DescribesCodeError => OutputTail.Trim().Length > 0 && CompilerInterruption.FromText(OutputTail) is null
        && !CacheWriteError.MentionsDiskFull(OutputTail);

    /// <summary>True while every recorded header still has the recorded content.</summary>
    public bool StillApplies(ICacheFileSystem files) => Headers.All(h => files.FileExists(h.Path) && KeyInputs.HashFile(files, h.Path) == h.Sha256);

    public JitCompileException ToException() => new(Signature, Command, OutputTail, FailureDirectory, fromFailureRecord: true);
}
