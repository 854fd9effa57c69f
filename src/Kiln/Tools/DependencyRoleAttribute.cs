namespace Kiln.Tools;

/// <summary>
/// Marks a public property of a <see cref="Tool"/> as a dependency role. Use the concrete attributes in
/// <see cref="Input"/> and <see cref="Output"/>.
/// </summary>
/// <remarks>
/// A property of type <see cref="Paths.TreePath"/> holds one path; a property of type
/// <c>IReadOnlyList&lt;TreePath&gt;</c> holds a duplicate-free list whose length lies in
/// [<see cref="MinCount"/>, <see cref="MaxCount"/>].
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public abstract class DependencyRoleAttribute : Attribute
{
    private protected DependencyRoleAttribute(RoleKind kind) => Kind = kind;

    /// <summary>The role kind.</summary>
    public RoleKind Kind { get; }

    /// <summary>Whether a value must be given (explicit roles) or assigned by the redo (non-explicit roles). Default true.</summary>
    public bool Required { get; set; } = true;

    /// <summary>
    /// Whether the value is given when the tool instance is created (and enters its fingerprint); a non-explicit
    /// value is assigned by the redo, e.g. the headers a compiler read. Default true.
    /// </summary>
    public bool Explicit { get; set; } = true;

    /// <summary>Least number of paths of a list role. Default 0.</summary>
    public int MinCount { get; set; }

    /// <summary>Greatest number of paths of a list role. Default unbounded.</summary>
    public int MaxCount { get; set; } = int.MaxValue;

    /// <summary>Whether the role is an input.</summary>
    public bool IsInput => Kind <= RoleKind.InputEnvVar;
}
