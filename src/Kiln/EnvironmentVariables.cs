using System.Text.RegularExpressions;
using Kiln.Paths;

namespace Kiln;

/// <summary>
/// The environment variables of a context: the only ones helpers see and non-explicit environment roles read.
/// A variable must be imported (with a validation pattern) before it can be set; an inner context inherits
/// values and patterns from its outer context, and every pattern of the chain must match.
/// </summary>
/// <remarks>
/// Difference from dlb: importing at the root context takes the value from the process environment (dlb leaves
/// it undefined), because a C# build script has no other convenient way to read it.
/// </remarks>
public sealed class EnvironmentVariables
{
    private readonly Context _owner;
    private readonly EnvironmentVariables? _outer;
    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, List<Regex>> _patterns;

    internal EnvironmentVariables(Context owner, EnvironmentVariables? outer, IReadOnlyDictionary<string, string> processEnvironment)
    {
        _owner = owner;
        _outer = outer;
        _values = outer is null ? new(StringComparer.Ordinal) : new(outer._values, StringComparer.Ordinal);
        _patterns = outer is null ? new(StringComparer.Ordinal) : outer._patterns.ToDictionary(p => p.Key, p => new List<Regex>(p.Value), StringComparer.Ordinal);
        ProcessEnvironment = processEnvironment;
    }

    private IReadOnlyDictionary<string, string> ProcessEnvironment { get; }

    /// <summary>Whether <paramref name="name"/> is imported.</summary>
    public bool IsImported(string name) => _patterns.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> has a value.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>Number of defined variables.</summary>
    public int Count => _values.Count;

    /// <summary>The defined variables.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>
    /// Imports <paramref name="name"/> with a validation pattern for this context and all inner ones: the value
    /// comes from the outer context (from the process environment at the root).
    /// </summary>
    /// <exception cref="ArgumentException">The example does not match the pattern.</exception>
    /// <exception cref="EnvironmentValueException">The imported value does not match the pattern.</exception>
    public void ImportFromOuter(string name, string pattern, string example)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(example);
        _owner.CheckModifiable();
        var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
        if (!regex.IsMatch(example))
            throw new ArgumentException($"'example' is not matched by 'pattern': {TreePath.Quote(example)}\n  | pattern is {TreePath.Quote(pattern)}");
        string? value;
        if (_values.TryGetValue(name, out var v))
            value = v;
        else if (_outer is null)
        {
            value = ProcessEnvironment.GetValueOrDefault(name);
            _owner.Run.Configuration.Record?.AddEnvironment(name, value);
        }
        else
            value = null;
        var patterns = _patterns.TryGetValue(name, out var list) ? list : _patterns[name] = [];
        if (value is not null && !regex.IsMatch(value))
            throw new EnvironmentValueException($"imported value of environment variable '{name}' is not matched by validation pattern: {TreePath.Quote(value)}\n  | validation pattern in question is {TreePath.Quote(pattern)}");
        patterns.Add(regex);
        if (value is not null)
            _values[name] = value;
    }

    /// <summary>The value of an imported variable; setting validates it against every pattern of the chain.</summary>
    /// <exception cref="KeyNotFoundException">Getting a variable that is not defined.</exception>
    /// <exception cref="InvalidOperationException">Setting a variable that is not imported.</exception>
    /// <exception cref="EnvironmentValueException">The value does not match a validation pattern.</exception>
    public string this[string name]
    {
        get => _values.TryGetValue(name, out var v) ? v :
            throw new KeyNotFoundException($"not a defined environment variable in the context: '{name}'\n  | use 'ImportFromOuter()' or assign a value first");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _owner.CheckModifiable();
            if (!_patterns.TryGetValue(name, out var patterns))
                throw new InvalidOperationException($"environment variable not imported into context: '{name}'\n  | use 'Context.Active.Env.ImportFromOuter()' first");
            foreach (var p in patterns)
                if (!p.IsMatch(value))
                    throw new EnvironmentValueException($"'value' is not matched by associated validation pattern: {TreePath.Quote(value)}\n  | validation pattern in question is {TreePath.Quote(p.ToString()[4..^2])}");
            _values[name] = value;
        }
    }

    /// <summary>Removes the value of <paramref name="name"/> in this context.</summary>
    public bool Remove(string name)
    {
        _owner.CheckModifiable();
        return _values.Remove(name);
    }
}
