using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Contrib;

/// <summary>How the contrib tools turn working-tree paths and helper names into arguments.</summary>
internal static class Arguments
{
    /// <summary>
    /// A working-tree path as an argument for a helper that runs in the root: relative paths stay relative
    /// (<c>src/a.c</c>, the form compile_commands.json and depfiles show best), directories lose their trailing
    /// <c>/</c>, the root is <c>.</c>.
    /// </summary>
    public static string Of(TreePath path)
    {
        var text = path.AsString();
        if (text == "./")
            return ".";
        return text.Length > 1 ? text.TrimEnd('/') : text;
    }

    /// <summary>
    /// The helper's absolute path (as the engine resolves it: assigned in the context, else found on the PATH
    /// captured when the root context was entered) and the <c>-B</c> argument naming its directory, so that the
    /// driver finds <c>as</c>, <c>ld</c> and <c>collect2</c>'s helpers beside itself although helpers see only the
    /// context's environment (no PATH unless the script imports it) — as dlb_contrib.gcc does.
    /// </summary>
    public static (string Path, string PrefixArgument) Driver(string helper)
    {
        var path = Context.Active.Helper[helper];
        var directory = System.IO.Path.GetDirectoryName(path) ?? "/";
        return (path, "-B" + (directory.EndsWith('/') ? directory : directory + "/"));
    }

    /// <summary>The working directory of every contrib helper: the root, without its trailing <c>/</c>.</summary>
    /// <summary>
    /// <c>-fdiagnostics-color=always</c> when the diagnostics reach a terminal (gcc and clang both take it): the driver's
    /// standard error is a pipe to Kiln, so it would not colour them by itself. Not part of the execution parameters.
    /// </summary>
    public static IEnumerable<string> Color(RedoContext context) => context.ColorDiagnostics ? ["-fdiagnostics-color=always"] : [];

    public static string WorkingDirectory(RedoContext context) => context.RootPath.Length > 1 ? context.RootPath.TrimEnd('/') : context.RootPath;
}
