using Kiln.Platform.Posix;
using System.Reflection;
using Kiln.Platform.Resident;

namespace Kiln.Cli.Server;

/// <summary>This process's engine version, identity and socket (what a front computes for the same binary).</summary>
internal sealed record EngineIdentity(string Version, string Identity, string Directory, string SocketPath)
{
    /// <summary>The engine of this Kiln.Cli, for the user and <c>XDG_RUNTIME_DIR</c> of this process.</summary>
    /// <exception cref="IOException">The assembly cannot be examined, or the socket path is too long.</exception>
    public static EngineIdentity OfThisProcess()
    {
        var version = VersionOf(typeof(EngineIdentity).Assembly);
        var identity = EnginePlace.Identity(version, Path.Combine(AppContext.BaseDirectory, EnginePlace.EngineAssembly));
        var directory = EnginePlace.Directory(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), Libc.GetEffectiveUserId());
        return new(version, identity, directory, EnginePlace.SocketPath(directory, identity));
    }

    /// <summary>The informational version without its source revision (the binary identity covers rebuilds).</summary>
    public static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
