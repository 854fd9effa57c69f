namespace Kiln.Toolchain;

/// <summary>
/// Finds the C or C++ compiler driver to use: an explicitly requested name or path, else the <c>CC</c>/<c>CXX</c>
/// environment variable, else the first of gcc, clang, cc (C) or g++, clang++, c++ (C++) on <c>PATH</c>.
/// The result is an absolute path with symbolic links resolved, so that two spellings of one compiler agree.
/// </summary>
public static class CompilerDiscovery
{
    private static readonly string[] CCandidates = ["gcc", "clang", "cc"];
    private static readonly string[] CxxCandidates = ["g++", "clang++", "c++"];

    /// <summary>The environment variable consulted for <paramref name="language"/>: <c>CC</c> or <c>CXX</c>.</summary>
    public static string EnvironmentVariableFor(SourceLanguage language) => language == SourceLanguage.C ? "CC" : "CXX";

    /// <summary>Resolves the compiler for <paramref name="language"/>.</summary>
    /// <param name="language">C or C++.</param>
    /// <param name="requested">A name (looked up on PATH) or a path; null or empty to discover one.</param>
    /// <param name="environment">Reads an environment variable; null for the process environment.</param>
    /// <returns>The absolute, link-resolved path of the compiler executable.</returns>
    /// <exception cref="CompilerNotFoundException">Nothing usable was found; the message says what was tried.</exception>
    public static string Resolve(SourceLanguage language, string? requested = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var path = environment("PATH") ?? "";
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return FindExecutable(requested, path) ?? throw new CompilerNotFoundException(
                $"compiler '{requested}' not found: it is neither an executable file nor a name on PATH; install it or pass another compiler");
        }
        var variable = EnvironmentVariableFor(language);
        var fromEnv = environment(variable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            // CC may carry arguments ("ccache gcc"); Kiln takes the first word only and says so in the docs.
            var first = fromEnv.Trim().Split(' ', 2)[0];
            return FindExecutable(first, path) ?? throw new CompilerNotFoundException(
                $"compiler '{fromEnv}' from ${variable} not found on PATH or as a file; fix or unset {variable}");
        }
        var candidates = language == SourceLanguage.C ? CCandidates : CxxCandidates;
        foreach (var name in candidates)
        {
            var found = FindExecutable(name, path);
            if (found is not null)
                return found;
        }
        throw new CompilerNotFoundException(
            $"no {(language == SourceLanguage.C ? "C" : "C++")} compiler found: tried ${variable}, then {string.Join(", ", candidates)} on PATH; install gcc or clang or set {variable}");
    }

    /// <summary>
    /// Finds an executable: a name containing '/' is taken as a path, any other name is searched on
    /// <paramref name="pathVariable"/>. Returns the absolute, link-resolved path or null.
    /// </summary>
    /// <param name="nameOrPath">An executable name or a path.</param>
    /// <param name="pathVariable">The PATH value to search (colon-separated), or null for the process's PATH.</param>
    public static string? FindExecutable(string nameOrPath, string? pathVariable = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        if (nameOrPath.Contains('/', StringComparison.Ordinal))
            return IsExecutableFile(nameOrPath) ? ResolveLinks(Path.GetFullPath(nameOrPath)) : null;
        pathVariable ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, nameOrPath);
            if (IsExecutableFile(candidate))
                return ResolveLinks(Path.GetFullPath(candidate));
        }
        return null;
    }

    /// <summary>Follows symbolic links to the final file (g++ → g++-12 → x86_64-linux-gnu-g++-12).</summary>
    /// <param name="path">An absolute path.</param>
    public static string ResolveLinks(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? path : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        if (OperatingSystem.IsWindows())
            return true;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
