using System.Reflection;
using Kiln.Paths;

namespace Kiln.Tools;

/// <summary>One dependency role of a tool class: its property and its declaration.</summary>
internal sealed class RoleDescriptor
{
    public RoleDescriptor(PropertyInfo property, DependencyRoleAttribute declaration)
    {
        Property = property;
        Declaration = declaration;
        IsList = property.PropertyType != typeof(TreePath) && property.PropertyType != typeof(EnvVarValue);
    }

    public PropertyInfo Property { get; }

    public DependencyRoleAttribute Declaration { get; }

    public string Name => Property.Name;

    public RoleKind Kind => Declaration.Kind;

    public bool IsList { get; }

    public bool IsInput => Declaration.IsInput;

    public bool IsExplicit => Declaration.Explicit;

    public bool IsPathRole => Kind != RoleKind.InputEnvVar;

    /// <summary>Whether a path of this role must be a directory path.</summary>
    public bool WantsDirectory => Kind is RoleKind.InputDirectory or RoleKind.OutputDirectory;

    /// <summary>The role's paths on <paramref name="tool"/> (empty when unassigned).</summary>
    public IReadOnlyList<TreePath> PathsOf(Tool tool)
    {
        var value = Property.GetValue(tool);
        return value switch
        {
            null => [],
            TreePath p => [p],
            IReadOnlyList<TreePath> list => list,
            _ => [],
        };
    }

    /// <summary>Assigns paths to a non-explicit role of a result.</summary>
    public void SetPaths(Tool tool, IReadOnlyList<TreePath> paths) =>
        Property.SetValue(tool, IsList ? paths : paths.Count == 0 ? null : paths[0]);
}
