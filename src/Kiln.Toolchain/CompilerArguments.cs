namespace Kiln.Toolchain;

/// <summary>
/// Builds the argument vectors (without the executable) of gcc/clang compiles and links and of GNU/LLVM
/// <c>ar</c>, from typed options. Pure functions: no I/O, no validation beyond null checks — the callers
/// (Kiln.Contrib's tools, Kiln.Jit) validate their options where they are given.
/// </summary>
/// <remarks>
/// A file name starting with <c>-</c> would be read as an option; such relative names get a <c>./</c> prefix.
/// </remarks>
public static class CompilerArguments
{
    /// <summary>The target written into depfiles by <see cref="Compile"/>; prerequisites are what matters.</summary>
    public const string DepfileTarget = "_";

    /// <summary>
    /// <c>-x &lt;language&gt; [-std=…] [-O…] [-g] [-fPIC] -f… -W… -I… -D… &lt;extra…&gt; -c -o &lt;object&gt;
    /// [-MMD -MT _ -MF &lt;depfile&gt;] &lt;source&gt;</c>.
    /// </summary>
    /// <param name="options">The typed options.</param>
    /// <param name="sourceFile">The translation unit.</param>
    /// <param name="objectFile">Where the object file goes.</param>
    /// <param name="depfile">Where the Makefile depfile of the user headers goes (<c>-MMD</c>: system headers are
    /// left out); no depfile when null.</param>
    public static IReadOnlyList<string> Compile(CompileOptions options, string sourceFile, string objectFile, string? depfile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(sourceFile);
        ArgumentException.ThrowIfNullOrEmpty(objectFile);
        var args = new List<string> { "-x", options.Language == SourceLanguage.C ? "c" : "c++" };
        if (options.Standard is not null)
            args.Add("-std=" + options.Standard);
        if (options.Optimization is not null)
            args.Add("-O" + options.Optimization);
        if (options.DebugInformation)
            args.Add("-g");
        if (options.PositionIndependent)
            args.Add("-fPIC");
        foreach (var f in options.Features)
            args.Add("-f" + f);
        foreach (var w in options.Warnings)
            args.Add("-W" + w);
        foreach (var dir in options.IncludeDirectories)
            args.Add("-I" + dir);
        foreach (var (name, value) in options.Definitions.OrderBy(d => d.Key, StringComparer.Ordinal))
            args.Add(value is null ? "-D" + name : "-D" + name + "=" + value);
        args.AddRange(options.ExtraArguments);
        args.AddRange(["-c", "-o", SafeFileName(objectFile)]);
        if (depfile is not null)
            args.AddRange(["-MMD", "-MT", DepfileTarget, "-MF", SafeFileName(depfile)]);
        args.Add(SafeFileName(sourceFile));
        return args;
    }

    /// <summary>
    /// <c>[-shared] [-Wl,-soname,…] -Wl,… &lt;extra…&gt; -o &lt;output&gt; &lt;inputs…&gt; -L… -l… -Wl,-rpath,…</c>.
    /// </summary>
    /// <param name="options">The typed options.</param>
    /// <param name="inputFiles">Object files, static archives and shared libraries, in link order.</param>
    /// <param name="outputFile">The executable or shared library to write.</param>
    public static IReadOnlyList<string> Link(LinkOptions options, IEnumerable<string> inputFiles, string outputFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputFiles);
        ArgumentException.ThrowIfNullOrEmpty(outputFile);
        var args = new List<string>();
        if (options.Shared)
            args.Add("-shared");
        if (options.SharedObjectName is not null)
            args.Add("-Wl,-soname," + options.SharedObjectName);
        foreach (var a in options.LinkerArguments)
            args.Add("-Wl," + a);
        args.AddRange(options.ExtraArguments);
        args.AddRange(["-o", SafeFileName(outputFile)]);
        args.AddRange(inputFiles.Select(SafeFileName));
        foreach (var dir in options.LibraryDirectories)
            args.Add("-L" + dir);
        foreach (var lib in options.Libraries)
            args.Add("-l" + lib);
        foreach (var dir in options.RunPathDirectories)
            args.Add("-Wl,-rpath," + dir);
        return args;
    }

    /// <summary>
    /// <c>rcsD &lt;archive&gt; &lt;members…&gt;</c>: insert with replacement (<c>r</c>), create silently (<c>c</c>), write
    /// a symbol index (<c>s</c>), deterministic — zero timestamps, owners and modes (<c>D</c>), so an unchanged
    /// set of members gives a byte-identical archive.
    /// </summary>
    /// <param name="memberFiles">The object files, in archive order.</param>
    /// <param name="archiveFile">The archive to write (should not exist yet: <c>r</c> adds to an existing one).</param>
    public static IReadOnlyList<string> Archive(IEnumerable<string> memberFiles, string archiveFile)
    {
        ArgumentNullException.ThrowIfNull(memberFiles);
        ArgumentException.ThrowIfNullOrEmpty(archiveFile);
        return ["rcsD", SafeFileName(archiveFile), .. memberFiles.Select(SafeFileName)];
    }

    /// <summary>Prefixes <c>./</c> to a relative file name that starts with <c>-</c>.</summary>
    /// <param name="fileName">A file name or path.</param>
    public static string SafeFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName.StartsWith('-') ? "./" + fileName : fileName;
    }
}
