namespace Kiln.Paths;

/// <summary>Placeholder replaced below.</summary>
public enum PathKind
{
    /// <summary>Any path.</summary>
    Any,
}
