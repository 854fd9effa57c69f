namespace Kiln.Diagnostics;

/// <summary>
/// Severity of a diagnostic message. Values between the named ones are valid (e.g. <c>(Level)13</c>, which
/// shows as 'D'), as in dlb, where levels are the integers of Python's <c>logging</c>.
/// </summary>
public enum Level
{
    /// <summary>Detail for whoever debugs a build ('D').</summary>
    Debug = 10,

    /// <summary>What happened ('I').</summary>
    Info = 20,

    /// <summary>Something suspicious ('W').</summary>
    Warning = 30,

    /// <summary>A failure ('E').</summary>
    Error = 40,

    /// <summary>A failure that ends the run ('C').</summary>
    Critical = 50,
}
