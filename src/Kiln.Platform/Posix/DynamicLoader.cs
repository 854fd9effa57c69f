using System.Runtime.InteropServices;

namespace Kiln.Platform.Posix;

/// <summary>
/// <c>dlopen(path, RTLD_NOW | RTLD_GLOBAL)</c>: a library whose symbols later libraries bind to (a JIT library
/// opened with global symbols; libmpi, whose MCA components resolve its symbols globally) must be opened in global
/// scope, and <see cref="NativeLibrary.Load(string)"/> uses local scope (design.md).
/// </summary>
internal static class DynamicLoader
{
    /// <summary>Opens <paramref name="path"/> globally; returns the handle, or 0 and the loader's message.</summary>
    public static nint OpenGlobal(string path, out string? error)
    {
        var handle = Libc.Dlopen(path, Libc.RTLD_NOW | Libc.RTLD_GLOBAL);
        error = handle == 0 ? Marshal.PtrToStringUTF8(Libc.Dlerror()) ?? "dlopen failed" : null;
        return handle;
    }
}
