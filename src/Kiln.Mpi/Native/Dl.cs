using System.Runtime.InteropServices;

namespace Kiln.Mpi.Native;

/// <summary>
/// <c>dlopen</c> with <c>RTLD_GLOBAL</c>: Open MPI loads its MCA components with <c>dlopen</c>, and those resolve
/// symbols of <c>libmpi</c>/<c>libopen-pal</c> globally; <see cref="NativeLibrary.Load(string)"/> uses local scope
/// (design.md: "a library whose symbols later libraries need must be opened RTLD_GLOBAL via libc's dlopen").
/// </summary>
internal static unsafe class Dl
{
    private const int RtldNow = 0x2;      // <dlfcn.h> (bits/dlfcn.h, glibc x86-64 and aarch64)
    private const int RtldGlobal = 0x100;

    /// <summary>Opens <paramref name="name"/> globally; returns 0 and the loader's message on failure.</summary>
    public static nint OpenGlobal(string name, out string? error)
    {
        var libc = NativeLibrary.Load("libc.so.6");
        var dlopen = (delegate* unmanaged<byte*, int, nint>)NativeLibrary.GetExport(libc, "dlopen");
        var dlerror = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(libc, "dlerror");
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        nint handle;
        fixed (byte* p = bytes)
            handle = dlopen(p, RtldNow | RtldGlobal);
        error = handle == 0 ? Marshal.PtrToStringUTF8((nint)dlerror()) : null;
        return handle;
    }
}
