namespace Kiln.Tools;

/// <summary>The value of an environment-variable role.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Raw">The value as set.</param>
/// <param name="Groups">The named groups of the role's validation pattern.</param>
public sealed record EnvVarValue(string Name, string Raw, IReadOnlyDictionary<string, string> Groups)
{
    /// <summary>An explicit value given at creation; name and groups are completed by the engine.</summary>
    public static implicit operator EnvVarValue(string raw) => new("", raw, new Dictionary<string, string>());

    /// <summary>Creates an explicit value (name and groups are completed by the engine).</summary>
    public static EnvVarValue FromString(string raw) => raw;
}
