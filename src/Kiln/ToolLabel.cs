using Kiln.Paths;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// The short name of a tool instance in run output, as ninja's descriptions: the tool's class, its first explicit input
/// role's paths and its first explicit output role's paths, e.g. <c>CompileC lib/lvm.c → build/obj/lvm.o</c> or
/// <c>LinkExecutable build/obj/a.o (+33 more) → build/lua</c>. Errors keep the full description
/// (<see cref="Tool.ToString"/>), which names every role.
/// </summary>
internal static class ToolLabel
{
    /// <summary>The label of <paramref name="tool"/> with the explicit dependencies observed for its start.</summary>
    public static string Of(ToolDescriptor descriptor, Tool tool)
    {
        var inputs = FirstRolePaths(descriptor, tool, input: true);
        var outputs = FirstRolePaths(descriptor, tool, input: false);
        var label = tool.GetType().Name;
        if (inputs is not null)
            label += " " + inputs;
        if (outputs is not null)
            label += " → " + outputs;
        return label;
    }

    private static string? FirstRolePaths(ToolDescriptor descriptor, Tool tool, bool input)
    {
        foreach (var role in descriptor.Roles)
        {
            if (!role.IsPathRole || !role.IsExplicit || role.IsInput != input)
                continue;
            var paths = role.PathsOf(tool);
            if (paths.Count == 0)
                continue;
            return paths.Count == 1 ? Render(paths[0]) : $"{Render(paths[0])} (+{paths.Count - 1} more)";
        }
        return null;
    }

    // As a person would type it: no quotes unless the path needs them — blanks, control characters, quotes, or a last
    // character a message's summary line must not end with (the log's grammar).
    private static string Render(TreePath path)
    {
        var text = path.AsString();
        var needsQuotes = text.Length == 0 || text[^1] is '.' or ']' ||
            text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"' or '\\' or '|');
        return needsQuotes ? TreePath.Quote(text) : text;
    }
}
