using Kiln.Toolchain;

namespace Kiln.Contrib.Tests;

/// <summary>Skips a test cleanly when a real tool is not installed.</summary>
internal static class RealCompilers
{
    public static void Require(string name)
    {
        if (CompilerDiscovery.FindExecutable(name) is null)
            Assert.Skip($"'{name}' is not installed");
    }
}
