namespace Kiln.Platform.Posix;

/// <summary>
/// The environment native code reads (libc's <c>environ</c>): .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only the runtime's own copy.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> in libc's environment, and in .NET's for the runtime's readers;
    /// <paramref name="overwrite"/> false keeps a value already set natively.</summary>
    public static void Set(string name, string value, bool overwrite)
    {
        _ = Libc.Setenv(name, value, overwrite ? 1 : 0);
        Environment.SetEnvironmentVariable(name, value);
    }
}
