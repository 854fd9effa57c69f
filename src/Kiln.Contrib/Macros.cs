namespace Kiln.Contrib;

/// <summary>Macro definitions written as on a gcc command line, for <see cref="CompilerTool{TSelf}.Definitions"/>.</summary>
public static class Macros
{
    /// <summary>
    /// The definitions <paramref name="definitions"/>, each <c>NAME</c> (<c>-DNAME</c>) or <c>NAME=VALUE</c>
    /// (<c>-DNAME=VALUE</c>), e.g. <c>Macros.Of("NDEBUG", "LUA_USE_LINUX", "VERSION=3")</c>. Names are checked where the
    /// compile takes them.
    /// </summary>
    /// <exception cref="ArgumentException">A name is given twice (gcc would keep the last silently).</exception>
    public static IReadOnlyDictionary<string, string?> Of(params string[] definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            ArgumentNullException.ThrowIfNull(definition, nameof(definitions));
            var equals = definition.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? definition : definition[..equals];
            if (!result.TryAdd(name, equals < 0 ? null : definition[(equals + 1)..]))
                throw new ArgumentException($"macro '{name}' is defined twice in Macros.Of: keep one definition", nameof(definitions));
        }
        return result;
    }
}
