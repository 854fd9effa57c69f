using System.Runtime.InteropServices;

namespace Kiln.Jit.Loading;

/// <summary>
/// Opens libraries without wrappers. Local scope: <see cref="NativeLibrary.Load(string)"/> (RTLD_LOCAL). Global scope:
/// libc's <c>dlopen(path, RTLD_NOW | RTLD_GLOBAL)</c> from <c>libc.so.6</c>, so libraries loaded later can bind to the
/// symbols. Handles are never closed: C++ libraries with STB_GNU_UNIQUE symbols cannot be unloaded anyway, and a
/// published library is immutable. glibc identifies loaded objects by device and inode, so a library test-loaded
/// from the private build folder and then renamed into the cache is the same loaded object afterwards.
/// </summary>
internal static partial class NativeLoader
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    /// <summary>Loads <paramref name="path"/>; returns the handle or the loader's error text.</summary>
    public static nint TryLoad(string path, bool global, out string? error)
    {
        error = null;
        if (global && OperatingSystem.IsLinux())
        {
            var handle = DlOpen(path, RtldNow | RtldGlobal);
            if (handle == 0)
                error = Marshal.PtrToStringUTF8(DlError()) ?? "dlopen failed";
            return handle;
        }
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

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial nint DlError();
}
