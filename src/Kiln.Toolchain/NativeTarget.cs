namespace Kiln.Toolchain;

/// <summary>
/// Expands <c>-march=native</c>, <c>-mtune=native</c> and <c>-mcpu=native</c> to what the compiler really targets on
/// this machine, so that a cache key built from the flags differs between CPUs (ccache #824, llvm #196477).
/// gcc: the <c>-m…</c> and <c>--param</c> words of the cc1 line printed by <c>-###</c>;
/// clang: the <c>-target-cpu</c>, <c>-tune-cpu</c> and <c>-target-feature</c> pairs printed by <c>-###</c>.
/// </summary>
public static class NativeTarget
{
    /// <summary>True when <paramref name="flags"/> ask for the host CPU.</summary>
    /// <param name="flags">Compiler flags.</param>
    public static bool MentionsNative(IEnumerable<string> flags) =>
        flags.Any(f => f is "-march=native" or "-mtune=native" or "-mcpu=native");

    /// <summary>
    /// Returns the flags with every native request replaced by the concrete target the compiler chose
    /// (one entry per word); flags without a native request are returned unchanged.
    /// </summary>
    /// <param name="compiler">Absolute path of the compiler driver.</param>
    /// <param name="language">Language of the translation units.</param>
    /// <param name="flags">The flags as the user gave them.</param>
    /// <exception cref="ToolchainException">The compiler cannot tell what native means.</exception>
    public static IReadOnlyList<string> Expand(string compiler, SourceLanguage language, IReadOnlyList<string> flags)
    {
        if (!MentionsNative(flags))
            return flags;
        var nativeFlags = flags.Where(f => f is "-march=native" or "-mtune=native" or "-mcpu=native").ToList();
        var args = new List<string> { "-###", "-E", "-x", language == SourceLanguage.C ? "c" : "c++" };
        args.AddRange(nativeFlags);
        args.Add("/dev/null");
        var result = ToolProcess.Run(compiler, args);
        var expansion = ParseDriverOutput(result.StandardError + "\n" + result.StandardOutput);
        if (expansion.Count == 0)
            throw new ToolchainException(
                $"cannot expand {string.Join(' ', nativeFlags)} with '{compiler}': its -### output names no target CPU; pass an explicit -march=<cpu> instead");
        var expanded = new List<string>();
        var inserted = false;
        foreach (var f in flags)
        {
            if (f is "-march=native" or "-mtune=native" or "-mcpu=native")
            {
                if (!inserted)
                    expanded.AddRange(expansion);
                inserted = true;
            }
            else
            {
                expanded.Add(f);
            }
        }
        return expanded;
    }

    /// <summary>Extracts the concrete target words from a driver's <c>-###</c> output (gcc or clang).</summary>
    /// <param name="driverOutput">What <c>cc -### …</c> printed.</param>
    public static IReadOnlyList<string> ParseDriverOutput(string driverOutput)
    {
        ArgumentNullException.ThrowIfNull(driverOutput);
        var words = new List<string>();
        foreach (var rawLine in driverOutput.Split('\n'))
        {
            var line = rawLine.Trim();
            var tokens = Tokenize(line);
            if (tokens.Count == 0)
                continue;
            var program = Path.GetFileName(tokens[0]);
            if (program is "cc1" or "cc1plus")
            {
                for (var i = 1; i < tokens.Count; i++)
                {
                    var t = tokens[i];
                    if (t == "--param" && i + 1 < tokens.Count)
                        words.Add("--param=" + tokens[++i]);
                    else if (t.StartsWith("-m", StringComparison.Ordinal))
                        words.Add(t);
                }
            }
            else if (tokens.Contains("-cc1"))
            {
                for (var i = 1; i + 1 < tokens.Count; i++)
                {
                    if (tokens[i] is "-target-cpu" or "-tune-cpu" or "-target-feature")
                        words.Add(tokens[i] + "=" + tokens[++i]);
                }
            }
        }
        return words;
    }

    // The driver quotes words with double quotes (clang always, gcc when they contain '=' or specials).
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var inQuotes = false;
        var any = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                inQuotes = !inQuotes;
                any = true;
            }
            else if (c == '\\' && inQuotes && i + 1 < line.Length)
            {
                current.Append(line[++i]);
            }
            else if (c == ' ' && !inQuotes)
            {
                if (any || current.Length > 0)
                    tokens.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
            }
        }
        if (any || current.Length > 0)
            tokens.Add(current.ToString());
        return tokens;
    }
}
