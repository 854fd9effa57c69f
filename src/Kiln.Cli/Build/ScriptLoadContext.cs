using System.Reflection;
using System.Runtime.Loader;

namespace Kiln.Cli.Build;

/// <summary>
/// A collectible load context for one compiled build script. Kiln's assemblies resolve to the ones this process
/// already runs (so the script's tools derive from the same <c>Tool</c> type); local packages come from <c>.kiln/u/</c>.
/// </summary>
internal sealed class ScriptLoadContext(ScriptReferences references) : AssemblyLoadContext("kiln-build-script", isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var local = references.FindLocal(assemblyName);
        return local is null ? null : LoadFromAssemblyPath(local);
    }
}
