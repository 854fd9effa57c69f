using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Kiln.Paths;

namespace Kiln.Tools;

/// <summary>
/// What a tool class declares, read once per class by reflection: its dependency roles in fingerprint order
/// (inputs before outputs, required before optional, then by name) and its execution parameters (by name).
/// Also validates instances and computes their fingerprints — pure functions of the instance.
/// </summary>
internal sealed class ToolDescriptor
{
    private static readonly ConcurrentDictionary<Type, ToolDescriptor> Cache = new();
    private readonly Dictionary<string, Regex> _envVarPatterns = new(StringComparer.Ordinal);

    private ToolDescriptor(Type type)
    {
        Type = type;
        var roles = new List<RoleDescriptor>();
        var parameters = new List<PropertyInfo>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var role = property.GetCustomAttribute<DependencyRoleAttribute>(inherit: true);
            var isParameter = property.GetCustomAttribute<ExecutionParameterAttribute>(inherit: true) is not null;
            if (role is not null && isParameter)
                throw new ToolDefinitionException(type, $"property '{property.Name}' is both a dependency role and an execution parameter");
            if (role is not null)
            {
                roles.Add(new RoleDescriptor(property, role));
                CheckRoleDeclaration(type, property, role);
            }
            else if (isParameter)
            {
                parameters.Add(property);
            }
            else if (property.SetMethod is { IsPublic: true })
            {
                throw new ToolDefinitionException(type,
                    $"public property '{property.Name}' is neither a dependency role nor an execution parameter\n" +
                    "  | mark it with [ExecutionParameter] or a role attribute such as [Input.RegularFile], or make it get-only");
            }
        }

        Roles = [.. roles
            .OrderBy(r => r.IsInput ? 0 : 1)
            .ThenBy(r => r.Declaration.Required ? 0 : 1)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];
        Parameters = [.. parameters.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public Type Type { get; }

    public IReadOnlyList<RoleDescriptor> Roles { get; }

    public IReadOnlyList<PropertyInfo> Parameters { get; }

    public static ToolDescriptor For(Type type) => Cache.GetOrAdd(type, static t => new ToolDescriptor(t));

    private void CheckRoleDeclaration(Type type, PropertyInfo property, DependencyRoleAttribute role)
    {
        var t = property.PropertyType;
        if (role.Kind == RoleKind.InputEnvVar)
        {
            if (t != typeof(EnvVarValue))
                throw new ToolDefinitionException(type, $"environment variable role '{property.Name}' must be of type EnvVarValue");
            var envVar = (Input.EnvVarAttribute)role;
            Regex pattern;
            try
            {
                pattern = new Regex("^(?:" + envVar.Pattern + ")$", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ToolDefinitionException(type, $"role '{property.Name}' has an invalid validation pattern {TreePath.Quote(envVar.Pattern)}: {e.Message}");
            }
            if (!pattern.IsMatch(envVar.Example))
                throw new ToolDefinitionException(type, $"role '{property.Name}': example {TreePath.Quote(envVar.Example)} is not matched by validation pattern {TreePath.Quote(envVar.Pattern)}");
            _envVarPatterns[property.Name] = pattern;
            return;
        }
        if (t != typeof(TreePath) && t != typeof(IReadOnlyList<TreePath>))
            throw new ToolDefinitionException(type, $"path role '{property.Name}' must be of type TreePath or IReadOnlyList<TreePath>");
        if (role.MinCount < 0 || role.MaxCount < role.MinCount)
            throw new ToolDefinitionException(type, $"role '{property.Name}' has an invalid count range [{role.MinCount}, {role.MaxCount}]");
        if (!role.Explicit && property.SetMethod is not { IsPublic: true })
            throw new ToolDefinitionException(type, $"non-explicit role '{property.Name}' needs a public setter (the redo assigns it)");
    }

    /// <summary>The validation pattern of an environment-variable role.</summary>
    public Regex EnvVarPattern(RoleDescriptor role) => _envVarPatterns[role.Name];

    /// <summary>
    /// Checks the values of an instance without looking at the file system. Returns the first problem as a
    /// dlb-shaped message, or null.
    /// </summary>
    public string? Validate(Tool tool)
    {
        foreach (var role in Roles)
        {
            var value = role.Property.GetValue(tool);
            if (!role.IsExplicit)
            {
                if (value is not null)
                    return $"non-explicit dependency role '{role.Name}' must not be given (the redo assigns it)";
                continue;
            }
            if (value is null)
            {
                if (role.Declaration.Required)
                    return $"missing value for required dependency role '{role.Name}'";
                continue;
            }
            if (role.Kind == RoleKind.InputEnvVar)
            {
                var raw = ((EnvVarValue)value).Raw;
                var envVar = (Input.EnvVarAttribute)role.Declaration;
                if (!EnvVarPattern(role).IsMatch(raw))
                    return $"value for dependency role '{role.Name}' is invalid: {TreePath.Quote(raw)}\n  | reason: value is not matched by validation pattern {TreePath.Quote(envVar.Pattern)}";
                continue;
            }
            var paths = role.PathsOf(tool);
            if (role.IsList)
            {
                if (paths.Count < role.Declaration.MinCount || paths.Count > role.Declaration.MaxCount)
                    return $"value for dependency role '{role.Name}' is invalid\n  | reason: value has {paths.Count} members, which is not accepted according to the specified multiplicity [{role.Declaration.MinCount}:{(role.Declaration.MaxCount == int.MaxValue ? "" : (role.Declaration.MaxCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))}]";
                var seen = new HashSet<TreePath>();
                foreach (var p in paths)
                {
                    if (p is null)
                        return $"value for dependency role '{role.Name}' is invalid\n  | reason: contains null";
                    if (!seen.Add(p))
                        return $"value for dependency role '{role.Name}' is invalid\n  | reason: iterable must be duplicate-free but contains {p} more than once";
                }
            }
            foreach (var p in paths)
            {
                if (role.WantsDirectory && !p.IsDirectory)
                    return $"value for dependency role '{role.Name}' is invalid: {p}\n  | reason: non-directory path not accepted (a directory path ends with '/')";
                if (!role.WantsDirectory && p.IsDirectory)
                    return $"value for dependency role '{role.Name}' is invalid: {p}\n  | reason: directory path not accepted (remove the trailing '/')";
            }
        }
        return null;
    }

    /// <summary>
    /// The fingerprint of an instance: SHA-256 over, for each explicit role in role order, its kind and name
    /// (and the variable's name for an environment variable) and its value, then every execution parameter's
    /// name and canonical value in name order. <paramref name="dependenciesOnly"/> leaves the parameters out;
    /// that second fingerprint lets the engine say "execution parameters have changed".
    /// </summary>
    /// <exception cref="ToolDefinitionException">An execution parameter's value is not fundamental.</exception>
    public byte[] Fingerprint(Tool tool, bool dependenciesOnly = false)
    {
        var encoder = new CanonicalEncoder();
        WriteDependencies(encoder, tool);
        if (!dependenciesOnly)
            WriteParameters(encoder, tool);
        return SHA256.HashData(encoder.WrittenSpan);
    }

    /// <summary>
    /// Both fingerprints of <see cref="Fingerprint"/> from one encoding: the dependency fingerprint hashes a prefix
    /// of what the full one hashes.
    /// </summary>
    /// <exception cref="ToolDefinitionException">An execution parameter's value is not fundamental.</exception>
    public (byte[] Full, byte[] DependenciesOnly) Fingerprints(Tool tool)
    {
        var encoder = new CanonicalEncoder();
        WriteDependencies(encoder, tool);
        var dependenciesOnly = SHA256.HashData(encoder.WrittenSpan);
        WriteParameters(encoder, tool);
        return (SHA256.HashData(encoder.WrittenSpan), dependenciesOnly);
    }

    private void WriteDependencies(CanonicalEncoder encoder, Tool tool)
    {
        encoder.WriteString(Type.FullName ?? Type.Name);
        foreach (var role in Roles)
        {
            if (!role.IsExplicit)
                continue;
            encoder.WriteTag((byte)role.Kind);
            encoder.WriteString(role.Name);
            var value = role.Property.GetValue(tool);
            if (value is EnvVarValue envVar)
            {
                encoder.WriteString(((Input.EnvVarAttribute)role.Declaration).Name);
                encoder.TryWriteValue(envVar.Raw);
            }
            else if (value is null)
            {
                encoder.WriteTag(0);
            }
            else
            {
                var paths = role.PathsOf(tool);
                encoder.WriteTag(role.IsList ? (byte)9 : (byte)4);
                encoder.WriteInt32(paths.Count);
                foreach (var p in paths)
                    encoder.WriteString(p.AsString());
            }
        }
    }

    private void WriteParameters(CanonicalEncoder encoder, Tool tool)
    {
        foreach (var parameter in Parameters)
        {
            encoder.WriteString(parameter.Name);
            var error = encoder.TryWriteValue(parameter.GetValue(tool));
            if (error is not null)
                throw new ToolDefinitionException(Type, $"execution parameter '{parameter.Name}' has a value of type '{error}', which is not fundamental\n  | use null, bool, numbers, strings, byte arrays, enums, paths, or lists and dictionaries of those");
        }
    }

    /// <summary><c>ClassName(Role='value', …)</c> for explicit values (parameters are left out).</summary>
    public string Describe(Tool tool)
    {
        var sb = new StringBuilder(Type.Name).Append('(');
        var first = true;
        foreach (var role in Roles.Where(r => r.IsExplicit))
        {
            var value = role.Property.GetValue(tool);
            if (value is null)
                continue;
            if (!first)
                sb.Append(", ");
            first = false;
            sb.Append(role.Name).Append('=');
            if (value is EnvVarValue e)
                sb.Append(TreePath.Quote(e.Raw));
            else if (role.IsList)
                sb.Append('[').AppendJoin(", ", role.PathsOf(tool).Select(p => p.ToString())).Append(']');
            else
                sb.Append(value);
        }
        return sb.Append(')').ToString();
    }
}
