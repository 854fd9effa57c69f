using Kiln.Paths;

namespace Kiln;

/// <summary>
/// Dynamic helpers: executables named relative (<c>gcc</c>) and resolved to absolute paths, by explicit
/// assignment in this or an outer context, else by a search of the PATH captured when the root context was
/// entered (done once per name and run).
/// </summary>
public sealed class Helpers
{
    private readonly Context _owner;
    private readonly Helpers? _outer;
    private readonly Dictionary<string, string> _assigned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _found;
    private readonly IReadOnlyList<string> _searchPath;

    internal Helpers(Context owner, Helpers? outer, IReadOnlyList<string> searchPath)
    {
        _owner = owner;
        _outer = outer;
        _searchPath = searchPath;
        _found = outer?._found ?? new(StringComparer.Ordinal);
    }

    /// <summary>The absolute path of helper <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not assigned and not found on the PATH.</exception>
    public string this[string name]
    {
        get => TryResolve(name) ?? throw new KeyNotFoundException(
            $"not a known dynamic helper in the context: {TreePath.Quote(name)}\n  | install it or put it on PATH, or assign its path with 'Context.Active.Helper[{TreePath.Quote(name)}] = …'");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _owner.CheckModifiable();
            _assigned[name] = Path.IsPathRooted(value) ? value : Path.Combine(_owner.RootPath, value);
        }
    }

    /// <summary>The absolute path of helper <paramref name="name"/>, or null.</summary>
    public string? TryResolve(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        for (var h = this; h is not null; h = h._outer)
            if (h._assigned.TryGetValue(name, out var assigned))
                return assigned;
        if (Path.IsPathRooted(name))
            return File.Exists(name) ? name : null;
        lock (_found)
        {
            if (_found.TryGetValue(name, out var cached))
                return cached;
            string? result = null;
            if (name.Contains('/', StringComparison.Ordinal))
            {
                var candidate = Path.Combine(_owner.RootPath, name);
                result = File.Exists(candidate) ? candidate : null;
            }
            else
            {
                foreach (var dir in _searchPath)
                {
                    var candidate = Path.Combine(dir, name);
                    if (File.Exists(candidate))
                    {
                        result = candidate;
                        break;
                    }
                }
            }
            _found[name] = result;
            return result;
        }
    }
}
