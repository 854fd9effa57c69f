using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Kiln.Jit;

/// <summary>
/// A jitted library, loaded. Call its functions through unmanaged function pointers without wrappers:
/// <code>
/// var axpy = (delegate* unmanaged[Cdecl]&lt;double, double*, double*, int, void&gt;)library.GetExport("axpy");
/// </code>
/// The library stays loaded for the life of the process (its file in the cache is immutable).
/// </summary>
public sealed class JitLibrary
{
    // Boxed addresses: a dictionary of reference types runs on precompiled shared generic code (no JIT on first use).
    private readonly ConcurrentDictionary<string, object> _exports = new(StringComparer.Ordinal);

    internal JitLibrary(string path, string signature, string key, nint handle, IReadOnlyList<JitLibrary> dependencies, bool wasBuilt)
    {
        Path = path;
        Signature = signature;
        Key = key;
        Handle = handle;
        Dependencies = dependencies;
        WasBuilt = wasBuilt;
    }

    /// <summary>The library file in the cache (<c>lib/libkiln-&lt;key&gt;.so</c>).</summary>
    public string Path { get; }

    /// <summary>The caller's signature.</summary>
    public string Signature { get; }

    /// <summary>The full cache key (64 hex digits of SHA-256).</summary>
    public string Key { get; }

    /// <summary>The native handle (from NativeLibrary.Load or dlopen).</summary>
    public nint Handle { get; }

    /// <summary>The jitted libraries this one links against, loaded before it.</summary>
    public IReadOnlyList<JitLibrary> Dependencies { get; }

    /// <summary>The cache directory holding the library (<c>DIR/lib/libkiln-K.so</c>): the writable or a shared cache.</summary>
    internal string CacheRoot => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path))!;

    /// <summary>True when this process compiled the library (a miss); false when it came from the cache.</summary>
    public bool WasBuilt { get; }

    /// <summary>The address of exported symbol <paramref name="name"/>; cast it to a <c>delegate* unmanaged</c> type.</summary>
    /// <param name="name">The exported (C linkage) symbol name.</param>
    /// <exception cref="JitException">The library exports no such symbol.</exception>
    public nint GetExport(string name)
    {
        if (_exports.TryGetValue(name, out var known))
            return (nint)known;
        if (!NativeLibrary.TryGetExport(Handle, name, out var address))
            throw new JitException($"library '{Path}' (signature '{Signature}') exports no symbol '{name}'; declare it extern \"C\" with default visibility in the generated source");
        _exports[name] = address;
        return address;
    }

    /// <summary>Like <see cref="GetExport"/>, without throwing.</summary>
    /// <param name="name">The exported symbol name.</param>
    /// <param name="address">The address, or 0.</param>
    public bool TryGetExport(string name, out nint address)
    {
        if (_exports.TryGetValue(name, out var known))
        {
            address = (nint)known;
            return true;
        }
        if (!NativeLibrary.TryGetExport(Handle, name, out address))
            return false;
        _exports[name] = address;
        return true;
    }

    /// <summary>A managed delegate for an export (slower than a function pointer: it marshals).</summary>
    /// <typeparam name="TDelegate">A delegate type matching the C signature.</typeparam>
    /// <param name="name">The exported symbol name.</param>
    public TDelegate GetDelegate<TDelegate>(string name) where TDelegate : Delegate =>
        Marshal.GetDelegateForFunctionPointer<TDelegate>(GetExport(name));

    /// <inheritdoc />
    public override string ToString() => $"{Signature} -> {Path}";
}
