using System.Runtime.InteropServices;

namespace Kiln.Jit.Loading;

/// <summary>
/// Opens libraries without wrappers. Local scope: <see cref="NativeLibrary.Load(string)"/> (RTLD_LOCAL). Global scope:
/// libc's <c>dlopen(path, RTLD_NOW | RTLD_GLOBAL)</c> from <c>libc.so.6</c>, so libraries loaded later can bind to the
/// symbols. Handles are never closed: C++ libraries with STB_GNU_UNIQUE symbols cannot be unloaded anyway, and a
/// published library is immutable. glibc identifies loaded objects by device and inode, so a library test-loaded
/// from the private build folder and then renamed into the cache is the same loaded object afterwards.
/// </summary>
internal static class NativeLoader
{
    /// <summary>Loads <paramref name="path"/>; returns the handle or the loader's error text.</summary>
    public static nint TryLoad(string path, bool global, out string? error)
    {
        error = null;
        if (global && OperatingSystem.IsLinux())
            return Kiln.Platform.Posix.DynamicLoader.OpenGlobal(path, out error);
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            error = e.Message;
            return 0;
        }
        catch (BadImageFormatException e)
        {
            error = e.Message;
            return 0;
        }
    }
}
