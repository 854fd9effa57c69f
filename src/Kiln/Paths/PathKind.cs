namespace Kiln.Paths;

/// <summary>
/// Restrictions a path must satisfy, as dlb's restricting path classes (<c>NoSpacePath</c>,
/// <c>PortablePosixPath</c>, …). Kinds combine with <c>|</c>; <see cref="PathKinds.Check"/> enforces them.
/// </summary>
[Flags]
public enum PathKind
{
    /// <summary>No restriction.</summary>
    Any = 0,

    /// <summary>Must be relative.</summary>
    Relative = 1,

    /// <summary>Must be absolute.</summary>
    Absolute = 2,

    /// <summary>Must contain no <c>..</c> component.</summary>
    Normalized = 4,

    /// <summary>Must contain no space.</summary>
    NoSpace = 8,

    /// <summary>
    /// POSIX portable file names: components of at most 14 characters from <c>[A-Za-z0-9._-]</c>, not starting
    /// with <c>-</c>; the whole path at most 255 characters.
    /// </summary>
    PortablePosix = 16,

    /// <summary>
    /// Portable to MS Windows: no <c>\ " | ? * &lt; &gt; :</c>, no control characters, no reserved device
    /// names, components of at most 255 characters not ending in space or dot, path at most 259 characters.
    /// </summary>
    PortableWindows = 32,

    /// <summary>Portable everywhere: <see cref="PortablePosix"/>, <see cref="PortableWindows"/> and <see cref="Relative"/>.</summary>
    Portable = PortablePosix | PortableWindows | Relative,
}
